"""Rules every /api route follows (docs/api.md §1.2, §1.3, §2.6, §9.18)."""

import datetime
import re
import uuid

import ninja.main
import pytest
from django.conf import settings as django_settings
from django.shortcuts import resolve_url
from django.test import Client
from django.utils.crypto import get_random_string

from accounts.services import api_token_create, api_token_revoke
from catalog.tests.factories import BrandFactory
from kernel import clock
from purchases.models import Purchase
from purchases.tests.factories import PurchaseFactory
from spends_tracker.api import api
from warranties.tests.factories import WarrantyFactory

pytestmark = pytest.mark.django_db

AUTHENTICATION_REQUIRED = {"detail": "Authentication required"}
REDIRECTS = {301, 302, 303, 307, 308}
PUBLIC_ROUTES = {("GET", "/api/"), ("GET", "/api/health")}
PURCHASE_BODY = {"product_name": "Kettle", "price": 20, "purchase_date": "2022-05-01"}


def bearer_client(user, **client_options) -> Client:
    _, raw = api_token_create(user=user, name="another script")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **client_options)


def session_client(user, **client_options) -> Client:
    client = Client(**client_options)
    client.force_login(user)
    return client


def with_csrf_cookie(client: Client) -> str:
    """Give CLIENT a CSRF cookie, as a page of the application would; return the token."""
    token = get_random_string(32)
    client.cookies[django_settings.CSRF_COOKIE_NAME] = token
    return token


def send(client, method, path, body=None, **extra):
    if body is None:
        return getattr(client, method.lower())(path, **extra)
    return getattr(client, method.lower())(path, body, content_type="application/json", **extra)


def assert_string_detail(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str)
    assert detail


# --- trailing slash (docs/api.md §1.2) ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api",
        "/api/health",
        "/api/purchases",
        "/api/purchases/{purchase_id}",
        "/api/purchases?limit=5&search=kettle",
        "/api/warranties",
        "/api/warranties/expiring",
        "/api/warranties/{warranty_id}",
        "/api/retailers",
        "/api/brands",
        "/api/settings",
    ],
)
def test_a_get_answers_the_same_with_and_without_a_trailing_slash(api_client, path):
    warranty = WarrantyFactory(
        purchase__product_name="Kettle", warranty_end=clock.today() + datetime.timedelta(days=5)
    )
    path = path.format(purchase_id=warranty.purchase_id, warranty_id=warranty.id)
    bare, _, query = path.partition("?")
    slashed = bare + "/" + ("?" + query if query else "")

    without = api_client.get(path)
    with_slash = api_client.get(slashed)

    assert without.status_code == 200
    assert with_slash.status_code == 200
    assert with_slash.json() == without.json()


@pytest.mark.parametrize("suffix", ["", "/"])
def test_a_post_creates_with_and_without_a_trailing_slash(api_client, suffix):
    purchase = PurchaseFactory()

    created = send(api_client, "POST", "/api/purchases" + suffix, PURCHASE_BODY)
    warranty = send(
        api_client,
        "POST",
        "/api/warranties" + suffix,
        {
            "purchase_id": str(purchase.id),
            "warranty_start": "2022-05-01",
            "warranty_end": "2024-05-01",
        },
    )

    assert created.status_code == 201
    assert warranty.status_code == 201
    assert Purchase.objects.filter(pk=created.json()["id"]).exists()


@pytest.mark.parametrize("suffix", ["", "/"])
def test_a_put_updates_with_and_without_a_trailing_slash(api_client, suffix):
    warranty = WarrantyFactory()

    purchase = send(
        api_client, "PUT", f"/api/purchases/{warranty.purchase_id}{suffix}", {"notes": "Renamed"}
    )
    updated = send(api_client, "PUT", f"/api/warranties/{warranty.id}{suffix}", {"notes": "New"})

    assert (purchase.status_code, purchase.json()["notes"]) == (200, "Renamed")
    assert (updated.status_code, updated.json()["notes"]) == (200, "New")


