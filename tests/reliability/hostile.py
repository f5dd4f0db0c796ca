"""Bad input: hand-made hostile requests against gunicorn. Passes when no answer is a 5xx, text
comes back exactly as sent and appears escaped in every page, and nothing is written outside the
data folder. (Schema-driven fuzzing of the whole API with a token is `make fuzz`.)"""

import io
import json
import re
import time
import urllib.parse
import uuid
import zipfile
from pathlib import Path

import requests

from tests.reliability.stack import APP_PAGES, ROOT, Stack

MARK = uuid.uuid4().hex[:8]
TEXTS = [
    "'; DROP TABLE purchases_purchase; --",
    "1' OR '1'='1",
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ settings.SECRET_KEY }} {% debug %}",
    "${7*7} %s %(x)s \\N",
    "javascript:alert(1)",
    "\ufeff\u202etxt.exe \u1e9e \U0001d518\U0001d52b\U0001d526",  # BOM, right-to-left, astral
]
UNESCAPED = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>"]
TRAVERSAL_NAMES = [
    f"../../../../tmp/escaped-{MARK}.txt",
    f"..\\..\\escaped-{MARK}.txt",
    f"/tmp/escaped-{MARK}-abs.txt",
    f"uploads/../../escaped-{MARK}.txt",
    "%2e%2e%2fescaped.txt",
    "con.txt\x00.png",
]


class Hostile:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.api = stack.session()
        self.statuses: list[tuple[str, int]] = []
        self.failures: list[str] = []

    def send(self, label: str, method: str, path: str, **kwargs) -> requests.Response | None:
        try:
            try:
                response = self.api.request(method, self.stack.base + path, timeout=120, **kwargs)
            except requests.ConnectionError:
                # A connection the server closed after refusing a body it would not read: the
                # request is sent again on a new one.
                self.api = self.stack.session()
                response = self.api.request(method, self.stack.base + path, timeout=120, **kwargs)
        except requests.ConnectionError as exc:
            # The server may close the connection on a body it refuses to read: not a 5xx.
            self.statuses.append((label, -1))
            if not self.stack.healthy():
                self.failures.append(f"{label}: the server went down ({exc})")
            return None
        self.statuses.append((label, response.status_code))
        if response.status_code >= 500:
            self.failures.append(f"{label}: {response.status_code} {response.text[:200]}")
        return response

    def fail_unless(self, condition: bool, what: str) -> None:
        if not condition:
            self.failures.append(what)


def oversized(h: Hostile) -> None:
    big = b'{"product_name": "' + b"x" * (30 * 1024 * 1024) + b'", "price": 1}'
    json_headers = {"Content-Type": "application/json"}
    h.send("30 MB JSON body", "POST", "/api/purchases", data=big, headers=json_headers)
    h.send("30 MB PUT body", "PUT", "/api/settings", data=big, headers=json_headers)
    h.send(
        "import over SPENDS_IMPORT_MAX_BYTES",
        "POST",
        "/api/import/json",
        files={"file": ("big.json", b"[" + b"{}," * (2 * 1024 * 1024) + b"{}]")},
    )
    purchase = h.send(
        "purchase for uploads",
        "POST",
        "/api/purchases",
        json={"product_name": "uploads", "price": 1, "purchase_date": "2026-01-01"},
    ).json()
    h.send(
        "attachment over SPENDS_ATTACHMENT_MAX_BYTES",
        "POST",
        f"/api/files/{purchase['id']}",
        files={"file": ("big.pdf", b"%PDF" + b"0" * (3 * 1024 * 1024))},
        data={"file_type": "receipt"},
    )
    h.send("100 kB query string", "GET", "/api/purchases?search=" + "a" * 100_000)
    h.send(
        "8,000 query parameters",
        "GET",
        "/api/purchases?" + "&".join(f"p{i}=1" for i in range(8000)),
    )
    many = {f"k{i}": "v" for i in range(50_000)}
    h.send("50,000 JSON keys", "POST", "/api/purchases", json=many)
    h.send("50,000 form fields", "POST", "/api/purchases", data=many)


