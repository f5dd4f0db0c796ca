"""The app's periodic duties and the one scheduler that runs them (`manage.py spends_scheduler`).

Every duty is a cron-safe management command: it decides by itself whether there is work (a
backup due by the schedule set in the app, a reminder threshold reached) and records what it did,
so running it late, again, or right after a restart never does the work twice. That is why the
scheduler also runs every duty once when it starts: a backup that fell due while it was stopped
is made then, not at the next hour (a duty whose time of day has not come yet waits for it).

Compose's `scheduler` service and `make run` run the scheduler (APScheduler, in one process); a
bare-metal install can instead run `manage.py spends_scheduler --once` from cron every hour.
"""

import datetime
import logging
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import close_old_connections

from kernel.heartbeats import HeartbeatThread

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Duty:
    command: str
    cron: str  # minute hour day month weekday, in TIME_ZONE unless `timezone` names another
    arguments: tuple[str, ...] = ()
    timezone: str | None = None

    @property
    def name(self) -> str:
        return " ".join([self.command, *self.arguments])

    def run(self) -> bool:
        """Run the duty's command in this process; return whether it succeeded.

        Never raises: a failing duty is logged and retried at its next run, and must not stop
        the others. Database connections are closed around it, as Django does around a request,
        because the scheduler lives for months.
        """
        close_old_connections()
        started = time.monotonic()
        try:
            call_command(self.command, *self.arguments)
        except CommandError as exc:
            logger.warning("%s failed: %s", self.name, exc)
            return False
        except Exception:
            logger.exception("%s failed", self.name)
            return False
        finally:
            close_old_connections()
        logger.info("%s done in %.1f s", self.name, time.monotonic() - started)
        return True


def duties() -> tuple[Duty, ...]:
    """Every periodic duty of the app, with its schedule."""
    hours = f"{settings.SPENDS_REMINDER_HOUR}-23"
    return (
        # Backs up when the schedule set in the app says a backup is due (a cheap question asked
        # every minute, so a backup turned on is made within a minute), then prunes.
        Duty("backups_scheduled", "* * * * *"),
        # Each person's digest once a day from SPENDS_REMINDER_HOUR, sent within a minute of
        # falling due (or of a setting that makes it due)...
        Duty("reminders_send", f"* {hours} * * *", ("--no-retry",)),
        # ... and deliveries that failed tried again once an hour, not every minute.
        Duty("reminders_send", f"5 {hours} * * *"),
        # Jobs whose worker died are marked failed; uploads' temporary files a crash left go.
        Duty("spends_upkeep", "30 * * * *"),
        # Forwarded order e-mails become drafts (docs/receipts.md), when a mailbox is set.
        *((Duty("receipts_mailbox_poll", mailbox_cron()),) if settings.SPENDS_IMAP_URL else ()),
        # The ECB's new rates, after it publishes them (around 16:00 in Frankfurt); only new
        # days are added. Last, so that at start a slow download delays no other duty.
        # A quarter of an hour after the refresh below, the purchases still without a usable
        # rate (or never converted, as after the upgrade that brought conversions) take the new
        # days' rates; kept rates never move without the explicit re-convert
        # (docs/currencies.md §6).
        Duty("purchases_reconvert", "45 16 * * *", ("--only-missing",), timezone="Europe/Berlin"),
        Duty("currencies_refresh", "30 16 * * *", timezone="Europe/Berlin"),
    )


def mailbox_cron() -> str:
    """Every SPENDS_IMAP_INTERVAL_MINUTES minutes, counted from each full hour."""
    minutes = settings.SPENDS_IMAP_INTERVAL_MINUTES
    return "0 * * * *" if minutes >= 60 else f"*/{minutes} * * * *"


def duties_run_once() -> bool:
    """Run every duty once, in order; return whether all succeeded."""
    results = [duty.run() for duty in duties()]
    return all(results)


def due_at_start(trigger: CronTrigger, now: datetime.datetime) -> bool:
    """Whether TRIGGER would have fired earlier today: then a scheduler starting NOW runs the
    duty at once (it may have been missed while stopped); otherwise it waits for its time."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    first = trigger.get_next_fire_time(None, midnight)
    return first is not None and first <= now


def scheduler_build() -> BlockingScheduler:
    """The long-lived scheduler: each duty at start if its time has come today, then on its
    cron line. Duties run one at a time on one thread: a backup and a digest never compete."""
    scheduler = BlockingScheduler(
        timezone=settings.TIME_ZONE,
        executors={"default": ThreadPoolExecutor(1)},
        # A run missed while the machine slept is made once, late, rather than several times.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    now = datetime.datetime.now(ZoneInfo(settings.TIME_ZONE))
    for duty in duties():
        trigger = CronTrigger.from_crontab(duty.cron, timezone=duty.timezone or settings.TIME_ZONE)
        at_start = {"next_run_time": now} if due_at_start(trigger, now) else {}
        scheduler.add_job(duty.run, trigger, id=duty.name, name=duty.name, **at_start)
    return scheduler


def scheduler_run(*, heartbeat_file: Path | None = None) -> None:
    """Run the scheduler until SIGTERM or SIGINT; a duty under way is finished first.

    Its heartbeat (kernel/heartbeats.py) beats on a thread of its own, so a long backup
    does not make the process look dead; HEARTBEAT_FILE is touched with each beat.
    """
    scheduler = scheduler_build()

    def stop(signum, frame):
        logger.info("Scheduler stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    logger.info(
        "Scheduler started: %s",
        ", ".join(f"{duty.name} at '{duty.cron}'" for duty in duties()),
    )
    heartbeat = HeartbeatThread("scheduler", file=heartbeat_file)
    heartbeat.start()
    try:
        scheduler.start()
    finally:
        heartbeat.stop()
