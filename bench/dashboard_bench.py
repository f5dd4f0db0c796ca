"""How fast the dashboard paints in a real browser, at scale, cold and warm.

Loads N purchases (default 100,000) into the scratch database named by DATABASE_URL (its data
tables are emptied first), starts the application under gunicorn (the production configuration,
`gunicorn.conf.py`, with DEBUG off and collected static files) on a free local port, signs in
through the login form in headless Chromium, and opens the dashboard RUNS times: "cold" right after
a write (every cached figure is stale, so the page computes them all) and "warm" (no write since),
each both with the static files in the browser's cache (as after signing in: they are the same
files, cached for a year under their hashed names) and with an empty browser cache (a new browser
context per visit, every file fetched). Reported, from the browser's Navigation and Paint Timing
entries: time to the first byte of the page, first paint, first contentful paint, DOMContentLoaded,
the load event, and the arrival of the last of the charts' figures (which the charts fetch from the
analytics API after the page has painted), median and p95 in milliseconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spends_bench \\
        .venv/bin/python bench/dashboard_bench.py --purchases 100000

Target at 100,000 purchases: first paint under 1 s. Not a test: run by hand.
"""

import os
import statistics
from urllib.parse import urlsplit

from dataset import a_write, prepare
from django.contrib.auth import get_user_model
from server import serving

from accounts.models import Membership, Role

CHROMIUM = "/usr/bin/chromium"
USER, PASSWORD = "bench-browser", "bench-browser-password-1"
TIMINGS = {
    "first byte": "nav.responseStart",
    "first paint": "paint['first-paint']",
    "first contentful paint": "paint['first-contentful-paint']",
    "DOMContentLoaded": "nav.domContentLoadedEventEnd",
    "load event": "nav.loadEventEnd",
    # The charts ask the analytics API for their figures once the page has painted.
    "charts' figures": """Math.max(...performance.getEntriesByType("resource")
        .filter((entry) => entry.name.includes("/api/analytics/"))
        .map((entry) => entry.responseEnd))""",
}
READ_TIMINGS = f"""() => {{
    const nav = performance.getEntriesByType("navigation")[0];
    const paint = Object.fromEntries(
        performance.getEntriesByType("paint").map((entry) => [entry.name, entry.startTime]));
    return {{ {", ".join(f'"{label}": {expression}' for label, expression in TIMINGS.items())} }};
}}"""


def sign_in(browser, base_url: str) -> dict:
    """Sign in through the login form; return the session as Playwright storage state."""
    user, _ = get_user_model().objects.get_or_create(username=USER)
    user.set_password(PASSWORD)
    user.save()
    # An owner: the dashboard shows everything to every role, but a role it must have.
    Membership.objects.update_or_create(user=user, defaults={"role": Role.OWNER})
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("User name or e-mail").fill(USER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
    state = context.storage_state()
    context.close()
    return state


def visit(context) -> dict[str, float]:
    """Open the dashboard in a new tab of CONTEXT; return the browser's timings of the visit."""
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    response = page.goto("/", wait_until="load")
    assert response.status == 200, response.status
    assert urlsplit(page.url).path == "/", f"not signed in: {page.url}"
    page.wait_for_function(
        """() => performance.getEntriesByType("navigation")[0].loadEventEnd > 0
            && performance.getEntriesByType("paint").length >= 2
            && [...document.querySelectorAll("[data-testid=chart-loading]")]
                .every((spinner) => spinner.style.display === "none")"""
    )
    timings = page.evaluate(READ_TIMINGS)
    page.close()
    assert not problems, problems
    return timings


def visits(browser, base_url: str, state: dict, *, runs: int, cold: bool, cached: bool):
    """RUNS visits, each after a write when COLD; with the static files in the browser's cache
    (one browser context for all, as for a person who signed in) when CACHED, else each in a new
    context with an empty cache."""
    shared = browser.new_context(base_url=base_url, storage_state=state) if cached else None
    if shared:
        visit(shared)  # the static files, as the sign-in page would have left them
    timings = []
    for _ in range(runs):
        if cold:
            a_write()
        context = shared or browser.new_context(base_url=base_url, storage_state=state)
        timings.append(visit(context))
        if not shared:
            context.close()
    if shared:
        shared.close()
    return timings


def report(label: str, visits: list[dict[str, float]]) -> None:
    print(f"-- {label} ({len(visits)} visits)")
    for name in TIMINGS:
        values = [timings[name] for timings in visits]
        p95 = statistics.quantiles(values, n=20)[-1]
        print(f"{name:<24} median {statistics.median(values):7.1f} ms   p95 {p95:7.1f} ms")


def arguments():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--purchases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20, help="Visits of each kind (cold, warm).")
    parser.add_argument("--skip-load", action="store_true", help="Reuse the data already loaded.")
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    prepare(args.purchases, args.skip_load)
    from playwright.sync_api import sync_playwright

    with serving(args.server) as (base_url, _), sync_playwright() as playwright:
        # Playwright's synchronous API runs an event loop in this thread; the ORM calls here
        # (signing up the user, the writes before cold visits) are plain sync code.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        state = sign_in(browser, base_url)
        # Every worker process opens its connections and fills its cache before timing.
        visits(browser, base_url, state, runs=4, cold=False, cached=False)
        results = {
            (cold, cached): visits(
                browser, base_url, state, runs=args.runs, cold=cold, cached=cached
            )
            for cached in (True, False)
            for cold in (True, False)
        }
        browser.close()
    print(f"server: {args.server}, {args.runs} visits each")
    for (cold, cached), timings in results.items():
        server = "cold: right after a write" if cold else "warm: no write since"
        browser_cache = "static files cached" if cached else "empty browser cache"
        report(f"{server}, {browser_cache}", timings)


if __name__ == "__main__":
    main()
