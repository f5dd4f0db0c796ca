"""The API's refusals in the request's language (docs/i18n.md §2, §3).

A token's request speaks the language its Accept-Language names; a session's, the person's
own (their profile's), else the browser's. Without either, English. Each refusal below is sent
three times, without the header, in German and in French: the sentences people read (a `detail`
string, or each `msg` of a 422's list) follow, and none of the German ones is left in English.
"""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from accounts.models import AuditEvent, Membership, Profile, Role
from accounts.services import api_token_create, audit_record
from catalog.tests.factories import RetailerFactory
from purchases.tests.factories import PurchaseFactory
from spends_tracker.validation import readable_message

MIB = 1024 * 1024
# French typography's apostrophe, and the no-break space before a colon.
APOSTROPHE, NBSP = "\N{RIGHT SINGLE QUOTATION MARK}", "\N{NO-BREAK SPACE}"


@pytest.fixture
def refusals(api_user, django_user_model, settings):
    """name → a function of (client, language headers) that sends one refused request.

    The clients are the owner's token, except for the role refusal (a viewer's token).
    """
    settings.SPENDS_ATTACHMENT_MAX_BYTES = MIB
    purchase = PurchaseFactory()
    kept, renamed = RetailerFactory(name="Corner shop"), RetailerFactory(name="Market")
    viewer = django_user_model.objects.create_user(username="reader", password="reader-pw-1")
    Membership.objects.create(user=viewer, role=Role.VIEWER)
    _, viewer_token = api_token_create(user=viewer, name="reading script")
    good = {"product_name": "Kettle", "price": "10", "purchase_date": "2024-01-01"}

    def post(path, body):
        return lambda client, headers: client.post(
            path, body, content_type="application/json", **headers
        )

    def as_viewer(client, headers):
        return client.post(
            "/api/purchases",
            good,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {viewer_token}",
            **headers,
        )

    def too_large(client, headers):
        upload = SimpleUploadedFile("big.bin", b"x" * (MIB + 1), "application/octet-stream")
        return client.post(
            f"/api/files/{purchase.id}/", {"file": upload, "file_type": "receipt"}, **headers
        )

    return {
        "a bad date": (422, post("/api/purchases", {**good, "purchase_date": "12/01/2020"})),
        "a missing product name": (
            422,
            post("/api/purchases", {"price": "10", "purchase_date": "2024-01-01"}),
        ),
        "a missing name (a label in a sentence)": (422, post("/api/retailers", {})),
        "a price that is not a number": (422, post("/api/purchases", {**good, "price": "abc"})),
        "an unknown currency": (422, post("/api/purchases", {**good, "currency_code": "XYZ"})),
        "a link that is not a web address": (
            422,
            post("/api/purchases", {**good, "link": "ftp://example.com"}),
        ),
        "a model number too long": (
            422,
            post("/api/purchases", {**good, "model_number": "x" * 300}),
        ),
        "an action not in the list": (
            422,
            post("/api/purchases/bulk", {"action": "paint", "ids": [str(purchase.id)]}),
        ),
        "a tag with a comma": (
            400,
            post("/api/purchases/bulk", {"action": "tag", "tag": "a,b", "ids": [str(purchase.id)]}),
        ),
        "a duplicate retailer name": (
            409,
            lambda client, headers: client.put(
                f"/api/retailers/{renamed.id}",
                {"name": kept.name},
                content_type="application/json",
                **headers,
            ),
        ),
        "an unknown purchase": (
            404,
            lambda client, headers: client.get(f"/api/purchases/{uuid.uuid4()}", **headers),
        ),
        "the last owner made a viewer": (
            400,
            lambda client, headers: client.patch(
                f"/api/members/{api_user.pk}",
                {"role": "viewer"},
                content_type="application/json",
                **headers,
            ),
        ),
        "a viewer recording a purchase": (403, as_viewer),
        "a file too large": (413, too_large),
    }


