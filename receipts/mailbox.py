"""Forwarded order e-mails (docs/receipts.md, "Forwarded order e-mails"): each message in the
mailbox of SPENDS_IMAP_URL becomes a draft, its .eml kept as the draft's file and read like any
receipt.

Which messages are new is kept by the mailbox itself: a message made into a draft gets the
keyword `$SpendsDraft` (or, on a server that keeps no keywords, the \\Seen flag), and only
messages without it are fetched. The draft is committed before the message is marked, so a crash
between the two leaves a message that is fetched again, and `draft_add_once`'s Message-ID rule
makes it the same draft, counted as known: two schedulers reading one mailbox, or a poll after a
crash, never make a message into two drafts. A draft dismissed stays dismissed: its message is
marked and not read again.
"""

import hashlib
import imaplib
import logging
import re
import ssl
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from imap_tools import MailBox, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError, MailboxFolderSelectError, MailboxLoginError

from kernel.outbound import TargetRefused, target_check
from receipts.drafts import draft_add_once
from receipts.models import Draft, DraftSource

logger = logging.getLogger(__name__)

# The keyword a message made into a draft gets (IMAP keywords are atoms starting with "$").
MARK = "$SpendsDraft"
# A mail server that does not answer must not hold the scheduler (one duty at a time) forever.
TIMEOUT_SECONDS = 30
SECURITIES = {"imaps": ("tls", 993), "imap": ("starttls", 143), "imap+plain": ("plain", 143)}
_UNSAFE_IN_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class MailboxMisconfigured(ValueError):
    """SPENDS_IMAP_URL is not an address the mailbox can be read at; the message says why."""


class MailboxUnavailable(Exception):
    """The mailbox could not be read at all (unreachable, refused, no such folder)."""


@dataclass(frozen=True)
class MailboxAddress:
    security: str  # tls, starttls or plain
    host: str
    port: int
    user: str
    password: str
    folder: str

    def __str__(self) -> str:  # never the password: it goes into logs and command output
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


@dataclass
class PollReport:
    drafts: int = 0  # messages made into new drafts
    known: int = 0  # messages already drafts (another scheduler, or a crash before the mark)
    too_large: int = 0
    failed: int = 0  # left unmarked: tried again at the next poll

    def __str__(self) -> str:
        return (
            f"Mailbox read: {self.drafts} new draft(s), {self.known} already drafts, "
            f"{self.too_large} too large, {self.failed} failed."
        )


def mailbox_address(url: str) -> MailboxAddress:
    """Return the mailbox URL names; raise MailboxMisconfigured when it names none."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in SECURITIES:
        raise MailboxMisconfigured(
            "SPENDS_IMAP_URL must start with imaps:// (TLS), imap:// (STARTTLS) or imap+plain://."
        )
    security, default_port = SECURITIES[parts.scheme.lower()]
    try:
        port = parts.port or default_port
    except ValueError:
        raise MailboxMisconfigured("SPENDS_IMAP_URL has a port that is not a number.") from None
    if not parts.hostname or not parts.username or parts.password is None:
        raise MailboxMisconfigured(
            "SPENDS_IMAP_URL needs a user name, a password and a host: "
            "imaps://user:password@host:993/INBOX (percent-encode @, : and / in them)."
        )
    return MailboxAddress(
        security=security,
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password=unquote(parts.password),
        folder=unquote(parts.path.lstrip("/")) or "INBOX",
    )


def mailbox_poll(*, url: str | None = None) -> PollReport:
    """Make each message of the mailbox not yet made into a draft into one, and mark it.

    URL defaults to SPENDS_IMAP_URL. A message that fails is logged, counted and left for the
    next poll; the others go on. Raise MailboxUnavailable when the mailbox cannot be read at all.
    """
    address = mailbox_address(settings.SPENDS_IMAP_URL if url is None else url)
    try:
        target_check(address.host, what="SPENDS_IMAP_URL")
    except TargetRefused as error:
        raise MailboxUnavailable(str(error)) from None
    report = PollReport()
    with _opened(address) as mailbox:
        mark = MARK if _keywords_kept(mailbox) else "\\Seen"
        try:
            # No CHARSET: the criteria are ASCII, and some servers refuse an explicit one.
            uids = mailbox.uids(f"UNKEYWORD {MARK}" if mark == MARK else "UNSEEN", charset=None)
            for uid in uids:
                # One message at a time: a mailbox of large messages never sits in memory whole.
                for message in mailbox.fetch(uid_list=[uid], mark_seen=False):
                    outcome = _message_to_draft(message)
                    setattr(report, outcome, getattr(report, outcome) + 1)
                    if outcome != "failed":
                        _mark(mailbox, uid, mark)
        except (OSError, imaplib.IMAP4.error, ImapToolsError) as error:
            raise MailboxUnavailable(
                f"The mailbox {address} stopped answering: {error} ({report})"
            ) from error
    if report.failed:
        logger.warning("%s", report)
    return report


def _message_to_draft(message: MailMessage) -> str:
    """Make MESSAGE a draft; return which PollReport count it adds to."""
    raw = message.raw
    message_id = " ".join(str(message.obj.get("Message-ID") or "").split())  # unfolded
    if not message_id or len(message_id) > 255:
        # Without a Message-ID, the same bytes are the same message.
        message_id = f"sha256:{hashlib.sha256(raw).hexdigest()}"
    if len(raw) > settings.SPENDS_ATTACHMENT_MAX_BYTES:
        logger.warning(
            "Forwarded e-mail %s is %d bytes, more than SPENDS_ATTACHMENT_MAX_BYTES: not kept",
            message_id,
            len(raw),
        )
        return "too_large"
    filename = _filename(message.subject, message_id)
    try:
        _draft, made = draft_add_once(
            upload=SimpleUploadedFile(filename, raw, content_type="message/rfc822"),
            filename=filename,
            source=DraftSource.EMAIL,
            message_id=message_id,
            subject=message.subject,
        )
    except IntegrityError:
        # Another scheduler made it a draft at the same moment: the unique Message-ID held.
        if Draft.objects.filter(message_id=message_id).exists():
            return "known"
        logger.exception("Forwarded e-mail %s could not be kept", message_id)
        return "failed"
    except Exception:
        logger.exception("Forwarded e-mail %s could not be kept", message_id)
        return "failed"
    return "drafts" if made else "known"


def _filename(subject: str, message_id: str) -> str:
    """A file name for the message: its subject, else its Message-ID, made safe to save."""
    stem = " ".join(_UNSAFE_IN_FILENAME.sub(" ", subject or "").split()).strip(". ")
    if not stem:
        stem = _UNSAFE_IN_FILENAME.sub("", message_id).strip(". ") or "order e-mail"
    return f"{stem[:120]}.eml"


class _KeepsRaw(MailMessage):
    """A fetched message that keeps its bytes as they came: the .eml is stored unchanged
    (MailMessage keeps only the parsed message, whose bytes may differ)."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw = self._get_message_data_parts(fetch_data)[0]


