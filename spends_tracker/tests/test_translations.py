"""The translation check of `make lint` (scripts/check_translations.py), on small cases."""

import importlib.util
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check_translations.py"
spec = importlib.util.spec_from_file_location("check_translations", SCRIPT)
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)


def literals(source: str) -> list[str]:
    return [text for _line, text in check.template_literals(source)]


def test_text_between_tags_must_be_marked():
    assert literals("<p>Hello there</p>") == ["Hello there"]
    assert literals('{% load i18n %}<p>{% translate "Hello there" %}</p>') == []


def test_text_beside_a_variable_is_still_a_literal():
    assert literals("<td>{{ count }} days left</td>") == ["… days left"]


def test_the_attributes_people_read_must_be_marked_and_the_others_not():
    source = '<input placeholder="e.g. 90" class="form-control" name="days" aria-label="{{ x }}">'
    assert literals(source) == ['placeholder="e.g. 90"']
    assert literals('<img alt="{% translate \'Logo\' %}" src="a.png" title="{{ t }}">') == []


def test_translated_blocks_comments_scripts_and_attribute_blocks_are_not_text():
    source = """{% load i18n %}{% comment %}Notes for people{% endcomment %}{# a note #}
<p>{% blocktranslate with n=3 %}{{ n }} items
over two lines{% endblocktranslate %}</p>
<script>const words = "not read";</script>
{% block main_class %}container py-4{% endblock %}
<{% if href %}a href="{{ href }}"{% else %}button{% endif %} class="btn">{{ label }}</a>
<fieldset{% if off %} disabled{% endif %}>—</fieldset>"""
    assert literals(source) == []


def test_a_finding_names_its_line(tmp_path):
    (tmp_path / "page.html").write_text("<div>\n  <p>\n    Unmarked words\n  </p>\n</div>\n")

    assert check.check_templates(tmp_path, listed=set()) == [
        "templates/page.html:3: not marked for translation: Unmarked words"
    ]


def test_listed_templates_are_skipped_and_a_clean_one_must_leave_the_list(tmp_path):
    (tmp_path / "old.html").write_text("<p>Still English</p>")
    (tmp_path / "done.html").write_text("<p>{{ only_data }}</p>")

    findings = check.check_templates(tmp_path, listed={"old.html", "done.html", "gone.html"})

    assert findings == [
        f"templates/done.html: has no unmarked text: take it off {check.UNTRANSLATED.name}",
        f"{check.UNTRANSLATED.name}: gone.html is no template",
    ]


def test_the_project_s_templates_pass_with_the_list_as_it_is():
    assert check.check_templates() == []


def write_catalogue(path: Path, messages, *, compile_it=True) -> Path:
    catalog = Catalog(locale="de")
    for message_id, string, flags in messages:
        catalog.add(message_id, string, flags=flags)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog)
    if compile_it:
        with path.with_suffix(".mo").open("wb") as file:
            write_mo(file, catalog)
    return path


@pytest.fixture
def po_path(tmp_path) -> Path:
    return tmp_path / "de" / "LC_MESSAGES" / "django.po"


def test_a_complete_catalogue_passes(po_path):
    path = write_catalogue(po_path, [("Save", "Speichern", ()), ("%(n)s days", "%(n)s Tage", ())])

    assert check.catalogue_findings(path, {(None, "Save"), (None, "%(n)s days")}) == []


def test_a_missing_translation_fails(po_path):
    path = write_catalogue(po_path, [("Save", "Speichern", ()), ("Cancel", "", ())])

    assert check.catalogue_findings(path) == [f"{path}: no translation of 'Cancel'"]


def test_a_fuzzy_translation_fails(po_path):
    path = write_catalogue(po_path, [("Save", "Sichern", ("fuzzy",))])

    assert check.catalogue_findings(path) == [f"{path}: fuzzy translation of 'Save'"]


def test_a_lost_placeholder_fails(po_path):
    path = write_catalogue(po_path, [("%(n)s days", "Tage", ("python-format",))])

    assert any("placeholders" in finding for finding in check.catalogue_findings(path))


def test_a_catalogue_behind_or_ahead_of_the_code_fails(po_path):
    path = write_catalogue(po_path, [("Save", "Speichern", ()), ("Gone", "Weg", ())])

    findings = check.catalogue_findings(path, {(None, "Save"), (None, "New")})

    assert findings == [
        f"{path}: missing 'New': run --update",
        f"{path}: no longer in the code: 'Gone': run --update",
    ]


def test_a_stale_compiled_catalogue_fails(po_path):
    write_catalogue(po_path, [("Save", "Speichern", ())])
    path = write_catalogue(po_path, [("Save", "Sichern", ())], compile_it=False)

    assert check.catalogue_findings(path) == [
        f"{path}: the .mo is not in step with the .po: run --compile"
    ]
