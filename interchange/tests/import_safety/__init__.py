"""Malformed and hostile import files (docs/api.md §5.10, §6.3, §6.5, §9.16).

A fatal problem (unreadable file, wrong shape, unsafe or damaged archive, crash) must change
nothing: neither a database row nor a file, in the blob store or anywhere else. Each test seeds a
household first, so that "unchanged" is a comparison with real data, and asserts that the error
names what was wrong (the line, the record, the archive entry). Problems with single records are
not fatal: those records are skipped and reported, the rest is imported.

A folder of its own because its `household` (conftest.py) is not the one of the other import and
export tests, and its temporary files go to a folder each test can list.
"""
