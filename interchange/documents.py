"""The JSON document of an import file or an archive's data.json, read a section at a time.

A JSON export of 100,000 purchases parsed whole takes several hundred megabytes. Read as a
stream (ijson), the document is checked in one pass, and each section's records are then walked
when they are imported, so memory stays flat whatever the size of the file.
"""

import codecs
import json
from collections.abc import Callable, Iterator
from decimal import Decimal

import ijson
from django.utils.translation import gettext

from interchange.formats import FORMAT_VERSION

# In the order they import: a claim needs its warranty, a file the claim it documents.
SECTIONS = ("retailers", "brands", "purchases", "warranties", "claims", "files")
# An export nests three deep (object, section, record); hand-edited files may add a little.
MAX_DEPTH = 32


class ImportRejected(Exception):
    """The file cannot be imported at all; nothing was changed. The message says why."""


class Document:
    """A checked JSON export: its format version, settings, and records section by section."""

    version: int = 1
    settings = None
    counts: dict[str, int]

    def records(self, section: str) -> Iterator:
        raise NotImplementedError


class DictDocument(Document):
    """A document already in memory (what `json_document` returns, checked)."""

    def __init__(self, data: dict):
        self.data = data
        self.version = data.get("format_version", 1)
        self.settings = data.get("settings")
        self.counts = {key: len(data[key]) for key in SECTIONS}

    def records(self, section: str) -> Iterator:
        # "audit" is optional (older files have none) and never checked beforehand.
        return iter(self.data.get(section) or [])


class StreamedDocument(Document):
    """A document read from a stream: OPEN returns the binary stream afresh for each pass.

    The first pass checks the whole document (JSON syntax, the shape of the export) and counts
    the records; a file that fails is parsed whole once more by `json_document`, for the exact
    place of its error.
    """

    def __init__(self, open_stream: Callable):
        self.open_stream = open_stream
        try:
            self._check()
        except (ijson.JSONError, UnicodeDecodeError, ValueError):
            self._rejected_with_reason()

    def _stream(self):
        stream = self.open_stream()
        head = stream.read(len(codecs.BOM_UTF8))
        return _Prefixed(b"" if head == codecs.BOM_UTF8 else head, stream)

    def _check(self) -> None:
        self.counts = dict.fromkeys(SECTIONS, 0)
        present, version = set(), 1
        with self._stream() as stream:
            # ijson.parse would name every event's path, each as long as its depth: a few
            # hundred kilobytes of "[[[[…" would take gigabytes. The path is followed here
            # instead, and only as deep as an export goes.
            events = ijson.basic_parse(stream)
            first = next(events, None)
            if first is None or first[0] != "start_map":
                raise ImportRejected(
                    gettext(
                        "The file is not a Spends Tracker export: its top level is not an object."
                    )
                )
            path: list = [None]  # map keys and "item"s from the top object to the value
            for event, value in events:
                if event == "map_key":
                    path[-1] = value
                    continue
                if event in ("end_map", "end_array"):
                    path.pop()
                prefix = ".".join(map(str, path)) if len(path) <= 2 else ""
                if event == "start_map":
                    path.append(None)
                elif event == "start_array":
                    path.append("item")
                if len(path) > MAX_DEPTH:
                    raise ImportRejected(
                        gettext(
                            "The file is not a Spends Tracker export: its values nest more than "
                            "%(depth)s levels deep."
                        )
                        % {"depth": MAX_DEPTH}
                    )
                if prefix == "format_version":
                    scalar = event in ("number", "boolean", "null", "string")
                    version = value if scalar else f"<{event}>"
                elif prefix in SECTIONS and event != "end_array":
                    if event not in ("start_array", "null"):
                        raise ImportRejected(_not_a_list(prefix))
                    present.add(prefix)
                elif (
                    prefix.endswith(".item")
                    and prefix[:-5] in SECTIONS
                    and event not in ("end_map", "end_array")  # one per record
                ):
                    self.counts[prefix[:-5]] += 1
        self.version = check_version(version)
        if not present:
            raise ImportRejected(_no_section())
        if self.version >= 2:
            with self._stream() as stream:
                self.settings = next(ijson.items(stream, "settings"), None)

    def _rejected_with_reason(self):
        with self._stream() as stream:
            raw = stream.read()
        data = json_document(raw)  # raises ImportRejected saying where the file is wrong
        # The stream parser refused what Python's parser reads (NaN, say): use that reading.
        self.__class__ = DictDocument
        DictDocument.__init__(self, data)

    def records(self, section: str) -> Iterator:
        with self._stream() as stream:
            yield from ijson.items(stream, f"{section}.item")


class _Prefixed:
    """A binary stream with HEAD (the bytes read from it to look for a BOM) put back."""

    def __init__(self, head: bytes, stream):
        self.head, self.stream = head, stream

    def read(self, size: int = -1) -> bytes:
        if not self.head:
            return self.stream.read(size)
        if size is None or size < 0:
            data, self.head = self.head + self.stream.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        if len(data) < size:
            data += self.stream.read(size - len(data))
        return data

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stream.close()


class rewound:
    """FILE from its start, for one more pass; closing it leaves FILE open."""

    def __init__(self, file):
        file.seek(0)
        self.file = file

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def close(self) -> None:
        pass


def _not_a_list(section: str) -> str:
    return gettext('"%(section)s" must be a list of records.') % {"section": section}


def _no_section() -> str:
    return gettext("The file is not a Spends Tracker export: it has none of %(sections)s.") % {
        "sections": ", ".join(SECTIONS)
    }


def check_version(version) -> int:
    if isinstance(version, Decimal):  # how the stream parser reads 2.5
        version = float(version)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ImportRejected(
            gettext("format_version %(version)s is not a format version.")
            % {"version": repr(version)}
        )
    if version > FORMAT_VERSION:
        raise ImportRejected(
            gettext(
                "The file has format version %(version)s, written by a newer Spends Tracker; "
                "this one reads versions 1 to %(newest)s."
            )
            % {"version": version, "newest": FORMAT_VERSION}
        )
    return version


def json_document(raw: bytes) -> dict:
    """Parse a JSON export whole and check its shape; raise ImportRejected when it is not one."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            gettext("The file is not UTF-8 text (invalid byte at position %(position)s).")
            % {"position": error.start}
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRejected(
            gettext("The file is not valid JSON: %(error)s: line %(line)s, column %(column)s.")
            % {"error": error.msg, "line": error.lineno, "column": error.colno}
        ) from None
    except (ValueError, RecursionError) as error:
        raise ImportRejected(
            gettext("The file is not valid JSON: %(error)s.") % {"error": error}
        ) from None
    if not isinstance(data, dict):
        raise ImportRejected(
            gettext("The file is not a Spends Tracker export: its top level is not an object.")
        )
    data["format_version"] = check_version(data.get("format_version", 1))
    if not any(key in data for key in SECTIONS):
        raise ImportRejected(_no_section())
    for key in SECTIONS:
        if data.get(key) is None:
            data[key] = []
        elif not isinstance(data[key], list):
            raise ImportRejected(_not_a_list(key))
    return data
