"""Fixtures shared by every app's tests: settings for a fast, isolated run, and personas."""

import socket

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def pytest_configure(config):
    # Full-strength password hashing makes each login in the suite take a third of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background jobs run at once, in the test's process, when their transaction commits
    # (tests run them with `django_capture_on_commit_callbacks(execute=True)`).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    try:
        settings.SECRET_KEY  # noqa: B018  (raises when unset)
    except ImproperlyConfigured:
        settings.SECRET_KEY = "test-only-secret-key-not-used-outside-the-test-suite"


@pytest.fixture(autouse=True)
def isolated_storage(settings, tmp_path):
    """Keep uploads and backups of each test in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads" / ".incoming")
    settings.SPENDS_BACKUPS_DIR = tmp_path / "backups"
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {**settings.STORAGES["backups"], "OPTIONS": {"location": tmp_path / "backups"}},
    }


@pytest.fixture(autouse=True)
def empty_cache():
    """Start each test with an empty cache: the database is rolled back between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def staff_client(admin_client):
    """A browser session logged in as a superuser, as a person entering data in the admin."""
    return admin_client


@pytest.fixture
def api_user(django_user_model):
    """The person who owns the data, as seen by the API."""
    return django_user_model.objects.create_user(username="owner", password="owner-password-1")


@pytest.fixture
def api_client(api_user):
    """A script calling the API with a personal token (`Authorization: Bearer …`).

    Dict bodies sent with content_type="application/json" are encoded as JSON by the client.
    """
    from django.test import Client

    from accounts.services import api_token_create

    _, raw_token = api_token_create(user=api_user, name="test script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")


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
