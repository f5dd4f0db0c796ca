"""The name of the uploaded file decides whether it is accepted: its extension, in any case
(docs/api.md §5.10)."""

import pytest

from interchange.tests.import_api.helpers import GOOD_FILES, nothing_changes, post_import

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("zip", "BACKUP.ZIP"),
        ("zip", "spends_backup_2025-03-14.Zip"),
        ("json", "Data.JSON"),
        ("json", "export.Json"),
        ("csv", "PURCHASES.CSV"),
        ("csv", "purchases.cSv"),
    ],
)
def test_the_extension_check_ignores_case(api_client, household, kind, name):
    response = post_import(api_client, kind, name, GOOD_FILES[kind][1])

    assert response.status_code == 200, response.content
    assert response.json()["purchases_added"] >= 1


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        ("json", "export.txt"),
        ("json", "export.csv"),
        ("json", "export.json.exe"),
        ("json", "json"),
        ("json", "export"),
        ("csv", "purchases.json"),
        ("csv", "purchases.tsv"),
        ("csv", "purchases.csv.zip"),
        ("zip", "backup.tar.gz"),
        ("zip", "backup.json"),
        ("zip", "backup.zip.bak"),
    ],
)
def test_a_wrong_extension_answers_400_and_imports_nothing(
    api_client, household, tmp_path, kind, name
):
    with nothing_changes(tmp_path):
        response = post_import(api_client, kind, name, GOOD_FILES[kind][1])

    assert response.status_code == 400
    assert response.json() == {"detail": f"Expected a .{kind} file"}
