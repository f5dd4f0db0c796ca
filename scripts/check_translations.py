"""The translation checks of `make lint`, and the commands that keep the catalogues (docs/i18n.md).

    python scripts/check_translations.py            both checks; one line per finding, exit 1
    python scripts/check_translations.py --update   extract the strings into locale/ (makemessages)
    python scripts/check_translations.py --compile  write the .mo files from the .po files

1. Templates: no visible literal outside the translation tags. Text between tags, and the values
   of the attributes people read or hear (title, aria-label, placeholder, alt), must come from
   `{% translate %}`, `{% blocktranslate %}`, a variable or another tag. Templates listed in
   UNTRANSLATED (those not converted yet) are skipped; a listed template that has become clean
   is a finding too, so that the list only shrinks.
2. Catalogues: for each shipped language, the messages are exactly those the code marks today
   (extracted afresh with Django's makemessages, which needs GNU gettext's xgettext), each with a
   translation (every plural form), none fuzzy, the placeholders of the English kept, and the
   compiled .mo in step with its .po (the .mo files are committed: a fresh checkout, the tests
   and the image need no compiler).

No maintained tool checks Django templates for untranslated text (django-template-i18n-lint was
last released in 2015, djlint has no such rule), hence this one, on Django's own template lexer.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LOCALE = ROOT / "locale"
UNTRANSLATED = LOCALE / "untranslated_templates.txt"
LANGUAGES = ["de", "fr", "es", "nl"]
DOMAINS = ["django", "djangojs"]
# What makemessages must not read: other people's code, build output, the tests.
MAKEMESSAGES_IGNORE = [
    ".venv",
    "node_modules",
    "static/vendor",
    "staticfiles",
    "build",
    "data",
    "bench",
    "tests",
    "*/tests/*",
]
SPOKEN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
# Tags whose content is not read as text: scripts, styles, and what the translation tags hold.
SILENT_ELEMENTS = {"script", "style"}
# Stands for a variable, a tag or a translated string in the skeleton: no letter, yet allowed in
# a tag's or an attribute's name (`<fieldset{% if x %} disabled{% endif %}>`).
OPAQUE = "_"
# A block that fills an attribute, by the project's convention (`{% block main_class %}`).
ATTRIBUTE_BLOCK = re.compile(r"^\s*block\s+\w+_class\b")
LETTER = re.compile(r"[^\W\d_]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
BLOCK_TAG = re.compile(r"^\s*(\w+)")


# --- 1. Templates -------------------------------------------------------------------------------


def template_skeleton(source: str) -> str:
    """SOURCE with every variable and tag replaced by OPAQUE, translated blocks and comments
    included, and the lines kept, so that what is left of the HTML is the template's literals.

    Split as Django's own Lexer splits a template (`tag_re`)."""
    from django.template.base import tag_re

    parts = []
    silent_until = None  # the closing tag of a block whose content is not literal text
    for bit in tag_re.split(source):
        newlines = "\n" * bit.count("\n")
        if bit.startswith("{%") and bit.endswith("%}"):
            name = (BLOCK_TAG.match(bit[2:-2]) or [None, ""])[1]
            if silent_until:
                if name == silent_until:
                    silent_until = None
                    parts.append(OPAQUE)
                parts.append(newlines)
                continue
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                silent_until = {"comment": "endcomment", "verbatim": "endverbatim"}.get(
                    name, "end" + name
                )
            elif ATTRIBUTE_BLOCK.match(bit[2:-2]):
                silent_until = "endblock"
            parts.append(OPAQUE + newlines)
        elif bit.startswith("{{") and bit.endswith("}}"):
            parts.append(newlines if silent_until else OPAQUE + newlines)
        elif bit.startswith("{#") and bit.endswith("#}"):
            parts.append(newlines)
        else:
            parts.append(newlines if silent_until else bit)
    # A tag's name chosen by a tag (`<{% if href %}a{% else %}button{% endif %}`) stays a tag.
    return re.sub(rf"<(/?){OPAQUE}", r"<\1x", "".join(parts))


