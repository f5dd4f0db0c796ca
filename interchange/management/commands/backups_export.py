"""`manage.py backups_export`: the name `interchange_export` had before import and export left
the backups app, kept so that scripts and the documents people follow go on working.

Commands are named `<app>_<verb>` (docs/architecture.md §1); this one is the exception, an alias
with exactly the behaviour of interchange_export.
"""

from interchange.management.commands import interchange_export


class Command(interchange_export.Command):
    help = f"{interchange_export.Command.help} (Another name for interchange_export.)"
