from django.core.management.base import CommandError

from kernel.commands import SpendsCommand
from kernel.progress import progress_bars
from reminders.digests import digest_message
from reminders.services import RETRY_DAYS, reminders_send


class Command(SpendsCommand):
    help = (
        "Send each person today's digest of the deadlines that reached one of their reminder "
        "thresholds (email and/or webhook), and retry deliveries that failed before. Safe to run "
        "from cron daily or more often: each threshold of each deadline is reminded of once, a "
        "late run catches up with one entry per deadline, and a person gets one digest a day. "
        "Exits with status 1 when a delivery failed (it is retried on the next run)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be sent and retried; send and record nothing.",
        )
        parser.add_argument(
            "--no-retry",
            action="store_false",
            dest="retry",
            help="Send only deliveries never tried; leave failed ones for a later run.",
        )

    def handle(self, *args, dry_run, retry, verbosity, **options):
        with progress_bars(self.stderr._out) as bars:
            report = reminders_send(dry_run=dry_run, retry=retry, progress=bars)
        if dry_run:
            self._dry_run(report, verbosity)
            return
        self._summary(report, verbosity)
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} reminder deliver{'y' if len(report.failed) == 1 else 'ies'}"
                " failed; the next run retries them."
            )

    def _dry_run(self, report, verbosity):
        self.stdout.write(f"Dry run for {report.today:%Y-%m-%d}: nothing is sent or recorded.")
        for planned in report.digests:
            subject, text, _ = digest_message(planned.entries, today=report.today)
            self.stdout.write(
                f"Would send to {planned.user} by {' and '.join(planned.channels)}: {subject}"
            )
            if verbosity > 1:
                self.stdout.write(text)
        for planned in report.unreachable:
            self.stdout.write(self.style.WARNING(_unreachable(planned)))
        for delivery in report.to_retry:
            self.stdout.write(
                f"Would {'retry' if delivery.attempts else 'send'} the {delivery.channel} of "
                f"{delivery.digest}"
                + (f" (last error: {delivery.last_error})" if delivery.attempts else "")
            )
        if not report.digests and not report.to_retry:
            self.stdout.write("Nothing to send.")
        if report.already_today:
            self.stdout.write(f"{report.already_today} person(s) already have today's digest.")

    def _summary(self, report, verbosity):
        if verbosity > 1:
            for planned in report.digests:
                self.stdout.write(
                    f"{planned.user}: {len(planned.entries)} deadline(s) by "
                    f"{' and '.join(planned.channels)}"
                )
        for delivery in report.failed:
            self.stderr.write(
                f"Failed: the {delivery.channel} of {delivery.digest}: {delivery.last_error}"
            )
        for planned in report.unreachable:
            self.stderr.write(self.style.WARNING(_unreachable(planned)))
        deadlines = sum(len(planned.entries) for planned in report.digests)
        parts = [
            f"Reminders of {report.today:%Y-%m-%d}: {len(report.digests)} digest(s) "
            f"with {deadlines} deadline(s)",
            f"{report.sent['email']} email(s) and {report.sent['webhook']} webhook call(s) sent",
        ]
        if report.retried:
            parts.append(f"{report.retried} earlier delivery(ies) retried")
        if report.failed:
            parts.append(f"{len(report.failed)} failed (retried on the next run)")
        if report.abandoned:
            parts.append(f"{report.abandoned} given up after failing for {RETRY_DAYS} days")
        if report.cancelled:
            parts.append(f"{report.cancelled} cancelled (channel switched off)")
        if report.already_today:
            parts.append(f"{report.already_today} person(s) already had today's digest")
        if report.taken_by_other_run:
            parts.append(f"{report.taken_by_other_run} handled by another run")
        line = "; ".join(parts) + "."
        style = self.style.WARNING if report.failed or report.abandoned else self.style.SUCCESS
        self.stdout.write(style(line))


def _unreachable(planned) -> str:
    return (
        f"Not reminded: {planned.user} has {len(planned.entries)} deadline(s) due but no channel "
        "(no email address or email off, and no webhook); they stay due."
    )