def nested(h: Hostile) -> None:
    json_headers = {"Content-Type": "application/json"}
    for depth in (1_000, 100_000):
        for opening, closing in (("[", "]"), ('{"a":', "}")):
            body = opening * depth + "1" + closing * depth
            h.send(
                f"JSON nested {depth} deep",
                "POST",
                "/api/purchases",
                data=body,
                headers=json_headers,
            )
            h.send(
                f"JSON nested {depth} deep, PUT",
                "PUT",
                "/api/backup/config",
                data=body,
                headers=json_headers,
            )
            h.send(
                f"import nested {depth} deep",
                "POST",
                "/api/import/json",
                files={"file": ("nested.json", body.encode())},
            )
    h.send(
        "purchase with a nested value",
        "POST",
        "/api/purchases",
        json={"product_name": {"a": [[[[{"b": 1}]]]]}, "price": [1], "purchase_date": {"x": 1}},
    )


def invalid_utf8(h: Hostile) -> None:
    json_headers = {"Content-Type": "application/json"}
    h.send(
        "invalid UTF-8 JSON",
        "POST",
        "/api/purchases",
        data=b'{"product_name": "\xff\xfe\xc3", "price": 1, "purchase_date": "2026-01-01"}',
        headers=json_headers,
    )
    h.send("invalid UTF-8 query", "GET", "/api/purchases?search=%ff%fe%c3")
    h.send("invalid UTF-8 path", "GET", "/api/purchases/%ff%fe")
    h.send(
        "invalid UTF-8 CSV import",
        "POST",
        "/api/import/csv",
        files={"file": ("x.csv", b"product_name,price\n\xff\xfe,1\n")},
    )
    h.send(
        "invalid UTF-8 JSON import",
        "POST",
        "/api/import/json",
        files={"file": ("x.json", b'{"purchases": [{"product_name": "\xff"}]}')},
    )
    h.send(
        "NUL byte in text",
        "POST",
        "/api/purchases",
        json={"product_name": "nul\x00byte", "price": 1, "purchase_date": "2026-01-01"},
    )
    h.send(
        "lone surrogate",
        "POST",
        "/api/purchases",
        data=b'{"product_name": "\\ud800", "price": 1, "purchase_date": "2026-01-01"}',
        headers=json_headers,
    )
    h.send("NUL byte in a query", "GET", "/api/purchases?search=a%00b&tag=%00")
    h.send(
        "NUL byte in an import",
        "POST",
        "/api/import/csv",
        files={"file": ("n.csv", b"product_name,price,purchase_date\nnul\x00,1,2026-01-01\n")},
    )
    h.send(
        "wrong content type",
        "POST",
        "/api/purchases",
        data=b"\x00\x01\x02",
        headers={"Content-Type": "application/octet-stream"},
    )
    h.send("bad host", "GET", "/api/health", headers={"Host": "evil.example"})


def huge_numbers(h: Hostile) -> None:
    json_headers = {"Content-Type": "application/json"}
    for label, price in [
        ("1e308", "1e308"),
        ("1e400", "1e400"),
        ("10^400", "1" + "0" * 400),
        ("-1", "-1"),
        ("NaN", "NaN"),
        ("Infinity", "Infinity"),
        ("string NaN", '"NaN"'),
        ("string 1e999", '"1e999"'),
        ("digits", '"' + "9" * 5000 + '"'),
        ("0.001", "0.001"),
    ]:
        body = f'{{"product_name": "n", "price": {price}, "purchase_date": "2026-01-01"}}'
        h.send(f"price {label}", "POST", "/api/purchases", data=body, headers=json_headers)
    for quantity in ("9223372036854775808", "-1", "1" + "0" * 4300, "1.5"):
        body = (
            '{"product_name": "n", "price": 1, "purchase_date": "2026-01-01", '
            f'"quantity": {quantity}}}'
        )
        h.send(
            f"quantity {quantity[:12]}", "POST", "/api/purchases", data=body, headers=json_headers
        )
    for query in (
        "limit=99999999999999999999",
        "skip=-1",
        "skip=1e400",
        "months=99999999999",
        "date_from=99999-01-01",
        "days=-99999999999999999999",
    ):
        h.send(f"query {query}", "GET", f"/api/purchases?{query}")
        h.send(f"analytics {query}", "GET", f"/api/analytics/spending?{query}")
        h.send(f"expiring {query}", "GET", f"/api/warranties/expiring?{query}")
    h.send("backup retention 10^30", "PUT", "/api/backup/config", json={"backup_retention": 10**30})


