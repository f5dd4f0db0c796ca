"""Exit 0 when the service is healthy, 1 otherwise (compose's and the image's health checks).

Without arguments (the web service, the image's HEALTHCHECK): the app answers GET /api/health
with 200 (it touches the database). The request names the first host of ALLOWED_HOSTS, which the
app accepts.

With --heartbeat FILE (the scheduler, the worker): FILE was touched within the last --max-age
seconds (default 180: three of the scheduler's one-minute heartbeats; the worker beats every 30 s).

Standard library only, so it starts in a few milliseconds.
"""

import argparse
import os
import sys
import time
import urllib.request


def web_healthy() -> bool:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/health", headers={"Host": host}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status == 200
    except Exception as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return False


def heartbeat_fresh(path: str, max_age: float) -> bool:
    try:
        age = time.time() - os.stat(path).st_mtime
    except OSError as exc:
        print(f"unhealthy: no heartbeat ({exc.strerror})", file=sys.stderr)
        return False
    if age > max_age:
        print(f"unhealthy: last heartbeat {age:.0f} s ago", file=sys.stderr)
        return False
    return True


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heartbeat", metavar="FILE", help="check FILE's age instead of HTTP")
    parser.add_argument("--max-age", type=float, default=180, help="seconds (default 180)")
    arguments = parser.parse_args(argv)
    if arguments.heartbeat:
        return 0 if heartbeat_fresh(arguments.heartbeat, arguments.max_age) else 1
    return 0 if web_healthy() else 1


if __name__ == "__main__":
    sys.exit(main())
