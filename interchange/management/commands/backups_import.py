"""`manage.py backups_import`: the name `interchange_import` had before import and export left
the backups app, kept so that scripts and the documents people follow go on working.

Commands are named `<app>_<verb>` (docs/architecture.md §1); this one is the exception, an alias
with exactly the behaviour of interchange_import.
"""

from interchange.management.commands import interchange_import


class Command(interchange_import.Command):
    help = f"{interchange_import.Command.help} (Another name for interchange_import.)"
