"""Forwarded order e-mails: a real IMAP server (Dovecot, receipts/tests/imap_server.py) is read,
and each message becomes one draft with its .eml kept and read."""

import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from receipts import mailbox as mailbox_module
from receipts.drafts import draft_add, draft_dismiss
from receipts.mailbox import (
    MARK,
    MailboxAddress,
    MailboxMisconfigured,
    MailboxUnavailable,
    mailbox_address,
    mailbox_poll,
)
from receipts.models import Draft, DraftSource, ReadingStatus, ReceiptReading
from spends_tracker.checks import check_mailbox_address

SAMPLES = Path(__file__).parent / "samples"
EXPECTED = {
    sample["file"]: sample
    for sample in json.loads((SAMPLES / "expected.json").read_text())["samples"]
}
E_MAILS = sorted(name for name, sample in EXPECTED.items() if sample["kind"] == "email")
ARGOS = "07-email-email-en-gbp.eml"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def without_message_id(raw: bytes) -> bytes:
    return b"".join(line for line in raw.splitlines(True) if not line.startswith(b"Message-ID:"))


def crlf(raw: bytes) -> bytes:
    """RAW with the CRLF line ends IMAP sends messages with."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


# --- The address ---------------------------------------------------------------------------------


def test_the_address_names_the_security_port_user_password_and_folder():
    assert mailbox_address("imaps://orders%40example.org:p%40s%3As%2F@mail.example.org") == (
        MailboxAddress("tls", "mail.example.org", 993, "orders@example.org", "p@s:s/", "INBOX")
    )
    assert mailbox_address("imap://u:p@mail.example.org/Orders%20forwarded") == (
        MailboxAddress("starttls", "mail.example.org", 143, "u", "p", "Orders forwarded")
    )
    assert mailbox_address("imap+plain://u:p@127.0.0.1:1143/INBOX").security == "plain"
    assert str(mailbox_address("imaps://u:secret@h/INBOX")) == "u@h:993/INBOX", "no password"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("pop3://u:p@h", "must start with imaps://"),
        ("imaps://h:993/INBOX", "needs a user name, a password and a host"),
        ("imaps://u:p@h:port/INBOX", "port that is not a number"),
    ],
)
def test_an_address_that_names_no_mailbox_is_refused_and_reported_by_a_check(
    url, message, settings
):
    with pytest.raises(MailboxMisconfigured, match=message):
        mailbox_address(url)
    settings.SPENDS_IMAP_URL = url
    (error,) = check_mailbox_address(None)
    assert error.id == "spends.E014" and message in error.msg


# --- Reading the mailbox -------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_order_e_mail_becomes_a_draft_with_its_message_kept_and_read(
    mailbox_server, django_capture_on_commit_callbacks
):
    mailbox_server.deliver(*(sample(name) for name in E_MAILS))

    with django_capture_on_commit_callbacks(execute=True):
        report = mailbox_poll()

    assert (report.drafts, report.known, report.failed) == (len(E_MAILS), 0, 0)
    assert Draft.objects.count() == len(E_MAILS) >= 5
    for name in E_MAILS:
        raw = sample(name)
        message_id = next(
            line.split(b":", 1)[1].strip().decode()
            for line in raw.splitlines()
            if line.startswith(b"Message-ID:")
        )
        draft = Draft.objects.get(message_id=message_id)
        assert (draft.source, draft.mime_type) == (DraftSource.EMAIL, "message/rfc822")
        assert draft.filename.endswith(".eml") and draft.subject
        with default_storage.open(draft.blob.name, "rb") as kept:
            assert kept.read() == crlf(raw), "the message as the mailbox holds it"
        reading = ReceiptReading.objects.get(blob=draft.blob)
        assert (reading.status, reading.method) == (ReadingStatus.DONE, "email")
        expected = EXPECTED[name]
        fields = {
            key: value["value"] for key, value in reading.fields.items() if isinstance(value, dict)
        }
        assert fields["merchant"].casefold() == expected["merchant"].casefold(), name
        assert Decimal(fields["total"]) == Decimal(expected["total"]), name
        assert fields["purchase_date"] == expected["date"], name
        assert fields["currency"] == expected["currency"], name
        assert fields.get("order_number") == (expected["order_number"] or None), name
    assert Draft.objects.filter(filename="WG Bestellbestätigung MediaMarkt.eml").exists()
    assert all(MARK in flags for flags in mailbox_server.flags())
    assert not any("\\Seen" in flags for flags in mailbox_server.flags()), "left unread"


@pytest.mark.django_db
def test_reading_the_mailbox_again_makes_no_draft_twice_even_one_dismissed(mailbox_server):
    mailbox_server.deliver(sample(ARGOS))
    assert mailbox_poll().drafts == 1

    again = mailbox_poll()
    draft_dismiss(draft=Draft.objects.get())
    after_dismissal = mailbox_poll()

    assert (again.drafts, again.known, after_dismissal.drafts) == (0, 0, 0)
    assert not Draft.objects.exists()


@pytest.mark.django_db
def test_a_message_already_a_draft_is_marked_and_not_made_one_again(mailbox_server):
    # What a crash between the draft's commit and the mark, or another scheduler, leaves.
    mailbox_server.deliver(sample(ARGOS))
    with mailbox_server.mailbox() as mailbox:
        (message,) = mailbox.fetch(mark_seen=False)
    draft_add(
        upload=SimpleUploadedFile("a.eml", sample(ARGOS)),
        filename="a.eml",
        source=DraftSource.EMAIL,
        message_id=message.obj["Message-ID"],
    )

    report = mailbox_poll()

    assert (report.drafts, report.known) == (0, 1)
    assert Draft.objects.count() == 1
    assert MARK in mailbox_server.flags()[0]


@pytest.mark.django_db
def test_a_message_without_a_message_id_becomes_one_draft_known_by_its_content(mailbox_server):
    raw = without_message_id(sample(ARGOS))
    mailbox_server.deliver(raw, raw)  # the same message twice, as a forward sent again

    report = mailbox_poll()

    assert (report.drafts, report.known) == (1, 1)
    draft = Draft.objects.get()
    assert draft.message_id.startswith("sha256:")
    assert draft.filename == "Your order 4011978973 has been received.eml"


@pytest.mark.django_db
def test_one_message_that_fails_does_not_stop_the_others_and_is_tried_again(
    mailbox_server, monkeypatch, caplog
):
    mailbox_server.deliver(sample(ARGOS), sample("08-email-email-de-eur.eml"))
    real_draft_add_once = mailbox_module.draft_add_once

    def failing_for_argos(**kwargs):
        if "argos" in kwargs["message_id"]:
            raise OSError("disk full")
        return real_draft_add_once(**kwargs)

    monkeypatch.setattr(mailbox_module, "draft_add_once", failing_for_argos)
    report = mailbox_poll()

    assert (report.drafts, report.failed) == (1, 1)
    assert "could not be kept" in caplog.text and "disk full" in caplog.text
    assert [MARK in flags for flags in mailbox_server.flags()] == [False, True]

    monkeypatch.setattr(mailbox_module, "draft_add_once", real_draft_add_once)
    assert mailbox_poll().drafts == 1
    assert Draft.objects.count() == 2


@pytest.mark.django_db
def test_a_server_that_keeps_no_keywords_of_ours_has_the_messages_marked_read(
    mailbox_server, monkeypatch
):
    monkeypatch.setattr(mailbox_module, "_keywords_kept", lambda mailbox: False)
    mailbox_server.deliver(sample(ARGOS), sample("08-email-email-de-eur.eml"))
    with mailbox_server.mailbox() as mailbox:
        mailbox.flag(mailbox.uids("ALL")[1], "\\Seen", True)  # read in a mail program

    assert mailbox_poll().drafts == 1
    assert mailbox_poll().drafts == 0
    assert [("\\Seen" in flags, MARK in flags) for flags in mailbox_server.flags()] == [
        (True, False),
        (True, False),
    ]
    assert Draft.objects.get().subject == "Your order 4011978973 has been received"


@pytest.mark.django_db
def test_a_message_larger_than_an_attachment_may_be_is_marked_and_not_kept(
    mailbox_server, settings
):
    settings.SPENDS_ATTACHMENT_MAX_BYTES = 100
    mailbox_server.deliver(sample(ARGOS))

    report = mailbox_poll()

    assert (report.drafts, report.too_large) == (0, 1)
    assert not Draft.objects.exists()
    assert MARK in mailbox_server.flags()[0], "not fetched again at every poll"


# --- A mailbox that cannot be read ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_password_is_a_clear_error(own_mailbox_server):
    with pytest.raises(MailboxUnavailable, match="refused the user name or password"):
        mailbox_poll(url=own_mailbox_server.url(password="wrong"))


@pytest.mark.django_db
def test_a_folder_that_does_not_exist_is_a_clear_error(mailbox_server):
    with pytest.raises(MailboxUnavailable, match="has no folder 'Orders'"):
        mailbox_poll(url=mailbox_server.url(folder="Orders"))


def test_a_server_that_does_not_answer_is_a_clear_error(settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with pytest.raises(MailboxUnavailable, match=r"server 127\.0\.0\.1:9 cannot be reached"):
        mailbox_poll(url="imaps://u:p@127.0.0.1:9/INBOX")


@pytest.mark.django_db
def test_starttls_is_required_of_an_imap_address(mailbox_server):
    url = mailbox_server.url().replace("imap+plain://", "imap://")
    with pytest.raises(MailboxUnavailable, match="does not offer STARTTLS"):
        mailbox_poll(url=url)


def test_this_machine_and_private_networks_are_refused_unless_the_operator_allows_them(settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = False
    with pytest.raises(MailboxUnavailable, match="private network"):
        mailbox_poll(url="imap+plain://u:p@127.0.0.1:143/INBOX")


# --- The command ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_command_reads_the_mailbox_and_says_what_it_made(mailbox_server):
    mailbox_server.deliver(sample(ARGOS))
    output = StringIO()

    call_command("receipts_mailbox_poll", stdout=output)

    assert output.getvalue() == (
        "Mailbox read: 1 new draft(s), 0 already drafts, 0 too large, 0 failed.\n"
    )


@pytest.mark.django_db
def test_the_command_fails_with_one_line_when_the_mailbox_cannot_be_read(
    own_mailbox_server, settings
):
    settings.SPENDS_IMAP_URL = own_mailbox_server.url(password="wrong")
    with pytest.raises(CommandError) as raised:
        call_command("receipts_mailbox_poll")
    assert "refused the user name or password" in str(raised.value)
    assert "\n" not in str(raised.value) and "wrong" not in str(raised.value)

    settings.SPENDS_IMAP_URL = ""
    with pytest.raises(CommandError, match="SPENDS_IMAP_URL is not set"):
        call_command("receipts_mailbox_poll")
