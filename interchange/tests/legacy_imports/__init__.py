"""Files written by the existing (legacy) application import completely (docs/api.md §6.1 to §6.5).

The fixtures are built in helpers.py from the format description: a version 1 JSON export (flat
records, keys in random order, enums as `WarrantyStatus.X` / `FileType.X`, naive space-separated
datetimes, prices as strings with any number of decimals), the 13-column CSV export, and the ZIP
archive (pretty-printed data.json, a verbatim copy of the upload store, no manifest). Each test
checks one importer rule of docs/api.md §6.5 against what is in the database afterwards.

A folder of its own because its `household` (conftest.py) is not the one of the other import and
export tests: it overrides the one of interchange/tests/conftest.py for these tests only.
"""
