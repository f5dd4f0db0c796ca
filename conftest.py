"""Fixtures shared by every app's tests: settings for a fast, isolated run, and personas."""

import io
import itertools
import os
import shutil
import socket

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed


def pytest_configure(config):
    # Full-strength password hashing makes each login in the suite take a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background jobs run at once, in the test's process, when their transaction commits
    # (tests run them with `django_capture_on_commit_callbacks(execute=True)`).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # The backends were read when the apps loaded (backups/tasks.py declares its task on import,
    # through backups.jobs): have them read again, as for an override in a test.
    setting_changed.send(sender=type(settings), setting="TASKS", value=settings.TASKS, enter=True)
    # The suite never downloads the ECB's rates: the tests that refresh name a server they start.
    settings.SPENDS_ECB_RATES_URL = ""
    # Nor reads a mailbox a .env names: the mailbox tests start their own server.
    settings.SPENDS_IMAP_URL = ""
    try:
        settings.SECRET_KEY  # noqa: B018  (raises when unset)
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-secret-key-not-used-outside-the-test-suite"


# The lanes: `make test-fast` leaves out the tests that drive a real browser, talk to the S3
# stand-in, or start other processes and databases (seconds each). A test is marked by the
# fixtures it uses; tests that start processes without a fixture carry `slow` themselves.
MARKERS_BY_FIXTURE = {
    "browser": "browser",
    "s3_endpoint": "s3",
    "installations": "slow",
    "other_database": "slow",
    "scratch_database": "slow",
    "make_run": "slow",
    # An IMAP server (Dovecot) of the test process's own, or of the test's.
    "dovecot": "slow",
    "own_mailbox_server": "slow",
}


def pytest_collection_modifyitems(items):
    for item in items:
        for fixture, marker in MARKERS_BY_FIXTURE.items():
            if fixture in item.fixturenames:
                item.add_marker(marker)
    # The longest tests first (seconds to a minute each, against milliseconds), so that the
    # test processes finish together rather than one waiting for another's last long test.
    items.sort(key=_longest_first)


def _longest_first(item) -> int:
    if item.get_closest_marker("slow"):
        return 0
    return 1 if item.get_closest_marker("browser") else 2


@pytest.fixture(scope="session")
def storage_folders(tmp_path_factory):
    """The parent of the tests' storage folders (one per test process)."""
    return tmp_path_factory.mktemp("storage")


_storage_numbers = itertools.count()


@pytest.fixture(autouse=True)
def isolated_storage(request, settings, storage_folders):
    """Keep uploads, backups and the data folder's scratch files (the export slots' locks) of
    each test in its own temporary folder.

    A test that asks for `tmp_path` gets it as that folder, since it may look there. The others
    get a plain folder, removed afterwards: pytest's own per-test folder costs about a
    millisecond, a few seconds of the fast lane's minute.
    """
    if "tmp_path" in request.fixturenames:
        folder = request.getfixturevalue("tmp_path")
    else:
        folder = storage_folders / str(next(_storage_numbers))
        folder.mkdir()
        request.addfinalizer(lambda: shutil.rmtree(folder, ignore_errors=True))
    settings.SPENDS_DATA_DIR = folder
    settings.MEDIA_ROOT = folder / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(folder / "uploads" / ".incoming")
    settings.SPENDS_BACKUPS_DIR = folder / "backups"
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {**settings.STORAGES["backups"], "OPTIONS": {"location": folder / "backups"}},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with an empty cache: the database is rolled back between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english_first():
    """Start each test in the default language: a request activates its own in the thread and
    leaves it there, and the services' sentences follow the active language."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def staff_client(admin_client):
    """A browser session logged in as a superuser, as a person entering data in the admin."""
    return admin_client


@pytest.fixture
def api_user(django_user_model):
    """The person who owns the data, as seen by the API: an owner of the household."""
    from accounts.models import Membership, Role

    user = django_user_model.objects.create_user(username="owner", password="owner-password-1")
    Membership.objects.create(user=user, role=Role.OWNER)
    return user


@pytest.fixture
def owner_client(client, api_user):
    """A browser session signed in as the household's owner, for the pages."""
    client.force_login(api_user)
    return client


@pytest.fixture
def api_client(api_user):
    """A script calling the API with a personal token (`Authorization: Bearer …`).

    Dict bodies sent with content_type="application/json" are encoded as JSON by the client.
    """
    from django.test import Client

    from accounts.services import api_token_create

    _, raw_token = api_token_create(user=api_user, name="test script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")


@pytest.fixture
def small_shipped_history(monkeypatch):
    """A refresh without a server, or whose download fails while no rate is stored, loads the
    history shipped with the app: here a three-day stand-in, so that no test loads its 200,000
    rates (seconds each)."""
    from currencies.tests.factories import ECB_CSV, shipped_file_stand_in

    monkeypatch.setattr("currencies.ecb.bundled_file", lambda: shipped_file_stand_in(ECB_CSV))


@pytest.fixture(scope="session")
def s3_endpoint():
    """An S3-compatible object store on a free local port, for the tests of S3 storage."""
    from moto.server import ThreadedMotoServer

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


