"""Access against gunicorn: every operation of the OpenAPI schema and every page refuses a caller
without a session or a token, and a token revoked on the command line stops working at once in
every worker. (spends_tracker/tests/test_access.py covers every route of the URL configuration.)"""

import re

import requests

from tests.reliability.stack import APP_PAGES, Stack

SAMPLE_ID = "0b9f2a4e-5c1d-4e8a-9f3b-6d7c8e9fa0b1"
PUBLIC = {("GET", "/api"), ("GET", "/api/health")}
PAGES = [
    *APP_PAGES,
    "/admin/",
    "/admin/purchases/purchase/",
    "/api/docs",
]


def run() -> bool:
    print("== access")
    failures, checked = [], 0
    with Stack("spends_reliability_access", workers=3, threads=2) as stack:
        try:
            stack.create_database()
            stack.migrate()
            token = stack.create_token()
            stack.start("web")
            schema = stack.session().get(f"{stack.base}/api/openapi.json").json()
            anonymous = requests.Session()
            bad_token = {"Authorization": "Bearer st_not-a-real-token"}
            for path, operations in schema["paths"].items():
                concrete = re.sub(r"\{[^}]+\}", SAMPLE_ID, path).rstrip("/") or "/api"
                for method in operations:
                    if (method.upper(), concrete) in PUBLIC:
                        continue
                    for headers in ({}, bad_token):
                        answer = anonymous.request(method, stack.base + concrete, headers=headers)
                        checked += 1
                        if answer.status_code != 401:
                            failures.append(f"{method.upper()} {concrete}: {answer.status_code}")
            for page in PAGES:
                answer = anonymous.get(stack.base + page, allow_redirects=False)
                checked += 1
                location = answer.headers.get("Location", "")
                if answer.status_code == 404:
                    continue  # not built yet
                if answer.status_code != 302 or "login" not in location:
                    failures.append(f"GET {page}: {answer.status_code} {location}")

            api = stack.session()
            before = [api.get(f"{stack.base}/api/purchases").status_code for _ in range(6)]
            # By its prefix (the first ten characters, accounts.services.PREFIX_LENGTH).
            stack.manage("accounts_token", "revoke", token[:10], "--no-input")
            after = [api.get(f"{stack.base}/api/purchases").status_code for _ in range(12)]
            if before != [200] * 6 or after != [401] * 12:
                failures.append(f"revoked token: before {before}, after {after}")
        finally:
            stack.tear_down()
    operations = sum(len(ops) for ops in schema["paths"].values())
    print(
        f"  {checked} anonymous or bad-token requests ({operations} API operations,"
        f" {len(PAGES)} pages); a revoked token refused at once by every worker"
    )
    for failure in failures:
        print(f"  FAIL {failure}")
    print(f"  access {'passed' if not failures else 'FAILED'}")
    return not failures
