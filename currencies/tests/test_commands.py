"""`currencies_refresh`, the refresh from a server, the scheduler's duty (docs/currencies.md)."""

import contextlib
import datetime
from http.server import BaseHTTPRequestHandler
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from currencies.models import ExchangeRate
from currencies.services import rates_refresh
from currencies.tests.factories import ECB_CSV, ECB_CSV_NEXT_DAY, ecb_zip
from kernel.testing import local_http_server
from spends_tracker.scheduler import duties

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_shipped_history")]


@contextlib.contextmanager
def rates_server(body: bytes, status: int = 200):
    """An HTTP server on 127.0.0.1 that answers every GET with BODY: a stand-in for the ECB."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.server.requests.append(self.path)
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    with local_http_server(Handler) as server:
        server.requests = []
        server.url = f"http://127.0.0.1:{server.port}/stats/eurofxref-hist.zip"
        yield server


def run(*arguments) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("currencies_refresh", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_loads_a_local_file_once(tmp_path):
    path = tmp_path / "eurofxref-hist.zip"
    path.write_bytes(ecb_zip())
    out, _ = run("--file", str(path))
    assert out.strip() == (
        "Added 3 day(s) of ECB rates (12 rates), 2025-03-12 to 2025-03-14; "
        "0 day(s) were already there."
    )
    out, _ = run("--file", str(path))
    assert out.strip() == "No new days: all 3 days of the file were already there."
    assert ExchangeRate.objects.count() == 12


def test_the_command_refuses_a_file_that_is_not_the_ecbs_in_one_line(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text("Date,USD\n2025-03-14,lots\n")
    with pytest.raises(CommandError, match=r"rates.csv: Line 2: USD 'lots' is not a number"):
        run("--file", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        run("--file", str(tmp_path / "missing.zip"))


def test_with_if_empty_the_command_leaves_stored_rates_alone(tmp_path):
    path = tmp_path / "rates.csv"
    path.write_text(ECB_CSV)
    run("--file", str(path))
    out, _ = run("--file", str(path), "--if-empty")
    assert out.strip() == "The ECB's rates are already loaded; nothing to do."


def test_the_refresh_downloads_the_history_and_loads_only_its_new_days(settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True  # the stand-in runs on this machine
    with rates_server(ecb_zip()) as server:
        settings.SPENDS_ECB_RATES_URL = server.url
        out, _ = run()
        assert "Added 3 day(s)" in out
    with rates_server(ecb_zip(ECB_CSV_NEXT_DAY)) as server:
        settings.SPENDS_ECB_RATES_URL = server.url
        out, _ = run()
        assert server.requests == ["/stats/eurofxref-hist.zip"]
    assert "Added 1 day(s) of ECB rates (4 rates), 2025-03-17 to 2025-03-17" in out
    assert ExchangeRate.objects.filter(day=datetime.date(2025, 3, 17)).count() == 4


def test_the_refresh_never_asks_a_private_address_unless_the_operator_allows_it(settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = False
    with rates_server(ecb_zip(ECB_CSV_NEXT_DAY)) as server:
        summary = rates_refresh(url=server.url)
        assert server.requests == []
    assert "points to this server or a private network" in summary.error
    # Only the shipped history is there: not the day the refused server had.
    shipped_days = {line.split(",")[0] for line in ECB_CSV.strip().splitlines()[1:]}
    stored_days = {day.isoformat() for day in ExchangeRate.objects.values_list("day", flat=True)}
    assert stored_days == shipped_days


def test_a_failed_download_is_reported_and_logged_never_raised(settings, caplog):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with rates_server(b"down for maintenance", status=503) as server:
        settings.SPENDS_ECB_RATES_URL = server.url
        out, err = run()  # no CommandError: the scheduler's next run tries again
    assert out == ""
    assert "The rates were not refreshed: the server answered HTTP 503" in err
    assert "Exchange rates not refreshed" in caplog.text
    with rates_server(b"<html>not the rates</html>") as server:
        summary = rates_refresh(url=server.url)
    assert "Line 1 must start with Date" in summary.error


def test_a_failed_download_loads_the_shipped_history_when_no_rate_is_stored(settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with rates_server(b"down", status=503) as server:
        first = rates_refresh(url=server.url)
        stored = ExchangeRate.objects.count()
        second = rates_refresh(url=server.url)
    assert first.error and second.error
    assert stored > 0
    assert ExchangeRate.objects.count() == stored  # loaded once, never again


def test_a_server_that_does_not_answer_is_reported(settings):
    settings.SPENDS_ALLOW_PRIVATE_TARGETS = True
    with rates_server(b"") as server:
        url = server.url
    summary = rates_refresh(url=url)  # the server is gone: the connection is refused
    assert summary.error.startswith("the server could not be reached")


def test_an_empty_url_turns_refreshing_off():
    summary = rates_refresh(url="")
    assert str(summary) == "Refreshing the rates is off (SPENDS_ECB_RATES_URL is empty)."


def test_the_scheduler_refreshes_daily_after_the_ecb_publishes():
    (duty,) = [duty for duty in duties() if duty.command == "currencies_refresh"]
    assert (duty.cron, duty.timezone, duty.arguments) == ("30 16 * * *", "Europe/Berlin", ())
    assert duties()[-1] == duty, "last: a slow download delays no other duty at start"
