"""The import and export commands under their names and under the names they had before."""

import io
import json

import pytest
from django.core.management import call_command, get_commands, load_command_class

from purchases.tests.factories import PurchaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("old", "new"),
    [("backups_import", "interchange_import"), ("backups_export", "interchange_export")],
)
def test_the_old_command_names_run_the_interchange_commands(old, new):
    commands = get_commands()
    alias = load_command_class(commands[old], old)
    assert isinstance(alias, type(load_command_class(commands[new], new)))


def test_both_names_export_the_same_records(tmp_path):
    PurchaseFactory(product_name="Kettle")
    exports = []
    for name in ("interchange_export", "backups_export"):
        target = tmp_path / f"{name}.json"
        call_command(name, "--format", "json", "-o", str(target), stderr=io.StringIO())
        exports.append(json.loads(target.read_text())["purchases"])
    assert exports[0] == exports[1]
    assert [purchase["product_name"] for purchase in exports[0]] == ["Kettle"]