@contextmanager
def _opened(address: MailboxAddress):
    """The mailbox, logged in and its folder selected; MailboxUnavailable when it cannot be."""
    context = ssl.create_default_context()
    try:
        if address.security == "tls":
            mailbox = MailBox(
                address.host, address.port, timeout=TIMEOUT_SECONDS, ssl_context=context
            )
        else:
            mailbox = MailBoxUnencrypted(address.host, address.port, timeout=TIMEOUT_SECONDS)
            if address.security == "starttls":
                if "STARTTLS" not in mailbox.client.capabilities:
                    with suppress(OSError, imaplib.IMAP4.error):
                        mailbox.client.shutdown()
                    raise MailboxUnavailable(
                        f"The mailbox server {address.host}:{address.port} does not offer "
                        "STARTTLS: use imaps:// (TLS, port 993), or imap+plain:// for a server "
                        "on this machine or a trusted network."
                    )
                mailbox.client.starttls(context)
    except (OSError, imaplib.IMAP4.error) as error:
        raise MailboxUnavailable(
            f"The mailbox server {address.host}:{address.port} cannot be reached: {error}."
        ) from error
    mailbox.email_message_class = _KeepsRaw
    try:
        try:
            mailbox.login(address.user, address.password, initial_folder=address.folder)
        except MailboxLoginError:
            raise MailboxUnavailable(
                f"The mailbox {address} refused the user name or password."
            ) from None
        except MailboxFolderSelectError:
            raise MailboxUnavailable(
                f"The mailbox {address} has no folder {address.folder!r}."
            ) from None
        except (OSError, imaplib.IMAP4.error) as error:
            raise MailboxUnavailable(
                f"The mailbox {address} could not be opened: {error}."
            ) from error
        yield mailbox
    finally:
        with suppress(OSError, imaplib.IMAP4.error, ImapToolsError):
            mailbox.logout()


def _keywords_kept(mailbox) -> bool:
    """Whether the selected folder keeps keywords of our own (PERMANENTFLAGS has \\*)."""
    permanent = mailbox.client.untagged_responses.get("PERMANENTFLAGS") or [b""]
    return b"\\*" in permanent[-1]


def _mark(mailbox, uid: str, flag: str) -> None:
    # A plain STORE: imap-tools' flag() also expunges, which would remove messages someone
    # deleted in their mail program but wanted to keep until they empty the folder.
    result = mailbox.client.uid("STORE", uid, "+FLAGS", f"({flag})")
    if result[0] != "OK":
        raise imaplib.IMAP4.error(f"marking message {uid} failed: {result[1]!r}")
