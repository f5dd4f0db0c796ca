"""`manage.py backups_import`: the name `interchange_import` had before import and export left
the backups app, kept so that scripts and the documents people follow go on working.

It is the same command, under the backups app whose prefix the name carries.
"""

from interchange.management.commands import interchange_import


class Command(interchange_import.Command):
    help = f"{interchange_import.Command.help} (Another name for interchange_import.)"
