"""What the tests of every app share: assertions, and local servers that stand in for a mail
server and a notification service."""

import contextlib
import email
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def assert_validation_error(response):
    """Assert a 422 whose `detail` is a non-empty list of errors, each with a readable `msg`."""
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert detail
    assert all(isinstance(error["msg"], str) and error["msg"] for error in detail)


class _JsonPosts(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def local_http_server(handler: type[BaseHTTPRequestHandler]):
    """Serve HANDLER on 127.0.0.1 (a free port: `.port`) in a thread while the block runs.

    It checks for shutdown every 20 ms rather than every half second: tests start hundreds.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.port = server.server_address[1]
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def json_post_recorder():
    """An HTTP server on 127.0.0.1 that keeps the JSON body of every POST in `.received`.

    `.port` is its port: a notification target (an Apprise json:// URL) for the tests.
    """
    with local_http_server(_JsonPosts) as server:
        server.received = []
        yield server


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_inbox():
    """An SMTP server on 127.0.0.1 keeping each message in `.messages`; `.port` is its port."""
    # aiosmtpd is a test tool: imported here so that this module loads without it.
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    try:
        yield inbox
    finally:
        controller.stop()
