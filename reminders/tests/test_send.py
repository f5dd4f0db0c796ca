"""Sending reminders: each threshold of each deadline once, whatever happens to the runs."""

import datetime
import email
import io
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone

from purchases.tests.factories import PurchaseFactory
from reminders import services
from reminders.models import DeliveryStatus, ReminderDelivery, ReminderDigest, ReminderSent
from reminders.tests.conftest import TODAY, warranty_ending
from reminders.tests.factories import ReminderPreferencesFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def run(*args):
    out = io.StringIO()
    call_command("reminders_send", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def recorded(person):
    return sorted(
        ReminderSent.objects.filter(user=person).values_list("threshold", flat=True),
        reverse=True,
    )


def lease_expires():
    """Let the leases of deliveries that a crashed run held run out."""
    ReminderDelivery.objects.update(claimed_until=timezone.now() - datetime.timedelta(seconds=1))


def test_a_warranty_ending_in_seven_days_is_reminded_once_across_reruns(today, mailoutbox):
    prefs = ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")

    run()
    run()
    today(TODAY + DAY)
    run()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [prefs.user.email]
    assert "Espresso machine" in message.subject
    assert "warranty ends in 7 days" in message.subject
    # 30 days was passed too: it is recorded with 7, and not sent again on its own.
    assert recorded(prefs.user) == [30, 7]


def test_each_threshold_is_reminded_on_its_own_day(today, mailoutbox):
    prefs = ReminderPreferencesFactory()
    warranty_ending(TODAY + 30 * DAY)

    for offset in range(31):
        today(TODAY + offset * DAY)
        run()

    assert [m.subject.rsplit(", ", 1)[1] for m in mailoutbox] == [
        "warranty ends in 30 days",
        "warranty ends in 7 days",
        "warranty ends tomorrow",
    ]
    assert recorded(prefs.user) == [30, 7, 1]


def test_a_late_run_catches_up_with_one_entry_per_deadline(today, mailoutbox):
    prefs = ReminderPreferencesFactory()
    warranty = warranty_ending(TODAY + 20 * DAY, product_name="Lawn mower")
    run()  # 20 days before: the 30-day reminder
    # No run for 19 days: 7 and 1 days before were both missed.
    today(TODAY + 19 * DAY)

    run()

    assert len(mailoutbox) == 2
    assert mailoutbox[1].body.count("Lawn mower") == 1
    digest = ReminderDigest.objects.get(day=TODAY + 19 * DAY)
    assert [(e["source_id"], e["thresholds"]) for e in digest.entries] == [
        (str(warranty.id), [7, 1])
    ]
    assert recorded(prefs.user) == [30, 7, 1]


def test_a_deadline_already_past_is_not_reminded_of(today, mailoutbox):
    ReminderPreferencesFactory()
    warranty_ending(TODAY - DAY)
    PurchaseFactory(return_deadline=TODAY - DAY)

    run()

    assert mailoutbox == []
    assert not ReminderSent.objects.exists()


def test_one_digest_per_person_and_day_lists_every_deadline_due(today, mailoutbox):
    ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY, product_name="Kettle")
    PurchaseFactory(product_name="Boots", return_deadline=TODAY + DAY)
    run()
    # Entered after today's digest went out: it waits for tomorrow's.
    warranty_ending(TODAY + 2 * DAY, product_name="Drill")
    assert "1 person(s) already had today's digest" in run()
    today(TODAY + DAY)
    run()

    assert len(mailoutbox) == 2
    assert "2 deadlines" in mailoutbox[0].subject
    assert "Kettle" in mailoutbox[0].body
    assert "Boots: last day to return tomorrow" in mailoutbox[0].body
    assert "Drill" in mailoutbox[1].subject
    assert "Drill" not in mailoutbox[0].body


def test_a_crash_between_sending_and_recording_it_sends_again_rather_than_never(
    today, mailoutbox, monkeypatch
):
    prefs = ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY)

    def crash(delivery):
        raise KeyboardInterrupt  # the process dies after the mail server took the message

    with monkeypatch.context() as patch:
        patch.setattr(services, "_delivery_mark_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            run()
    assert len(mailoutbox) == 1

    run()  # while the dead run's lease lasts, nobody sends it
    assert len(mailoutbox) == 1

    lease_expires()
    run()
    run()
    assert len(mailoutbox) == 2  # one duplicate, as documented; then never again
    assert ReminderDelivery.objects.get().status == DeliveryStatus.SENT
    assert recorded(prefs.user) == [30, 7]


def test_a_crash_after_recording_and_before_sending_loses_nothing(today, mailoutbox, monkeypatch):
    ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY)

    def crash(delivery, *, today):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(services, "reminder_delivery_send", crash)
        with pytest.raises(KeyboardInterrupt):
            run()
    assert mailoutbox == []
    assert ReminderSent.objects.exists()  # recorded, so the plan will not list it again

    today(TODAY + DAY)
    output = run()

    assert len(mailoutbox) == 1
    assert "1 earlier delivery(ies) retried" in output
    # Counted from the day it is finally sent, not from the day it was recorded.
    assert "warranty ends in 6 days" in mailoutbox[0].subject


