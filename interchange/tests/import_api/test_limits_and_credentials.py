"""The import limit (413 over it, accepted at it), credentials (401), and requests without a
multipart file part answered in JSON (docs/api.md §2.6, §5.10)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from interchange.tests.import_api.helpers import (
    GOOD_FILES,
    IMPORT,
    KINDS,
    assert_string_detail,
    nothing_changes,
    post_import,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS)
def test_an_upload_over_the_import_limit_answers_413(
    api_client, household, tmp_path, kind, settings
):
    settings.SPENDS_IMPORT_MAX_BYTES = 2048
    name = GOOD_FILES[kind][0]
    content = GOOD_FILES[kind][1] + b" " * 4096

    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, content)

    detail = assert_string_detail(response, 413)
    assert "2,048 bytes" in detail


def test_an_upload_at_the_import_limit_is_accepted(api_client, household, settings):
    name, content = GOOD_FILES["json"]
    settings.SPENDS_IMPORT_MAX_BYTES = len(content)

    response = post_import(api_client, "json", name, content)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize("kind", KINDS)
def test_an_import_without_credentials_answers_401(client, household, tmp_path, kind):
    name, content = GOOD_FILES[kind]

    with nothing_changes(tmp_path):
        response = post_import(client, kind, name, content)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required"}


def test_an_import_with_a_wrong_token_answers_401(household, tmp_path):
    from django.test import Client

    name, content = GOOD_FILES["json"]
    client = Client(HTTP_AUTHORIZATION="Bearer not-a-real-token")

    with nothing_changes(tmp_path):
        response = post_import(client, "json", name, content)

    assert response.status_code == 401


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("body", ["none", "other-part", "text-field"])
def test_a_request_without_the_file_part_answers_a_json_4xx(
    api_client, household, tmp_path, kind, body
):
    name, content = GOOD_FILES[kind]
    data = {
        "none": {},
        "other-part": {"upload": SimpleUploadedFile(name, content)},
        "text-field": {"file": content.decode("latin-1")},
    }[body]

    with nothing_changes(tmp_path):
        response = api_client.post(f"{IMPORT}/{kind}", data)

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_a_body_that_is_not_multipart_answers_a_json_4xx(api_client, household, tmp_path):
    with nothing_changes(tmp_path):
        response = api_client.post(
            f"{IMPORT}/json", GOOD_FILES["json"][1], content_type="application/json"
        )

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()