def text_everywhere(h: Hostile) -> list[str]:
    """Store every hostile text in every text field; return the ids of the purchases."""
    ids = []
    for index, text in enumerate(TEXTS):
        retailer = h.send(
            "retailer name", "POST", "/api/retailers", json={"name": f"{text} r{index}"}
        )
        brand = h.send("brand name", "POST", "/api/brands", json={"name": f"{text} b{index}"})
        fields = {
            "product_name": text,
            "notes": text,
            "model_number": text[:100],
            "serial_number": text[:100],
            "retailer_order_number": text[:100],
            # A link must be a web address (kernel/links.py): the text rides in its query.
            "link": "https://shop.example/item?q=" + urllib.parse.quote(text, safe=""),
            "return_policy": text,
            "tags": text,
        }
        response = h.send(
            "purchase text fields",
            "POST",
            "/api/purchases",
            json={
                **fields,
                "price": "1.00",
                "purchase_date": "2026-01-01",
                "retailer_id": retailer.json()["id"],
                "brand_id": brand.json()["id"],
            },
        )
        if response is None or response.status_code != 201:
            h.failures.append(
                f"a purchase with hostile text was refused: {response and response.text[:200]}"
            )
            continue
        purchase = response.json()
        ids.append(purchase["id"])
        h.fail_unless(all(purchase[k] == v for k, v in fields.items()), f"text changed: {text!r}")
        warranty = h.send(
            "warranty text fields",
            "POST",
            "/api/warranties",
            json={
                "purchase_id": purchase["id"],
                "warranty_start": "2026-01-01",
                "warranty_end": "2027-01-01",
                "provider": text[:100],
                "notes": text,
            },
        )
        h.fail_unless(warranty is not None and warranty.status_code == 201, "warranty refused")
        h.send("search for it", "GET", "/api/purchases", params={"search": text})
        h.send("filter by tag", "GET", "/api/purchases", params={"tag": text})
    h.fail_unless(bool(h.stack.sql("SELECT COUNT(*) FROM purchases_purchase")[0][0]), "table gone")
    for link in ("javascript:alert(1)", "data:text/html,<script>alert(1)</script>"):
        refused = h.send(
            "a link that would run code",
            "POST",
            "/api/purchases",
            json={
                "product_name": "Kettle",
                "price": "1.00",
                "purchase_date": "2026-01-01",
                "link": link,
            },
        )
        h.fail_unless(refused is not None and refused.status_code == 422, f"link {link!r} stored")
    return ids


def traversal(h: Hostile, purchase_id: str) -> None:
    for name in TRAVERSAL_NAMES:
        response = h.send(
            f"attachment named {name!r}",
            "POST",
            f"/api/files/{purchase_id}",
            files={"file": (name, b"%PDF-1.4 hostile")},
            data={"file_type": "receipt"},
        )
        if response is not None and response.status_code in (200, 201):
            listed = h.api.get(f"{h.stack.base}/api/files/{purchase_id}").json()
            h.fail_unless(
                all(
                    "/" not in f.get("filename", "") and "\\" not in f.get("filename", "")
                    for f in listed
                ),
                f"a path survived in a file name: {name!r}",
            )
    for entry in [*TRAVERSAL_NAMES[:4], "uploads/ab/cd/" + "a" * 64 + ".pdf"]:
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("data.json", json.dumps({"version": 2, "purchases": []}))
            zf.writestr(entry, b"escaped")
        h.send(
            f"ZIP entry {entry[:40]!r}",
            "POST",
            "/api/import/zip",
            files={"file": ("x.zip", archive.getvalue())},
        )
        h.send(
            f"restore archive with {entry[:40]!r}",
            "POST",
            "/api/backup/restore",
            files={"file": ("x.zip", archive.getvalue())},
        )
    link = io.BytesIO()
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("uploads/link")
        info.external_attr = 0o120777 << 16  # a symbolic link
        zf.writestr(info, "/etc/passwd")
    h.send(
        "ZIP with a symbolic link",
        "POST",
        "/api/import/zip",
        files={"file": ("l.zip", link.getvalue())},
    )