# --- Pages in a real browser (Playwright driving the system's Chromium) ----------------------

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS_DIR = settings.BASE_DIR / "build" / "screenshots"
# Without these, Chromium keeps trying to reach outside services at start and on every page.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    # Playwright's synchronous API runs an event loop in this thread; the test's own ORM calls
    # are still plain synchronous code, so Django's guard against async contexts is lifted.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageProblems:
    """What went wrong in the browser during a test: console errors and failed requests.

    A test that provokes an error answer on purpose (a validation error, say) declares it with
    `expect_status(422)`; everything else is a failure of the test.
    """

    def __init__(self):
        self.problems: list[str] = []
        self.expected_statuses: set[int] = set()

    def expect_status(self, status: int) -> None:
        self.expected_statuses.add(status)

    def watch(self, page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message) -> None:
        # The browser logs every error answer to the console too; those are judged by status.
        expected = any(f"status of {status}" in message.text for status in self.expected_statuses)
        if message.type == "error" and not expected:
            self.problems.append(f"console: {message.text}")

    def _on_request_failed(self, request) -> None:
        # Aborted requests are the ones a navigation cancels, not failures.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and response.status not in self.expected_statuses:
            self.problems.append(f"HTTP {response.status}: {response.url}")


def _live_server_class(*args, connections_override=None, **kwargs):
    """The live test server: threaded, except over an in-memory SQLite database.

    There every request shares the test's one SQLite connection (Django hands it to the server,
    since another connection would see another, empty, database), and two requests using it at
    once can lock each other up for good: a page whose charts fetch four figures at once did.
    One request at a time is then the safe way; Django closes each connection after its answer
    when the server is not threaded, so the browser never waits on a kept-alive one.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer

    if connections_override:
        return WSGIServer(*args, **kwargs)
    return ThreadedWSGIServer(*args, connections_override=connections_override, **kwargs)


@pytest.fixture(scope="session", autouse=True)
def live_server_one_request_at_a_time_on_sqlite():
    from django.test.testcases import LiveServerThread

    LiveServerThread.server_class = staticmethod(_live_server_class)


def _browser_context(browser, live_server, user, **context_options):
    from django.conf import settings as django_settings
    from django.test import Client

    context = browser.new_context(base_url=live_server.url, **context_options)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": django_settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


@pytest.fixture
def page_problems():
    return PageProblems()


def _watched_page(context, page_problems, *, timeout_ms: int | None = None):
    """Yield a new tab of CONTEXT; afterwards close it and fail on any problem it saw."""
    page = context.new_page()
    if timeout_ms is not None:
        page.set_default_timeout(timeout_ms)
    page_problems.watch(page)
    yield page
    context.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


@pytest.fixture
def anonymous_page(browser, live_server, page_problems):
    """A browser tab with no session, against the live test server."""
    yield from _watched_page(_browser_context(browser, live_server, None), page_problems)


@pytest.fixture
def signed_in_page(browser, live_server, api_user, page_problems):
    """A browser tab signed in as the household's owner, against the live test server.

    The test fails if the page logged a console error or a request failed (unless expected).
    """
    context = _browser_context(browser, live_server, api_user)
    yield from _watched_page(context, page_problems, timeout_ms=10_000)


@pytest.fixture
def member_page(browser, live_server, page_problems, django_user_model):
    """`member_page(role)`: a tab signed in as a new member with ROLE (viewer, editor, owner).

    Each call signs in another person (user name = the role); all tabs close after the test,
    which fails if any of them saw an unexpected problem.
    """
    from accounts.models import Membership

    contexts = []

    def open_as(role: str):
        user = django_user_model.objects.create_user(username=role, password=f"{role}-password-1")
        Membership.objects.create(user=user, role=role)
        context = _browser_context(browser, live_server, user)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page_problems.watch(page)
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert not page_problems.problems, "\n".join(page_problems.problems)


@pytest.fixture
def phone_page(browser, live_server, api_user, page_problems):
    """Like signed_in_page, on a phone-sized screen."""
    context = _browser_context(
        browser,
        live_server,
        api_user,
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    yield from _watched_page(context, page_problems, timeout_ms=10_000)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as a test artifact: `screenshot(page, "dashboard")`."""

    def take(page, name: str) -> None:
        SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS_DIR / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def demo_data(db):
    """The demo household: realistic purchases, warranties in every state, the default catalog."""
    from django.core.management import call_command

    call_command("purchases_demo", purchases=24, seed=7, stdout=io.StringIO())


@pytest.fixture(scope="session", autouse=True)
def no_connection_outlives_the_test_database(django_db_setup, django_db_blocker):
    """Close, before the test database is dropped, the connections other threads left open.

    A thread a test started (a scheduler's job pool, a server's request thread) keeps its own
    PostgreSQL connection, which Django closes only at the end of a request; one still open when
    the session ends made dropping the test database fail ("is being accessed by other users")
    and left it behind. SQLite has nothing to drop.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