def test_two_runs_at_once_record_and_send_each_reminder_once(today, mailoutbox):
    prefs = ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY)
    first = services.reminder_plan(today=TODAY)
    second = services.reminder_plan(today=TODAY)  # planned before the first one recorded

    assert services.reminder_digest_record(first.digests[0], today=TODAY) is not None
    assert services.reminder_digest_record(second.digests[0], today=TODAY) is None

    delivery = ReminderDelivery.objects.get()
    assert services._claim(delivery, timezone.now())
    assert not services._claim(delivery, timezone.now())
    assert recorded(prefs.user) == [30, 7]


def test_reminders_follow_the_configured_time_zone(settings, monkeypatch, mailoutbox):
    prefs = ReminderPreferencesFactory(thresholds=[7])
    warranty_ending(datetime.date(2025, 3, 17))
    late_evening_utc = datetime.datetime(2025, 3, 9, 23, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late_evening_utc)

    settings.TIME_ZONE = "UTC"  # still 9 March: 8 days left
    run()
    assert mailoutbox == []

    settings.TIME_ZONE = "Pacific/Auckland"  # already 10 March: 7 days left
    run()
    assert len(mailoutbox) == 1
    assert ReminderDigest.objects.get(user=prefs.user).day == datetime.date(2025, 3, 10)


@pytest.mark.parametrize(
    ("day", "expected"),
    [(datetime.date(2025, 2, 27), 0), (datetime.date(2025, 2, 28), 1)],
)
def test_thresholds_count_calendar_days_across_a_short_month(today, mailoutbox, day, expected):
    ReminderPreferencesFactory(thresholds=[30])
    warranty_ending(datetime.date(2025, 3, 30))
    today(day)

    run()

    assert len(mailoutbox) == expected


def test_kinds_and_thresholds_are_each_person_s_own(today, mailoutbox):
    returns_only = ReminderPreferencesFactory(kinds=["return"], thresholds=[3])
    everything = ReminderPreferencesFactory()
    warranty_ending(TODAY + 3 * DAY, product_name="Kettle")
    PurchaseFactory(product_name="Boots", return_deadline=TODAY + 3 * DAY)

    run()

    by_person = {m.to[0]: m for m in mailoutbox}
    assert "Boots" in by_person[returns_only.user.email].subject
    assert "Kettle" not in by_person[returns_only.user.email].body
    assert "2 deadlines" in by_person[everything.user.email].subject


def test_a_person_without_a_channel_is_reported_and_reminded_once_reachable(today, mailoutbox):
    prefs = ReminderPreferencesFactory(email_enabled=False)
    warranty_ending(TODAY + 7 * DAY)
    err = io.StringIO()
    call_command("reminders_send", stdout=io.StringIO(), stderr=err)
    assert "Not reminded" in err.getvalue()
    assert not ReminderSent.objects.exists()

    services.reminder_preferences_update(user=prefs.user, email_enabled=True)
    run()

    assert len(mailoutbox) == 1


def test_the_dry_run_shows_what_would_be_sent_and_changes_nothing(today, mailoutbox):
    prefs = ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")

    output = run("--dry-run", "--verbosity", "2")

    assert f"Would send to {prefs.user} by email" in output
    assert "Espresso machine" in output
    assert mailoutbox == []
    assert not ReminderDigest.objects.exists()
    run()
    assert len(mailoutbox) == 1


# --- Webhooks -----------------------------------------------------------------------------------


def test_the_webhook_receives_the_digest_as_json(today, webhook_server):
    prefs = ReminderPreferencesFactory(email_enabled=False, webhook_url=webhook_server.url)
    warranty = warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")

    output = run()
    run()

    assert len(webhook_server.requests) == 1
    request = webhook_server.requests[0]
    assert request["path"] == "/topic"
    assert request["headers"]["Content-Type"] == "application/json"
    body = request["json"]
    assert body["title"].startswith("Spends Tracker: Espresso machine")
    assert "Espresso machine" in body["message"]
    assert body["deadlines"] == [
        {
            "kind": "warranty",
            "source_id": str(warranty.id),
            "purchase_id": str(warranty.purchase_id),
            "product_name": "Espresso machine",
            "due_date": (TODAY + 7 * DAY).isoformat(),
            "detail": None,
            "thresholds": [30, 7],
            "days_left": 7,
        }
    ]
    assert "1 webhook call(s) sent" in output
    assert recorded(prefs.user) == [30, 7]