class _LiteralFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.silent = 0

    def handle_starttag(self, tag, attrs):
        if tag in SILENT_ELEMENTS:
            self.silent += 1
        for name, value in attrs:
            if name in SPOKEN_ATTRIBUTES and value and _is_text(value):
                self.found.append((self.getpos()[0], f'{name}="{_shown(value)}"'))

    def handle_endtag(self, tag):
        if tag in SILENT_ELEMENTS and self.silent:
            self.silent -= 1

    def handle_data(self, data):
        if not self.silent and _is_text(data):
            self.found.append(
                (
                    self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n"),
                    _shown(data),
                )
            )


def _is_text(value: str) -> bool:
    return bool(LETTER.search(value.replace(OPAQUE, "")))


def _shown(value: str) -> str:
    return " ".join(value.replace(OPAQUE, "…").split())[:70]


def template_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each literal of SOURCE that is not marked for translation."""
    finder = _LiteralFinder()
    finder.feed(template_skeleton(source))
    finder.close()
    return finder.found


def untranslated_list(path: Path = UNTRANSLATED) -> set[str]:
    if not path.exists():
        return set()
    lines = (line.split("#")[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def check_templates(root: Path = TEMPLATES, listed: set[str] | None = None) -> list[str]:
    """One finding per unmarked literal of the templates under ROOT not LISTED as unconverted,
    and one per listed template that has none (take it off the list)."""
    listed = untranslated_list() if listed is None else listed
    findings = []
    seen = set()
    for path in sorted(root.rglob("*.html")):
        name = path.relative_to(root).as_posix()
        literals = template_literals(path.read_text(encoding="utf-8"))
        if name in listed:
            seen.add(name)
            if not literals:
                findings.append(
                    f"templates/{name}: has no unmarked text: take it off {UNTRANSLATED.name}"
                )
            continue
        findings += [
            f"templates/{name}:{line}: not marked for translation: {text}"
            for line, text in literals
        ]
    findings += [f"{UNTRANSLATED.name}: {name} is no template" for name in sorted(listed - seen)]
    return findings


# --- 2. Catalogues ------------------------------------------------------------------------------


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spends_tracker.settings")
    import django

    django.setup()


def makemessages(locale_dir: Path, languages: list[str]) -> None:
    """Extract every marked string of the project into LOCALE_DIR's catalogues of LANGUAGES
    (the translations already there are merged in by makemessages itself)."""
    from django.core.management import call_command
    from django.test.utils import override_settings

    if not shutil.which("xgettext"):
        raise SystemExit("xgettext is missing: install GNU gettext (make lint installs it).")
    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        # makemessages writes each file's strings to the locale folder nearest it, so it reads
        # the project through links from a folder whose only locale folder is LOCALE_DIR.
        tree = Path(scratch)
        for item in ROOT.iterdir():
            if item.name != "locale" and not item.name.startswith("."):
                (tree / item.name).symlink_to(item)
        (tree / "locale").symlink_to(locale_dir.resolve(), target_is_directory=True)
        os.chdir(tree)
        try:
            with override_settings(LOCALE_PATHS=[str(tree / "locale")]):
                for domain in DOMAINS:
                    call_command(
                        "makemessages",
                        locale=languages,
                        domain=domain,
                        ignore_patterns=MAKEMESSAGES_IGNORE,
                        symlinks=True,
                        no_obsolete=True,
                        verbosity=0,
                    )
        finally:
            os.chdir(cwd)


def _read(path: Path):
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def _keys(catalog) -> set:
    return {(message.context, message.id) for message in catalog if message.id}


def _messages(catalog) -> dict:
    """(context, id) → translation of CATALOG, plural ids and forms as tuples."""

    def frozen(value):
        return tuple(value) if isinstance(value, list | tuple) else value

    return {
        (m.context, frozen(m.id)): frozen(m.string)
        for m in catalog
        if m.id and all(_strings(m)) and not m.fuzzy
    }


def _strings(message) -> tuple:
    return tuple(message.string) if isinstance(message.string, list | tuple) else (message.string,)


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text or ""))


def _placeholder_findings(message) -> list[str]:
    """The placeholders a translation lost or made up ("%(count)s", "{date}")."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = _strings(message)
    wanted = [_placeholders(ids[-1])] * len(strings)
    if len(ids) == 1:
        wanted = [_placeholders(ids[0])]
    else:  # a language's "one" form may say "a day" rather than "1 day"
        wanted[:-1] = [None] * (len(strings) - 1)
    known = set().union(*(_placeholders(i) for i in ids))
    findings = []
    for string, needed in zip(strings, wanted, strict=False):
        found = _placeholders(string)
        if found - known or (needed is not None and found != needed):
            findings.append(f"{ids[0]!r}: the placeholders of {string!r} are not the English's")
    return findings


