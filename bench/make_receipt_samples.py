"""Writes the receipt sample set (receipts/tests/samples/) and its manifest, expected.json.

Every sample comes from a spec drawn with a fixed seed: a merchant, a language, a currency, a
layout (till roll, A4 invoice, online order confirmation), items, a date and an order number.
The spec becomes HTML, and the HTML becomes one of four kinds of file:

- `pdf-text`: a PDF with a text layer, printed by Chromium;
- `pdf-scan`: a PDF without one, the page's picture saved by Pillow (a scanned receipt);
- `photo`: a PNG made to look photographed: turned a few degrees, blurred, with noise and light
  falling unevenly across it;
- `email`: an order confirmation e-mail (.eml) with an HTML body, some of them forwarded.

The same seed gives the same specs and the same pictures; Chromium's PDFs differ between runs
only in their creation date. Run from the project folder (needs Playwright and Chromium):

    .venv/bin/python bench/make_receipt_samples.py [--seed 23] [--out receipts/tests/samples]
"""

# ruff: noqa: E501  (the HTML of the receipts reads best an element a line, however long)
import argparse
import datetime
import email.message
import email.utils
import html
import io
import json
import random
import shutil
import tempfile
import unicodedata
from decimal import Decimal
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]

# (merchant as printed, canonical name, language, currency, city line)
MERCHANTS = [
    ("BEST BUY", "Best Buy", "en", "USD", "1200 Market St, Denver CO 80202"),
    ("Target", "Target", "en", "USD", "455 Lake Ave, Pasadena CA 91101"),
    ("Harbor Hardware Co.", "Harbor Hardware Co.", "en", "USD", "88 Pier Road, Portland ME 04101"),
    ("Walmart", "Walmart", "en", "USD", "2100 Main St, Austin TX 78701"),
    ("Currys", "Currys", "en", "GBP", "14 High Street, Leeds LS1 6HH"),
    ("Maple & Finch Ltd", "Maple & Finch Ltd", "en", "GBP", "3 Kings Road, Bristol BS1 4DJ"),
    ("Argos", "Argos", "en", "GBP", "Unit 4, Retail Park, York YO30 4XZ"),
    ("MediaMarkt", "MediaMarkt", "de", "EUR", "Alexanderplatz 7, 10178 Berlin"),
    ("Elektro Hofmann GmbH", "Elektro Hofmann GmbH", "de", "EUR", "Bahnhofstr. 12, 80335 München"),
    ("OBI Baumarkt", "OBI Baumarkt", "de", "EUR", "Industriestr. 3, 50667 Köln"),
    ("Galaxus", "Galaxus", "de", "CHF", "Pfingstweidstrasse 60b, 8005 Zürich"),
    ("Fnac", "Fnac", "fr", "EUR", "74 avenue des Ternes, 75017 Paris"),
    ("Darty", "Darty", "fr", "EUR", "12 rue de la République, 69002 Lyon"),
    (
        "Maison Lefèvre SARL",
        "Maison Lefèvre SARL",
        "fr",
        "EUR",
        "5 place du Marché, 33000 Bordeaux",
    ),
    ("Manor", "Manor", "fr", "CHF", "Rue du Rhône 6, 1204 Genève"),
    ("El Corte Inglés", "El Corte Inglés", "es", "EUR", "Calle de Preciados 3, 28013 Madrid"),
    ("PcComponentes", "PcComponentes", "es", "EUR", "Av. Europa 2, 30840 Alhama de Murcia"),
    ("Ferretería Solano", "Ferretería Solano", "es", "EUR", "Calle Mayor 21, 46001 Valencia"),
]