def test_a_failing_webhook_is_reported_and_retried_on_the_next_run(
    today, webhook_server, mailoutbox
):
    ReminderPreferencesFactory(webhook_url=webhook_server.url)
    warranty_ending(TODAY + 7 * DAY)
    webhook_server.statuses = [500]

    with pytest.raises(CommandError, match="1 reminder delivery failed"):
        run()
    failed = ReminderDelivery.objects.get(channel="webhook")
    assert failed.status == DeliveryStatus.FAILED
    assert failed.last_error == "The webhook answered HTTP 500 Internal Server Error."
    assert len(mailoutbox) == 1  # the email went out regardless

    today(TODAY + DAY)
    output = run()

    assert len(webhook_server.requests) == 2
    assert ReminderDelivery.objects.get(channel="webhook").status == DeliveryStatus.SENT
    assert "1 earlier delivery(ies) retried" in output
    assert len(mailoutbox) == 1  # the email is not sent twice


def test_an_unreachable_webhook_is_a_failure(today, closed_port_url):
    ReminderPreferencesFactory(email_enabled=False, webhook_url=closed_port_url)
    warranty_ending(TODAY + 7 * DAY)

    with pytest.raises(CommandError):
        run()

    delivery = ReminderDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("The webhook could not be reached")


def test_a_redirected_webhook_is_a_failure_not_a_silent_get(today, webhook_server):
    ReminderPreferencesFactory(email_enabled=False, webhook_url=webhook_server.url)
    warranty_ending(TODAY + 7 * DAY)
    webhook_server.statuses = [302]

    with pytest.raises(CommandError):
        run()

    assert len(webhook_server.requests) == 1
    assert ReminderDelivery.objects.get().last_error.startswith("The webhook answered HTTP 302")


def test_a_delivery_failing_for_a_week_is_given_up_and_reported(today, closed_port_url):
    ReminderPreferencesFactory(email_enabled=False, webhook_url=closed_port_url)
    warranty_ending(TODAY + 7 * DAY)
    with pytest.raises(CommandError):
        run()
    ReminderDelivery.objects.update(
        created_at=timezone.now() - datetime.timedelta(days=services.RETRY_DAYS, seconds=1)
    )

    output = run()

    assert ReminderDelivery.objects.get().status == DeliveryStatus.ABANDONED
    assert "1 given up after failing for 7 days" in output


def test_removing_the_webhook_cancels_its_pending_retry(today, closed_port_url):
    prefs = ReminderPreferencesFactory(email_enabled=False, webhook_url=closed_port_url)
    warranty_ending(TODAY + 7 * DAY)
    with pytest.raises(CommandError):
        run()
    services.reminder_preferences_update(user=prefs.user, webhook_url="")

    output = run()

    assert ReminderDelivery.objects.get().status == DeliveryStatus.CANCELLED
    assert "1 cancelled" in output


# --- A real SMTP server ---------------------------------------------------------------------------


class _Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on 127.0.0.1, and the email settings that EMAIL_URL=smtp://… would give."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield inbox
    controller.stop()


def test_reminders_reach_a_real_smtp_server_once(today, smtp_server):
    prefs = ReminderPreferencesFactory(email="household@example.org")
    warranty_ending(TODAY + 7 * DAY, product_name="Espresso machine")

    run()
    run()

    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["household@example.org"]
    assert message["Subject"] == "Spends Tracker: Espresso machine, warranty ends in 7 days"
    assert "Mon 17 Mar 2025" in message.get_payload()
    assert recorded(prefs.user) == [30, 7]


def test_a_mail_server_that_is_down_is_a_failure_retried_later(today, settings, smtp_server):
    ReminderPreferencesFactory()
    warranty_ending(TODAY + 7 * DAY)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    real_port, settings.EMAIL_PORT = settings.EMAIL_PORT, closed_port

    with pytest.raises(CommandError):
        run()
    assert ReminderDelivery.objects.get().last_error.startswith("The email could not be sent")

    settings.EMAIL_PORT = real_port
    run()
    assert len(smtp_server.messages) == 1


def test_a_run_without_retries_sends_new_digests_and_leaves_failed_ones(today, closed_port_url):
    ReminderPreferencesFactory(email_enabled=False, webhook_url=closed_port_url)
    warranty_ending(TODAY + 7 * DAY)

    with pytest.raises(CommandError):
        run()  # the first attempt fails
    (delivery,) = ReminderDelivery.objects.all()
    assert delivery.attempts == 1

    output = run("--no-retry")  # the scheduler's minute run: nothing new, no retry
    assert "0 email(s) and 0 webhook call(s) sent" in output
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and delivery.status == "failed"

    with pytest.raises(CommandError):
        run()  # the hourly run retries it
    delivery.refresh_from_db()
    assert delivery.attempts == 2
