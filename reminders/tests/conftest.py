import datetime
import json
import socket
from http.server import BaseHTTPRequestHandler

import pytest

from kernel.testing import local_http_server
from purchases.tests.factories import PurchaseFactory
from warranties.tests.factories import WarrantyFactory

TODAY = datetime.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def email_configured(settings):
    """An install with a mail server (EMAIL_URL set); the test backend keeps mail in an outbox."""
    settings.SPENDS_EMAIL_CONFIGURED = True


@pytest.fixture
def today(monkeypatch):
    """Fix "today" (it is read from kernel.clock); call it with a date to move it."""
    state = {"day": TODAY}
    monkeypatch.setattr("kernel.clock.today", lambda: state["day"])

    def move(day: datetime.date | None = None) -> datetime.date:
        if day is not None:
            state["day"] = day
        return state["day"]

    return move


def warranty_ending(day: datetime.date, **fields):
    purchase = PurchaseFactory(purchase_date=datetime.date(2024, 1, 1), **fields)
    return WarrantyFactory(
        purchase=purchase, warranty_start=purchase.purchase_date, warranty_end=day
    )


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
        )
        status = server.statuses.pop(0) if server.statuses else 200
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", "/elsewhere")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server(settings):
    """An HTTP server on 127.0.0.1 that records JSON POSTs and answers with `statuses` in turn.

    Loopback is a private target: allowed here as an operator would allow a LAN's ntfy.
    """
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with local_http_server(_Recorder) as server:
        server.requests = []
        server.statuses = []
        server.url = f"http://127.0.0.1:{server.port}/topic"
        yield server


@pytest.fixture
def closed_port_url(settings):
    """A URL on 127.0.0.1 where nothing listens (private targets allowed)."""
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/topic"


@pytest.fixture
def owner(api_user):
    """The API's user, with an email address of their own."""
    api_user.email = "owner@example.org"
    api_user.save()
    return api_user