ITEMS = {
    "en": [
        ("Sony WH-1000XM5 Headphones", 279, 399),
        ("Dyson V15 Detect Vacuum", 549, 749),
        ("Samsung 55in QLED TV", 599, 1299),
        ("HDMI Cable 2m", 8, 19),
        ("Philips Hue Starter Kit", 99, 189),
        ("Lenovo IdeaPad 5 Laptop", 649, 999),
        ("Bosch Cordless Drill", 89, 179),
        ("AA Batteries 8-pack", 5, 12),
        ("LG Soundbar S60", 179, 299),
        ("Extension Lead 4-way", 11, 24),
    ],
    "de": [
        ("Bosch Waschmaschine Serie 4", 449, 699),
        ("Samsung Galaxy Tab A9", 179, 259),
        ("USB-C Kabel 2m", 7, 19),
        ("Philips Airfryer XL", 119, 199),
        ("Dyson Supersonic Föhn", 329, 449),
        ("Sony Bluetooth Lautsprecher", 89, 149),
        ("Akku-Bohrschrauber", 59, 129),
        ("Verlängerungskabel 5m", 9, 18),
        ("LG OLED Fernseher 48 Zoll", 899, 1399),
        ("Batterien AAA 10er", 4, 9),
    ],
    "fr": [
        ("Aspirateur Dyson V12", 449, 599),
        ("Casque Sony WH-CH720", 99, 149),
        ("Câble HDMI 1,5 m", 9, 19),
        ("Machine à café Philips", 229, 399),
        ("Tablette Samsung Galaxy", 199, 349),
        ("Perceuse Bosch sans fil", 89, 169),
        ("Piles AA x8", 5, 11),
        ("Ordinateur portable Lenovo", 599, 999),
        ("Multiprise 4 prises", 12, 25),
        ("Barre de son LG", 149, 299),
    ],
    "es": [
        ("Lavadora Bosch Serie 6", 499, 749),
        ("Auriculares Sony WF-1000XM4", 179, 279),
        ("Cable USB-C 1 m", 6, 14),
        ("Freidora de aire Philips", 99, 179),
        ("Portátil Lenovo IdeaPad", 549, 899),
        ("Televisor Samsung 50 pulgadas", 399, 699),
        ("Taladro percutor", 49, 99),
        ("Pilas AA pack 8", 4, 10),
        ("Aspiradora Dyson V8", 249, 379),
        ("Regleta 5 tomas", 9, 19),
    ],
}

LABELS = {
    "en": {
        "date": "Date",
        "order_date": "Order date",
        "due": "Due date",
        "total": ["TOTAL", "Total", "Grand Total", "Order Total"],
        "subtotal": "Subtotal",
        "tax": "Sales tax",
        "shipping": "Shipping",
        "order": ["Order #", "Order number:", "Order no."],
        "invoice": "Invoice no.",
        "invoice_title": "INVOICE",
        "receipt": "Receipt",
        "qty": "Qty",
        "desc": "Description",
        "amount": "Amount",
        "thanks": "Thank you for shopping with us!",
        "order_thanks": "Thank you for your order",
        "card": "VISA CARD",
        "cash": "CASH",
        "change": "CHANGE",
        "subject": "Your order {order} has been received",
        "fwd_subject": "Fwd: Your {merchant} order confirmation",
    },
    "de": {
        "date": "Datum",
        "order_date": "Bestelldatum",
        "due": "Fällig am",
        "total": ["SUMME", "Summe", "Gesamtbetrag", "Gesamt"],
        "subtotal": "Zwischensumme",
        "tax": "enthaltene MwSt. 19%",
        "shipping": "Versand",
        "order": ["Bestellnummer:", "Bestell-Nr.", "Auftragsnummer:"],
        "invoice": "Rechnungsnummer:",
        "invoice_title": "RECHNUNG",
        "receipt": "Kassenbon",
        "qty": "Menge",
        "desc": "Artikel",
        "amount": "Betrag",
        "thanks": "Vielen Dank für Ihren Einkauf!",
        "order_thanks": "Vielen Dank für Ihre Bestellung",
        "card": "EC-KARTE",
        "cash": "BAR",
        "change": "RÜCKGELD",
        "subject": "Ihre Bestellung {order} ist eingegangen",
        "fwd_subject": "WG: Bestellbestätigung {merchant}",
    },
    "fr": {
        "date": "Date",
        "order_date": "Date de commande",
        "due": "Échéance",
        "total": ["TOTAL TTC", "Total TTC", "Montant total", "TOTAL"],
        "subtotal": "Sous-total",
        "tax": "dont TVA 20%",
        "shipping": "Livraison",
        "order": ["Commande n°", "N° de commande :", "Numéro de commande :"],
        "invoice": "Facture n°",
        "invoice_title": "FACTURE",
        "receipt": "Ticket de caisse",
        "qty": "Qté",
        "desc": "Désignation",
        "amount": "Montant",
        "thanks": "Merci de votre visite !",
        "order_thanks": "Merci pour votre commande",
        "card": "CARTE BANCAIRE",
        "cash": "ESPÈCES",
        "change": "RENDU",
        "subject": "Confirmation de votre commande {order}",
        "fwd_subject": "TR: Votre commande {merchant}",
    },
    "es": {
        "date": "Fecha",
        "order_date": "Fecha del pedido",
        "due": "Vencimiento",
        "total": ["TOTAL", "Total", "Importe total", "TOTAL A PAGAR"],
        "subtotal": "Subtotal",
        "tax": "IVA incluido 21%",
        "shipping": "Envío",
        "order": ["Pedido nº", "Número de pedido:", "Nº de pedido:"],
        "invoice": "Factura nº",
        "invoice_title": "FACTURA",
        "receipt": "Ticket de compra",
        "qty": "Cant.",
        "desc": "Descripción",
        "amount": "Importe",
        "thanks": "¡Gracias por su compra!",
        "order_thanks": "Gracias por tu pedido",
        "card": "TARJETA",
        "cash": "EFECTIVO",
        "change": "CAMBIO",
        "subject": "Confirmación de tu pedido {order}",
        "fwd_subject": "RV: Tu pedido en {merchant}",
    },
}

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}