def catalogue_findings(path: Path, source_keys: set | None = None) -> list[str]:
    """What is wrong with the catalogue at PATH: untranslated, fuzzy or mismatched messages,
    messages the code no longer has or does not have yet (SOURCE_KEYS, the extraction's), and
    a stale .mo."""
    from babel.messages.mofile import read_mo

    catalog = _read(path)
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    findings = []
    for message in catalog:
        if not message.id:
            continue
        strings = _strings(message)
        name = message.id[0] if isinstance(message.id, tuple) else message.id
        if not all(strings):
            findings.append(f"{where}: no translation of {name!r}")
        elif message.fuzzy:
            findings.append(f"{where}: fuzzy translation of {name!r}")
    for message, errors in catalog.check():
        findings += [f"{where}: {message.id!r}: {error}" for error in errors]
    for message in catalog:
        if message.id and all(_strings(message)):
            findings += [f"{where}: {finding}" for finding in _placeholder_findings(message)]
    if source_keys is not None:
        keys = _keys(catalog)
        findings += [
            f"{where}: missing {key[1]!r}: run --update"
            for key in sorted(source_keys - keys, key=str)
        ]
        findings += [
            f"{where}: no longer in the code: {key[1]!r}: run --update"
            for key in sorted(keys - source_keys, key=str)
        ]
    mo = path.with_suffix(".mo")
    if not mo.exists():
        return [*findings, f"{where}: no .mo: run --compile"]
    with mo.open("rb") as file:
        compiled = _messages(read_mo(file))
    if compiled != _messages(catalog):
        findings.append(f"{where}: the .mo is not in step with the .po: run --compile")
    return findings


def check_catalogues(locale_dir: Path = LOCALE, languages: list[str] = LANGUAGES) -> list[str]:
    """Extract the project's strings afresh and hold each shipped catalogue against them."""
    findings = []
    with tempfile.TemporaryDirectory() as scratch:
        makemessages(Path(scratch), ["de"])
        for domain in DOMAINS:
            fresh = Path(scratch) / "de" / "LC_MESSAGES" / f"{domain}.po"
            source_keys = _keys(_read(fresh)) if fresh.exists() else set()
            for language in languages:
                path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
                if not path.exists():
                    findings.append(f"{path.relative_to(ROOT)}: missing: run --update")
                    continue
                findings += catalogue_findings(path, source_keys)
    return findings


def compile_catalogues(locale_dir: Path = LOCALE) -> None:
    """Write each .po's .mo with Babel (no msgfmt needed)."""
    from babel.messages.mofile import write_mo

    for path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        catalog = _read(path)
        with path.with_suffix(".mo").open("wb") as file:
            write_mo(file, catalog)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="extract the strings into locale/")
    parser.add_argument("--compile", action="store_true", help="write the .mo files")
    options = parser.parse_args()
    _setup_django()
    if options.update:
        makemessages(LOCALE, LANGUAGES)
    if options.compile:
        compile_catalogues()
    if options.update or options.compile:
        return 0
    findings = check_templates() + check_catalogues()
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
