"""Exit 0 when the app answers GET /api/health with 200 (it touches the database), 1 otherwise.

Used by the image's HEALTHCHECK and compose's web service; standard library only, so it starts
in a few milliseconds. The request names the first host of ALLOWED_HOSTS, which the app accepts.
"""

import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
host = next((h.lstrip(".") for h in hosts if h != "*"), "localhost")
request = urllib.request.Request(
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/health", headers={"Host": host}
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