def sentences(response) -> list[str]:
    """What people read of a refusal: the `detail`, or each `msg` of a 422's list."""
    detail = response.json()["detail"]
    return [item["msg"] for item in detail] if isinstance(detail, list) else [detail]


def answers(refusals, client, language: str | None) -> dict[str, list[str]]:
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    found = {}
    for name, (status, send) in refusals.items():
        response = send(client, headers)
        assert response.status_code == status, (name, response.content)
        found[name] = sentences(response)
    return found


ENGLISH = {
    "a bad date": ["Enter the purchase date as YYYY-MM-DD."],
    "a missing product name": ["A product name is required."],
    "a missing name (a label in a sentence)": ["Name is required."],
    "a price that is not a number": ["Enter a price, e.g. 12.99."],
    "an unknown currency": [
        "XYZ is not a currency code: use the three letters of ISO 4217, such as USD, EUR or JPY."
    ],
    "a link that is not a web address": ["The link must be an http:// or https:// address."],
    "a model number too long": ["Keep the model number to 100 characters or fewer."],
    "an action not in the list": ["Choose one of 'tag', 'receive' or 'delete'."],
    "a tag with a comma": ["A tag cannot contain a comma: add one tag at a time."],
    "a duplicate retailer name": ["A retailer named 'Corner shop' already exists."],
    "an unknown purchase": ["Purchase not found"],
    "the last owner made a viewer": [
        "The household needs at least one owner: make someone else one first."
    ],
    "a viewer recording a purchase": [
        "This needs an editor; your role is viewer. Ask an owner if you need it."
    ],
    "a file too large": ["File exceeds the 1 MB limit"],
}

GERMAN = {
    "a bad date": ["Kaufdatum: Geben Sie ein Datum im Format JJJJ-MM-TT ein."],
    "a missing product name": ["Ein Produktname ist erforderlich."],
    "a missing name (a label in a sentence)": ["Name ist ein Pflichtfeld."],
    "a price that is not a number": ["Geben Sie einen Preis ein, z. B. 12.99."],
    "an unknown currency": [
        "XYZ ist kein Währungscode: Verwenden Sie die drei Buchstaben nach ISO 4217, etwa USD, "
        "EUR oder JPY."
    ],
    "a model number too long": ["Modellnummer: höchstens 100 Zeichen."],
    "an action not in the list": ["Wählen Sie einen dieser Werte: 'tag', 'receive' oder 'delete'."],
    "a duplicate retailer name": ["Einen Händler namens 'Corner shop' gibt es bereits."],
    "an unknown purchase": ["Kauf nicht gefunden"],
    "a file too large": ["Die Datei überschreitet die Grenze von 1 MB"],
}

FRENCH = {
    # A label leading the sentence takes the capital the sentence needs.
    "a bad date": [f"Date d{APOSTROPHE}achat{NBSP}: saisissez une date au format AAAA-MM-JJ."],
    "a price that is not a number": ["Saisissez un prix, p. ex. 12.99."],
    "a duplicate retailer name": ["Un magasin nommé 'Corner shop' existe déjà."],
    "the last owner made a viewer": [
        f"Le foyer a besoin d{APOSTROPHE}au moins un propriétaire{NBSP}: "
        f"désignez d{APOSTROPHE}abord quelqu{APOSTROPHE}un d{APOSTROPHE}autre."
    ],
}


@pytest.mark.django_db
def test_without_a_language_the_refusals_are_in_english(refusals, api_client):
    assert answers(refusals, api_client, None) == ENGLISH


@pytest.mark.django_db
def test_a_token_asking_for_german_reads_every_refusal_in_german(refusals, api_client):
    german = answers(refusals, api_client, "de")

    assert german | GERMAN == german  # the pinned ones, word for word
    left_in_english = {
        name: text
        for name, texts in german.items()
        for text, english in zip(texts, ENGLISH[name], strict=True)
        if text == english
    }
    assert not left_in_english