# How many of each kind: 16 + 12 + 14 + 6 = 48 samples.
KINDS = ["pdf-text"] * 16 + ["pdf-scan"] * 12 + ["photo"] * 14 + ["email"] * 6


def money(amount: Decimal, language: str, currency: str, symbol: bool = True) -> str:
    """AMOUNT written as a receipt of that language and currency would print it."""
    whole, cents = f"{amount:.2f}".split(".")
    groups = f"{int(whole):,}"
    if currency == "CHF":
        number = groups.replace(",", "'") + "." + cents
        return f"CHF {number}" if symbol else number
    if language == "en":
        number = f"{groups}.{cents}"
        sign = {"USD": "$", "GBP": "£", "EUR": "€"}[currency]
        return f"{sign}{number}" if symbol else number
    separator = {"de": ".", "es": ".", "fr": "\u202f"}[language]
    number = groups.replace(",", separator) + "," + cents
    return f"{number} €" if symbol else number


def written_date(day: datetime.date, language: str, currency: str, rng: random.Random) -> str:
    if rng.random() < 0.4:
        month = MONTHS[language].split()[day.month - 1]
        return {
            "en": f"{month} {day.day}, {day.year}"
            if currency == "USD"
            else f"{day.day} {month} {day.year}",
            "de": f"{day.day}. {month} {day.year}",
            "fr": f"{day.day} {month} {day.year}",
            "es": f"{day.day} de {month} de {day.year}",
        }[language]
    if language == "en" and currency == "USD":
        return day.strftime("%m/%d/%Y")
    if language == "de":
        return day.strftime("%d.%m.%Y")
    return day.strftime("%d/%m/%Y")


