import pytest

from receipts.tests.imap_server import imap_server


@pytest.fixture(scope="session")
def dovecot():
    """One IMAP server per test process (starting one takes a fraction of a second)."""
    with imap_server() as server:
        yield server


@pytest.fixture
def mailbox_server(dovecot, settings):
    """The IMAP server with an empty inbox, named by SPENDS_IMAP_URL (on 127.0.0.1: allowed)."""
    dovecot.empty()
    settings.SPENDS_IMAP_URL = dovecot.url()
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    return dovecot


@pytest.fixture
def own_mailbox_server(settings):
    """An IMAP server of the test's own, for tests that log in with a wrong password: Dovecot
    delays every later login from the same address by seconds (its penalty for guessing)."""
    with imap_server() as server:
        settings.SPENDS_IMAP_URL = server.url()
        settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
        yield server
