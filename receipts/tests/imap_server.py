"""A real IMAP server for the tests: Debian's Dovecot (`make test` installs dovecot-imapd) on
127.0.0.1 with a configuration of its own in a temporary folder, one user, plaintext logins
(nothing leaves this machine) and maildir storage. Started and stopped by `imap_server()`."""

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from imap_tools import MailBoxUnencrypted

DOVECOT = "/usr/sbin/dovecot"
USER = "household@example.org"
# Characters a URL must percent-encode (not ":", which the passwd-file format uses).
PASSWORD = "p@ss/w%rd"

CONFIG = """\
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# The tests try wrong passwords: no pause after one.
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = {mail_uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={folder}/home/%n
}}
mail_location = maildir:~/Maildir
# Without chroots, which only root may make: the same configuration runs as anyone.
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


class ImapServer:
    def __init__(self, folder: Path, port: int, process: subprocess.Popen):
        self.folder, self.port, self.process = folder, port, process

    def url(self, *, password: str = PASSWORD, folder: str = "INBOX") -> str:
        """The SPENDS_IMAP_URL of the user's FOLDER."""
        user, password = quote(USER, safe=""), quote(password, safe="")
        return f"imap+plain://{user}:{password}@127.0.0.1:{self.port}/{folder}"

    @contextmanager
    def mailbox(self):
        with MailBoxUnencrypted("127.0.0.1", self.port).login(USER, PASSWORD) as mailbox:
            yield mailbox

    def deliver(self, *messages: bytes) -> None:
        """Put MESSAGES in the inbox, as a mail server delivering them does (IMAP APPEND)."""
        with self.mailbox() as mailbox:
            for message in messages:
                mailbox.append(message, "INBOX")

    def empty(self) -> None:
        with self.mailbox() as mailbox:
            mailbox.delete(mailbox.uids("ALL"))

    def flags(self) -> list[tuple[str, ...]]:
        """Each message's flags, in the inbox's order."""
        with self.mailbox() as mailbox:
            return [m.flags for m in mailbox.fetch(mark_seen=False, headers_only=True)]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def imap_server():
    """Start Dovecot; yield an ImapServer; stop it and remove its folder."""
    # Not the test's tmp_path: under root, Dovecot's mail processes run as its own user, which
    # must be able to reach the folder (pytest's are private to the user running it).
    folder = Path(tempfile.mkdtemp(prefix="spends-imap-"))
    folder.chmod(0o711)
    for name in ("run", "state", "home"):
        (folder / name).mkdir()
    if os.geteuid() == 0:
        # Dovecot runs no login process as root and serves no mail to uid 0: its own users.
        dovecot, dovenull = pwd.getpwnam("dovecot"), pwd.getpwnam("dovenull")
        users = {"internal_user": "root", "internal_group": "root", "login_user": dovenull.pw_name}
        mail_uid, mail_gid = dovecot.pw_uid, dovecot.pw_gid
        os.chown(folder / "home", mail_uid, mail_gid)
    else:
        me, my_group = pwd.getpwuid(os.geteuid()).pw_name, grp.getgrgid(os.getegid()).gr_name
        users = {"internal_user": me, "internal_group": my_group, "login_user": me}
        mail_uid, mail_gid = os.geteuid(), os.getegid()
    (folder / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = _free_port()
    (folder / "dovecot.conf").write_text(
        CONFIG.format(folder=folder, port=port, mail_uid=mail_uid, mail_gid=mail_gid, **users)
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(folder / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        server = ImapServer(folder, port, process)
        _wait_until_it_answers(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_it_answers(server: ImapServer) -> None:
    deadline = time.monotonic() + 15
    while True:
        try:
            with server.mailbox():
                return
        except Exception as error:
            starting = isinstance(error, ConnectionRefusedError) and server.process.poll() is None
            if not starting or time.monotonic() > deadline:
                log = server.folder / "dovecot.log"
                raise RuntimeError(
                    f"Dovecot did not answer ({error}): "
                    f"{log.read_text() if log.exists() else 'no log'}"
                ) from None
            time.sleep(0.05)