@pytest.mark.django_db
def test_a_token_asking_for_french_reads_french(refusals, api_client):
    french = answers(refusals, api_client, "fr-FR,fr;q=0.9,en;q=0.5")

    assert french | FRENCH == french
    assert all(
        text != english
        for name, texts in french.items()
        for text, english in zip(texts, ENGLISH[name], strict=True)
    )


@pytest.mark.django_db
def test_a_session_follows_the_browser_then_the_persons_own_language(client, api_user):
    body = {"product_name": "Kettle", "price": "abc", "purchase_date": "2024-01-01"}
    client.force_login(api_user)  # the test client skips the CSRF check

    def price_sentence(**headers):
        response = client.post("/api/purchases", body, content_type="application/json", **headers)
        return sentences(response)

    assert price_sentence() == ["Enter a price, e.g. 12.99."]
    assert price_sentence(HTTP_ACCEPT_LANGUAGE="de") == ["Geben Sie einen Preis ein, z. B. 12.99."]

    Profile.objects.update_or_create(user=api_user, defaults={"language": "es"})
    client.force_login(api_user)  # the profile's language is kept in the session at sign-in
    assert price_sentence(HTTP_ACCEPT_LANGUAGE="de") == ["Introduce un precio, p. ej., 12.99."]


def test_the_sentences_keep_their_shape_in_every_language():
    """Each wording of the table fills in every language, and starts with a capital."""
    items = [
        {"type": "missing", "loc": ["body", "serial_number"]},
        {"type": "string_too_long", "loc": ["body", "notes"], "ctx": {"max_length": 9}},
        {"type": "date_format", "loc": ["body", "warranty_end"]},
        {"type": "greater_than_equal", "loc": ["query", "limit"], "ctx": {"ge": 1}},
        {"type": "literal_error", "loc": ["body", "action"], "ctx": {"expected": "'a' or 'b'"}},
    ]
    for language in ("en", "de", "fr", "es", "nl"):
        with translation.override(language):
            for item in items:
                text = readable_message(item)
                assert text[:1].isupper() and text.endswith("."), (language, text)
                assert "%(" not in text, (language, text)


@pytest.mark.django_db
def test_the_activity_page_shows_the_trails_fixed_words_in_the_readers_language(
    owner_client, api_user
):
    """The trail stores English (the API and the exports read it as it is); the page translates
    the fixed words and the patterned targets, and leaves names as they are."""
    audit_record(actor=None, action="data.reset", target="all data")
    audit_record(actor=api_user, action="settings.update", target="household settings")
    audit_record(
        actor=api_user, action="token.create", target='token "cron" (st_abc1234…) of owner'
    )
    audit_record(actor=api_user, action="backup.delete", target="backup_2026.zip")

    german = owner_client.get("/accounts/activity/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    english = owner_client.get("/accounts/activity/").content.decode()

    for words in ("Kommandozeile", "alle Daten", "Haushaltseinstellungen", "backup_2026.zip"):
        assert words in german
    assert "Token „cron“ (st_abc1234…) von owner" in german
    assert "command line" in english and "all data" in english
    assert api_user.username in german
    assert "all data" in AuditEvent.objects.values_list("target", flat=True)  # stored as it was


def test_an_error_type_without_a_sentence_of_its_own_is_still_said_in_german():
    """Pydantic speaks English only: its sentence stays for English readers, and the others
    read the field's name with a sentence of their language (spends_tracker/validation.py)."""

    item = {
        "type": "list_type",
        "loc": ["body", "payload", "tags"],
        "msg": "Input should be a valid list",
    }
    with translation.override("de"):
        german = readable_message(item)
    with translation.override("en"):
        english = readable_message(item)

    assert german == "Schlagwörter: Dieser Wert ist ungültig."
    assert english == "Input should be a valid list."
