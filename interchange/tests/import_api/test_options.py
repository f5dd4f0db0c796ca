"""The import options: a dry run reports and writes nothing, mode update and mode skip, an
unknown value answers 422 (docs/api.md §5.10, §6.4)."""

import json

import pytest

from interchange.tests.import_api.helpers import (
    GOOD_FILES,
    KINDS,
    assert_report,
    assert_string_detail,
    new_document,
    nothing_changes,
    post_import,
    renamed_export,
)
from purchases.models import Purchase

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", KINDS)
def test_a_dry_run_reports_the_counts_and_writes_nothing(api_client, household, tmp_path, kind):
    name, content = GOOD_FILES[kind]

    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, content, dry_run="true")

    assert response.status_code == 200, response.content
    report = response.json()
    assert_report(report, kind)
    assert report["dry_run"] is True
    assert report["purchases_added"] == (2 if kind == "csv" else 1)
    if kind != "csv":
        assert report["warranties_added"] == 1 and report["files_added"] == 1
    if kind == "zip":
        assert report["data_imported"] is False


def test_a_dry_run_of_a_file_with_only_errors_answers_400(api_client, household, tmp_path):
    content = json.dumps(new_document(price="0")).encode()

    with nothing_changes(tmp_path):
        response = post_import(api_client, "json", "export.json", content, dry_run="true")

    assert "Nothing was imported" in assert_string_detail(response, 400)


def test_mode_update_updates_the_existing_records(api_client, household):
    content = renamed_export(api_client, household)

    response = post_import(api_client, "json", "export.json", content, mode="update")

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["mode"] == "update"
    assert report["purchases_added"] == 0 and report["purchases_updated"] == 2
    household.refresh_from_db()
    assert household.product_name == "Kettle, renamed in the file"
    assert str(household.price) == "77.70"
    assert Purchase.objects.count() == 2


def test_mode_skip_is_the_default_and_keeps_the_existing_records(api_client, household):
    content = renamed_export(api_client, household)

    response = post_import(api_client, "json", "export.json", content)

    assert response.status_code == 200, response.content
    report = response.json()
    assert report["mode"] == "skip"
    assert report["purchases_skipped_existing"] == 2 and report["purchases_added"] == 0
    household.refresh_from_db()
    assert household.product_name == "Kettle"


@pytest.mark.parametrize("query", [{"mode": "replace"}, {"mode": ""}, {"dry_run": "perhaps"}])
def test_an_unknown_option_value_answers_422(api_client, household, tmp_path, query):
    name, content = GOOD_FILES["json"]

    with nothing_changes(tmp_path):
        response = post_import(api_client, "json", name, content, **query)

    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
