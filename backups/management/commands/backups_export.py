"""`manage.py backups_export`: the name `interchange_export` had before import and export left
the backups app, kept so that scripts and the documents people follow go on working.

It is the same command, under the backups app whose prefix the name carries.
"""

from interchange.management.commands import interchange_export


class Command(interchange_export.Command):
    help = f"{interchange_export.Command.help} (Another name for interchange_export.)"