def draw_spec(number: int, kind: str, rng: random.Random) -> dict:
    printed, merchant, language, currency, address = MERCHANTS[number % len(MERCHANTS)]
    layout = "email" if kind == "email" else rng.choice(["till", "invoice", "online"])
    day = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(0, 1050))
    items = []
    for name, low, high in rng.sample(ITEMS[language], rng.randint(1, 4)):
        price = Decimal(rng.randint(low * 100, high * 100)) / 100
        items.append({"name": name, "quantity": rng.choice([1, 1, 1, 2]), "price": str(price)})
    shipping = Decimal("0.00")
    if layout in ("online", "email") and rng.random() < 0.5:
        shipping = Decimal(rng.choice(["4.99", "5.95", "9.90"]))
    total = sum(Decimal(i["price"]) * i["quantity"] for i in items) + shipping
    has_order = layout in ("invoice", "online", "email")
    order = (
        f"{rng.choice(['', 'A', 'WEB-', '40'])}{rng.randint(10**6, 10**8 - 1)}"
        if has_order
        else None
    )
    return {
        "file": f"{number + 1:02d}-{kind}-{layout}-{language}-{currency.lower()}",
        "kind": kind,
        "layout": layout,
        "language": language,
        "currency": currency,
        "printed": printed,
        "merchant": merchant,
        "address": address,
        "date": day.isoformat(),
        "written_date": written_date(day, language, currency, rng),
        "time": f"{rng.randint(8, 20):02d}:{rng.randint(0, 59):02d}",
        "items": items,
        "shipping": str(shipping),
        "total": str(total),
        "order_number": order,
        "order_label": rng.choice(LABELS[language]["order"]),
        "total_label": rng.choice(LABELS[language]["total"]),
        "invoice_number": f"{day.year}-{rng.randint(1000, 99999)}",
        "paid_cash": layout == "till" and rng.random() < 0.4,
        "forwarded": kind == "email" and number % 2 == 1,
    }


STYLE = """
body { font-family: 'DejaVu Sans', sans-serif; color: #111; margin: 0; background: #fff; }
.till { width: 340px; padding: 18px; font-family: 'DejaVu Sans Mono', monospace; font-size: 14px; }
.till h1 { text-align: center; font-size: 24px; margin: 4px 0; }
.till .c { text-align: center; }
.row { display: flex; justify-content: space-between; gap: 12px; }
.big { font-size: 18px; font-weight: bold; }
.a4 { width: 720px; padding: 36px; font-size: 14px; }
.a4 h1 { font-size: 28px; margin: 0 0 4px; }
table { width: 100%; border-collapse: collapse; margin: 16px 0; }
td, th { padding: 5px 4px; border-bottom: 1px solid #999; text-align: left; }
td.n, th.n { text-align: right; }
.online { width: 600px; padding: 28px; font-size: 15px; }
.online .logo { font-size: 26px; font-weight: bold; color: #1a4c8c; }
hr { border: 0; border-top: 1px dashed #333; }
"""


def _rows(spec: dict, symbol: bool) -> str:
    lines = []
    for item in spec["items"]:
        price = Decimal(item["price"]) * item["quantity"]
        name = html.escape(item["name"])
        if item["quantity"] > 1:
            name = f"{item['quantity']} x {name}"
        amount = money(price, spec["language"], spec["currency"], symbol)
        lines.append(f'<div class="row"><span>{name}</span><span>{amount}</span></div>')
    return "\n".join(lines)