@pytest.mark.parametrize("suffix", ["", "/"])
def test_a_delete_deletes_with_and_without_a_trailing_slash(api_client, suffix):
    warranty = WarrantyFactory()
    purchase = PurchaseFactory()
    brand = BrandFactory()

    responses = [
        api_client.delete(f"/api/warranties/{warranty.id}{suffix}"),
        api_client.delete(f"/api/purchases/{purchase.id}{suffix}"),
        api_client.delete(f"/api/brands/{brand.id}{suffix}"),
    ]

    assert [r.status_code for r in responses] == [204, 204, 204]
    assert api_client.get(f"/api/purchases/{purchase.id}").status_code == 404


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/purchases",
        "/api/purchases/",
        "/api/purchases/{purchase_id}",
        "/api/purchases/{purchase_id}/",
        "/api/warranties/",
        "/api/warranties/{warranty_id}/",
        "/api/unknown/",
        "/api/",
        "/api",
    ],
)
@pytest.mark.parametrize("authenticated", [True, False])
def test_no_api_route_answers_with_a_redirect(api_client, client, method, path, authenticated):
    warranty = WarrantyFactory()
    path = path.format(purchase_id=warranty.purchase_id, warranty_id=warranty.id)

    response = send(api_client if authenticated else client, method, path, {})

    assert response.status_code not in REDIRECTS
    assert "Location" not in response


# --- unknown paths, wrong methods (docs/api.md §2.6) ----------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/nope"),
        ("GET", "/api/nope/"),
        ("POST", "/api/purchases/a/b/c"),
        ("DELETE", "/api/nothing/here/"),
        ("PUT", "/api/warranties/expiring/soon"),
    ],
)
def test_an_unknown_api_path_answers_404_with_a_token_and_401_without(
    api_client, client, method, path
):
    found = send(api_client, method, path)
    anonymous = send(client, method, path)

    assert found.status_code == 404
    assert found.json() == {"detail": "Not Found"}
    assert anonymous.status_code == 401
    assert anonymous.json() == AUTHENTICATION_REQUIRED


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/purchases"),
        ("DELETE", "/api/purchases/"),
        ("POST", "/api/purchases/{purchase_id}"),
        ("PATCH", "/api/warranties/{warranty_id}/"),
        ("POST", "/api/warranties/expiring"),
        ("DELETE", "/api/warranties"),
    ],
)
def test_a_wrong_method_answers_405_json(api_client, method, path):
    warranty = WarrantyFactory()
    path = path.format(purchase_id=warranty.purchase_id, warranty_id=warranty.id)

    response = send(api_client, method, path, {})

    assert_string_detail(response, 405)


# --- authentication (docs/api.md §1.3, §9.18) -----------------------------------------------------


def schema_operations(api_client) -> list[tuple[str, str]]:
    paths = api_client.get("/api/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_every_route_but_welcome_and_health_needs_credentials(api_client, client):
    operations = schema_operations(api_client)
    assert len(operations) > 10
    assert set(operations) >= PUBLIC_ROUTES

    for method, path in operations:
        if (method, path) in PUBLIC_ROUTES:
            continue
        concrete = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)
        for form in (concrete.rstrip("/"), concrete.rstrip("/") + "/"):
            response = send(client, method, form, {})
            assert response.status_code == 401, (method, form, response.status_code)
            assert response.json() == AUTHENTICATION_REQUIRED


@pytest.mark.parametrize("path", ["/api", "/api/"])
def test_the_welcome_route_needs_no_credentials(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("path", ["/api/health", "/api/health/"])
def test_the_health_check_answers_ok_without_credentials(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_anonymous_requests_do_not_reach_the_data(client):
    PurchaseFactory()

    assert client.get("/api/purchases").json() == AUTHENTICATION_REQUIRED
    assert send(client, "POST", "/api/purchases", PURCHASE_BODY).status_code == 401
    assert Purchase.objects.count() == 1


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer ",
        "Bearer",
        "Basic b3duZXI6b3duZXItcGFzc3dvcmQtMQ==",
        "Bearer st_" + "x" * 43,
        "Bearer " + "é" * 20,
    ],
)
def test_a_bad_token_answers_401(api_user, authorization):
    response = Client(HTTP_AUTHORIZATION=authorization).get("/api/purchases")

    assert response.status_code == 401
    assert response.json() == AUTHENTICATION_REQUIRED


def test_a_token_with_the_wrong_scheme_answers_401(api_user):
    _, raw = api_token_create(user=api_user, name="misconfigured")

    response = Client(HTTP_AUTHORIZATION=f"Token {raw}").get("/api/purchases")

    assert response.status_code == 401


