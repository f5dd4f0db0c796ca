"""The import endpoints (docs/api.md §5.10, §6.4, §2.6, §1.3) and `manage.py backups_import`.

POST /api/import/json|csv|zip take one multipart part `file`; the extension of its name decides
whether it is accepted (case-insensitive). A good file answers 200 with the report of
docs/api.md §6.4; a file that cannot be imported answers 400 with a string `detail` and changes
nothing. The command runs the same importer on a file on disk and fails with a one-line
CommandError.

A folder of its own because its autouse `incoming_folder` (conftest.py) creates the folder uploads
stream to for these tests only, so that their before/after comparisons of folders are exact.
"""