def till_html(spec: dict) -> str:
    labels, language, currency = LABELS[spec["language"]], spec["language"], spec["currency"]
    total = Decimal(spec["total"])
    payment = f'<div class="row"><span>{labels["card"]}</span><span>{money(total, language, currency, False)}</span></div>'
    if spec["paid_cash"]:
        given = (total // 10 + 1) * 10
        payment = (
            f'<div class="row"><span>{labels["cash"]}</span><span>{money(given, language, currency, False)}</span></div>'
            f'<div class="row"><span>{labels["change"]}</span><span>{money(given - total, language, currency, False)}</span></div>'
        )
    tax = money((total * Decimal("0.16")).quantize(Decimal("0.01")), language, currency, False)
    return f"""<div class="till">
<h1>{html.escape(spec["printed"].upper())}</h1>
<div class="c">{html.escape(spec["address"])}</div>
<div class="c">{labels["receipt"]}</div><hr>
<div class="row"><span>{labels["date"]}: {spec["written_date"]}</span><span>{spec["time"]}</span></div><hr>
{_rows(spec, False)}<hr>
<div class="row big"><span>{spec["total_label"]}</span><span>{money(total, language, currency)}</span></div>
{payment}
<div class="row"><span>{labels["tax"]}</span><span>{tax}</span></div><hr>
<div class="c">{labels["thanks"]}</div></div>"""


def invoice_html(spec: dict) -> str:
    labels, language, currency = LABELS[spec["language"]], spec["language"], spec["currency"]
    due = datetime.date.fromisoformat(spec["date"]) + datetime.timedelta(days=14)
    rows = "".join(
        f"<tr><td>{i['quantity']}</td><td>{html.escape(i['name'])}</td>"
        f'<td class="n">{money(Decimal(i["price"]) * i["quantity"], language, currency)}</td></tr>'
        for i in spec["items"]
    )
    total = Decimal(spec["total"])
    net = (total / Decimal("1.19")).quantize(Decimal("0.01"))
    return f"""<div class="a4">
<h1>{html.escape(spec["printed"])}</h1><div>{html.escape(spec["address"])}</div>
<h2>{labels["invoice_title"]}</h2>
<div>{labels["invoice"]} {spec["invoice_number"]}</div>
<div>{spec["order_label"]} {spec["order_number"]}</div>
<div>{labels["date"]}: {spec["written_date"]}</div>
<div>{labels["due"]}: {written_date(due, language, currency, random.Random(0))}</div>
<table><tr><th>{labels["qty"]}</th><th>{labels["desc"]}</th><th class="n">{labels["amount"]}</th></tr>{rows}</table>
<div class="row"><span>{labels["subtotal"]}</span><span>{money(net, language, currency)}</span></div>
<div class="row"><span>{labels["tax"]}</span><span>{money(total - net, language, currency)}</span></div>
<div class="row big"><span>{spec["total_label"]}</span><span>{money(total, language, currency)}</span></div>
</div>"""


def online_html(spec: dict) -> str:
    labels, language, currency = LABELS[spec["language"]], spec["language"], spec["currency"]
    total, shipping = Decimal(spec["total"]), Decimal(spec["shipping"])
    return f"""<div class="online">
<div class="logo">{html.escape(spec["printed"])}</div>
<h2>{labels["order_thanks"]}</h2>
<p>{spec["order_label"]} <b>{spec["order_number"]}</b><br>{labels["order_date"]}: {spec["written_date"]}</p>
{_rows(spec, True)}<hr>
<div class="row"><span>{labels["subtotal"]}</span><span>{money(total - shipping, language, currency)}</span></div>
<div class="row"><span>{labels["shipping"]}</span><span>{money(shipping, language, currency)}</span></div>
<div class="row big"><span>{spec["total_label"]}</span><span>{money(total, language, currency)}</span></div>
<p style="font-size:12px;color:#555">{html.escape(spec["address"])}</p></div>"""


def page_html(spec: dict) -> str:
    body = {"till": till_html, "invoice": invoice_html}.get(spec["layout"], online_html)(spec)
    return f'<!doctype html><html><head><meta charset="utf-8"><style>{STYLE}</style></head><body>{body}</body></html>'


def email_bytes(spec: dict) -> bytes:
    labels = LABELS[spec["language"]]
    sent = datetime.datetime.fromisoformat(spec["date"] + "T" + spec["time"]).replace(
        tzinfo=datetime.UTC
    )
    plain = unicodedata.normalize("NFKD", spec["merchant"]).encode("ascii", "ignore").decode()
    domain = "".join(c for c in plain.lower() if c.isalnum()) + ".example"
    shop = email.utils.formataddr((spec["printed"], f"orders@{domain}"))
    message = email.message.EmailMessage()
    message["Message-ID"] = f"<sample-{spec['file']}@{domain}>"
    message["To"] = "alex@household.example"
    body = online_html(spec)
    if spec["forwarded"]:
        message["From"] = "Alex Martin <alex@household.example>"
        message["Subject"] = labels["fwd_subject"].format(merchant=spec["printed"])
        message["Date"] = email.utils.format_datetime(sent + datetime.timedelta(days=2))
        body = (
            "<p>---------- Forwarded message ---------<br>"
            f"From: {html.escape(spec['printed'])} &lt;orders@{domain}&gt;<br>Date: {email.utils.format_datetime(sent)}<br>"
            f"Subject: {labels['subject'].format(order=spec['order_number'])}</p>" + body
        )
    else:
        message["From"] = shop
        message["Subject"] = labels["subject"].format(order=spec["order_number"])
        message["Date"] = email.utils.format_datetime(sent)
    message.set_content(f"<html><body>{body}</body></html>", subtype="html")
    return bytes(message)


def photographed(picture: Image.Image, rng: random.Random) -> Image.Image:
    """PICTURE as a phone would take it: turned, blurred, noisy, unevenly lit, on a table."""
    picture = picture.convert("L")
    angle = rng.choice([-1, 1]) * rng.uniform(1.0, 4.0)
    picture = picture.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=150)
    picture = picture.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.1)))
    depth = rng.uniform(0.25, 0.4)
    light = Image.linear_gradient("L").rotate(rng.randrange(360)).resize(picture.size)
    picture = ImageChops.multiply(picture, light.point(lambda v: int(255 - v * depth)))
    picture = Image.blend(picture, Image.effect_noise(picture.size, 28).convert("L"), 0.08)
    # Sixteen shades of grey keep the file small; a phone's JPEG loses about as much.
    return picture.quantize(16, dither=Image.Dither.NONE)