def test_a_revoked_token_answers_401(api_user):
    token, raw = api_token_create(user=api_user, name="old laptop")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/api/purchases").status_code == 200

    api_token_revoke(token=token)

    assert client.get("/api/purchases").status_code == 401
    assert client.get("/api/purchases").json() == AUTHENTICATION_REQUIRED


def test_the_token_of_a_deactivated_user_answers_401(api_user):
    client = bearer_client(api_user)
    api_user.is_active = False
    api_user.save()

    assert client.get("/api/purchases").status_code == 401


def test_a_staff_session_can_read(staff_client):
    PurchaseFactory()

    response = staff_client.get("/api/purchases")

    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_a_logged_in_person_can_read(client, api_user):
    client.force_login(api_user)

    assert client.get("/api/warranties/expiring").status_code == 200
    assert client.get("/api/purchases/").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/purchases", PURCHASE_BODY),
        ("PUT", "/api/purchases/{purchase_id}", {"notes": "changed"}),
        ("DELETE", "/api/purchases/{purchase_id}", None),
    ],
)
def test_a_session_write_without_the_csrf_header_is_refused(api_user, method, path, body):
    purchase = PurchaseFactory(notes="original")
    client = session_client(api_user, enforce_csrf_checks=True)
    with_csrf_cookie(client)

    response = send(client, method, path.format(purchase_id=purchase.id), body)

    assert_string_detail(response, 403)
    assert list(Purchase.objects.values_list("notes", flat=True)) == ["original"]


def test_a_session_write_with_the_csrf_header_succeeds(api_user):
    client = session_client(api_user, enforce_csrf_checks=True)
    token = with_csrf_cookie(client)

    created = send(client, "POST", "/api/purchases", PURCHASE_BODY, HTTP_X_CSRFTOKEN=token)
    purchase_id = created.json()["id"]
    updated = send(
        client, "PUT", f"/api/purchases/{purchase_id}", {"notes": "x"}, HTTP_X_CSRFTOKEN=token
    )
    deleted = client.delete(f"/api/purchases/{purchase_id}", HTTP_X_CSRFTOKEN=token)

    assert [created.status_code, updated.status_code, deleted.status_code] == [201, 200, 204]


def test_a_session_write_with_a_wrong_csrf_header_is_refused(api_user):
    client = session_client(api_user, enforce_csrf_checks=True)
    with_csrf_cookie(client)

    response = send(
        client, "POST", "/api/purchases", PURCHASE_BODY, HTTP_X_CSRFTOKEN=get_random_string(32)
    )

    assert_string_detail(response, 403)
    assert not Purchase.objects.exists()


def test_a_session_read_needs_no_csrf_header(api_user):
    client = session_client(api_user, enforce_csrf_checks=True)

    assert client.get("/api/purchases").status_code == 200


def test_a_token_write_needs_no_csrf_header(api_user):
    client = bearer_client(api_user, enforce_csrf_checks=True)

    created = send(client, "POST", "/api/purchases", PURCHASE_BODY)
    purchase_id = created.json()["id"]
    updated = send(client, "PUT", f"/api/purchases/{purchase_id}", {"notes": "x"})
    deleted = client.delete(f"/api/purchases/{purchase_id}")

    assert [created.status_code, updated.status_code, deleted.status_code] == [201, 200, 204]


def test_an_anonymous_write_answers_401_not_403_when_csrf_is_enforced():
    client = Client(enforce_csrf_checks=True)

    response = send(client, "POST", "/api/purchases", PURCHASE_BODY)

    assert response.status_code == 401
    assert response.json() == AUTHENTICATION_REQUIRED


def test_the_open_setting_lets_anonymous_clients_in(client, settings):
    PurchaseFactory()
    settings.SPENDS_API_OPEN = True

    response = client.get("/api/purchases")

    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_the_api_is_closed_by_default(client, settings):
    assert settings.SPENDS_API_OPEN is False
    assert client.get("/api/purchases").status_code == 401


# --- schema and docs ----------------------------------------------------------------------------