def pages_escape(h: Hostile, stack: Stack) -> int:
    """Log in through the admin form and read every page; return how many were read."""
    browser = requests.Session()
    login = browser.get(f"{stack.base}/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
    browser.post(
        f"{stack.base}/admin/login/",
        data={
            "username": "reliability",
            "password": "reliability-pw-1",
            "csrfmiddlewaretoken": token,
        },
        headers={"Referer": f"{stack.base}/admin/login/"},
    )
    urls = [
        *APP_PAGES,
        "/admin/purchases/purchase/",
        "/admin/catalog/retailer/",
        "/admin/catalog/brand/",
        "/admin/warranties/warranty/",
    ]
    for purchase_id in stack.sql("SELECT id::text FROM purchases_purchase LIMIT 3"):
        urls.append(f"/admin/purchases/purchase/{purchase_id[0]}/change/")
    read = 0
    for url in urls:
        response = browser.get(stack.base + url)
        if response.status_code == 404:
            continue  # a page not built yet
        h.statuses.append((f"page {url}", response.status_code))
        if response.status_code >= 500:
            h.failures.append(f"page {url}: {response.status_code}")
        if response.status_code != 200 or "text/html" not in response.headers.get(
            "Content-Type", ""
        ):
            continue
        read += 1
        for text in UNESCAPED:
            h.fail_unless(text not in response.text, f"{url} shows {text!r} unescaped")
    return read


def written_outside(stack: Stack, since: float) -> list[str]:
    """Return the files changed since SINCE in the project folder, the stack's scratch folder
    (outside its data folder) and /tmp, that hostile input could have put there."""
    outside = []
    for top in (ROOT, stack.work, Path("/tmp")):
        for path in top.rglob("*"):
            skip = (".venv", "node_modules", ".git", "__pycache__", str(stack.data), ".log")
            text = str(path)
            if any(part in text for part in skip) or not path.is_file():
                continue
            try:
                if path.stat().st_mtime >= since and ("escaped" in path.name or MARK in text):
                    outside.append(text)
            except OSError:
                continue
    return outside


def run() -> bool:
    print("== bad input")
    with Stack(
        "spends_reliability_hostile",
        extra_env={
            "SPENDS_IMPORT_MAX_BYTES": str(1024 * 1024),
            "SPENDS_ATTACHMENT_MAX_BYTES": str(1024 * 1024),
            "SECURE_COOKIES": "false",  # the pages are read over plain HTTP on loopback
        },
    ) as stack:
        try:
            stack.create_database()
            stack.migrate()
            stack.create_token()
            stack.start("web")
            started = time.time()
            h = Hostile(stack)
            oversized(h)
            nested(h)
            invalid_utf8(h)
            huge_numbers(h)
            ids = text_everywhere(h)
            if ids:
                traversal(h, ids[0])
            pages = pages_escape(h, stack)
            outside = written_outside(stack, started)
            h.fail_unless(not outside, f"written outside the data folder: {outside}")
            for line in stack.log("web").splitlines():
                if line.startswith("{") and "Traceback" in line:
                    entry = json.loads(line)
                    last = entry.get("exception", "").strip().splitlines()[-1:]
                    h.failures.append(f"server logged: {entry['message'][:100]} {last}")
        finally:
            stack.tear_down()
    statuses = sorted({status for _, status in h.statuses})
    print(
        f"  {len(h.statuses)} hostile requests ({len(TEXTS)} texts in every text field,"
        f" {len(TRAVERSAL_NAMES)} traversal names), {pages} pages read; statuses seen {statuses}"
    )
    for failure in h.failures:
        print(f"  FAIL {failure}")
    print(f"  bad input {'passed' if not h.failures else 'FAILED'}")
    return not h.failures