def scanned(picture: Image.Image, rng: random.Random) -> bytes:
    picture = picture.convert("L").rotate(
        rng.uniform(-0.6, 0.6), fillcolor=255, resample=Image.BICUBIC
    )
    out = io.BytesIO()
    picture.save(out, "PDF", resolution=150, quality=70)
    return out.getvalue()


def render(specs: list[dict], out: Path, rng: random.Random) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for spec in specs:
            if spec["kind"] == "email":
                (out / f"{spec['file']}.eml").write_bytes(email_bytes(spec))
                continue
            scale = 1.6 if spec["kind"] == "photo" else 1.5
            page = browser.new_page(
                viewport={"width": 800, "height": 600}, device_scale_factor=scale
            )
            page.set_content(page_html(spec))
            if spec["kind"] == "pdf-text":
                width = "420px" if spec["layout"] == "till" else None
                options = {"width": width, "height": "900px"} if width else {"format": "A4"}
                (out / f"{spec['file']}.pdf").write_bytes(
                    page.pdf(print_background=True, **options)
                )
            else:
                box = page.locator("body > div").bounding_box()
                shot = page.screenshot(clip=box)
                picture = Image.open(io.BytesIO(shot))
                if spec["kind"] == "photo":
                    photographed(picture, rng).save(out / f"{spec['file']}.png", optimize=True)
                else:
                    (out / f"{spec['file']}.pdf").write_bytes(scanned(picture, rng))
            page.close()
        browser.close()


def expected(spec: dict) -> dict:
    suffix = {"pdf-text": "pdf", "pdf-scan": "pdf", "photo": "png", "email": "eml"}[spec["kind"]]
    keys = ["kind", "layout", "language", "merchant", "date", "total", "currency", "order_number"]
    return {"file": f"{spec['file']}.{suffix}", **{key: spec[key] for key in keys}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=23)
    parser.add_argument("--out", type=Path, default=ROOT / "receipts" / "tests" / "samples")
    options = parser.parse_args()
    rng = random.Random(options.seed)
    kinds = list(KINDS)
    rng.shuffle(kinds)
    specs = [draw_spec(number, kind, rng) for number, kind in enumerate(kinds)]
    with tempfile.TemporaryDirectory() as scratch:
        render(specs, Path(scratch), rng)
        if options.out.exists():
            shutil.rmtree(options.out)
        shutil.copytree(scratch, options.out)
    manifest = {"seed": options.seed, "samples": [expected(spec) for spec in specs]}
    (options.out / "expected.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    )
    size = sum(path.stat().st_size for path in options.out.iterdir())
    print(f"{len(specs)} samples, {size / 1e6:.1f} MB in {options.out}")


if __name__ == "__main__":
    main()