def test_the_openapi_schema_needs_credentials(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 401
    assert response.json() == AUTHENTICATION_REQUIRED


def test_the_openapi_schema_lists_the_purchase_and_warranty_paths(api_client):
    response = api_client.get("/api/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    paths = {path.rstrip("/") for path in response.json()["paths"]}
    assert {
        "/api/purchases",
        "/api/purchases/{purchase_id}",
        "/api/warranties",
        "/api/warranties/expiring",
        "/api/warranties/{warranty_id}",
    } <= paths


def test_a_logged_in_person_can_read_the_openapi_schema(staff_client):
    assert staff_client.get("/api/openapi.json").status_code == 200


def test_the_openapi_schema_is_built_once_and_served_again(api_client, monkeypatch):
    """The document depends only on the routes and the access rules, fixed at start."""
    builds = []
    real_get_schema = ninja.main.get_schema
    monkeypatch.setattr(api, "_openapi_schemas", {})
    monkeypatch.setattr(
        ninja.main, "get_schema", lambda **kwargs: builds.append(1) or real_get_schema(**kwargs)
    )

    first = api_client.get("/api/openapi.json").json()
    second = api_client.get("/api/openapi.json").json()

    assert first == second
    assert "x-required-role" in first["paths"]["/api/purchases"]["get"]
    assert len(builds) == 1


@pytest.mark.parametrize("path", ["/api/docs", "/api/docs/"])
def test_the_docs_send_an_anonymous_browser_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(django_settings.LOGIN_URL) + "?next=")
    assert "/api/docs" in response["Location"]


def test_the_docs_render_for_a_logged_in_person(staff_client):
    response = staff_client.get("/api/docs")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"openapi.json" in response.content


# --- error bodies (docs/api.md §2.6) --------------------------------------------------------------


ERROR_CASES = {
    "no credentials": (401, lambda c, anon, p: anon.get("/api/purchases")),
    "unknown path": (404, lambda c, anon, p: c.get("/api/does-not-exist")),
    "unknown purchase": (404, lambda c, anon, p: c.get(f"/api/purchases/{uuid.uuid4()}")),
    "malformed purchase id": (404, lambda c, anon, p: c.put("/api/purchases/1", {})),
    "unknown warranty": (404, lambda c, anon, p: c.delete(f"/api/warranties/{uuid.uuid4()}")),
    "warranty for unknown purchase": (
        404,
        lambda c, anon, p: send(
            c,
            "POST",
            "/api/warranties",
            {
                "purchase_id": str(uuid.uuid4()),
                "warranty_start": "2022-01-01",
                "warranty_end": "2023-01-01",
            },
        ),
    ),
    "wrong method": (405, lambda c, anon, p: c.patch("/api/warranties")),
    "invalid query": (422, lambda c, anon, p: c.get("/api/purchases?limit=0")),
    "invalid body": (422, lambda c, anon, p: send(c, "POST", "/api/purchases", {"price": 1})),
    "body is a list": (422, lambda c, anon, p: send(c, "POST", "/api/purchases", [1, 2])),
    "future date": (
        422,
        lambda c, anon, p: send(
            c, "PUT", f"/api/purchases/{p.id}", {"purchase_date": "2999-01-01"}
        ),
    ),
    "invalid expiring days": (422, lambda c, anon, p: c.get("/api/warranties/expiring?days=0")),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_every_error_is_json_with_a_detail(api_client, client, case):
    status, make_request = ERROR_CASES[case]
    purchase = PurchaseFactory()

    response = make_request(api_client, client, purchase)

    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    detail = response.json()["detail"]
    if status == 422:
        assert isinstance(detail, list)
        assert detail
        for error in detail:
            assert isinstance(error["msg"], str)
            assert isinstance(error["type"], str)
            assert isinstance(error["loc"], list)
    else:
        assert isinstance(detail, str)
        assert detail


def test_an_unparseable_json_body_answers_an_error_with_a_detail(api_client):
    response = api_client.post("/api/purchases", "{not json", content_type="application/json")

    assert response.status_code in (400, 422)
    detail = response.json()["detail"]
    if response.status_code == 400:
        assert isinstance(detail, str)
    else:
        assert all(isinstance(error["msg"], str) for error in detail)
    assert not Purchase.objects.exists()


def test_an_unexpected_failure_answers_500_json(api_user, monkeypatch):
    def crash(**filters):
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr("purchases.api.purchase_list_page", crash)
    client = bearer_client(api_user, raise_request_exception=False)

    response = client.get("/api/purchases")

    assert_string_detail(response, 500)
    assert "caught fire" not in response.json()["detail"]
