from pathlib import Path

from django.core.management.base import CommandError

from interchange import imports
from interchange.mapping import mapping_from_file, preset, preset_names
from kernel.commands import SpendsCommand

IMPORTERS = {"json": imports.import_json, "csv": imports.import_csv, "zip": imports.import_zip}


class Command(SpendsCommand):
    help = (
        "Import a JSON export, a CSV of purchases or a ZIP archive (with its files) into the "
        "data. Records whose id exists are skipped (--mode update: updated); nothing is deleted. "
        "The file is checked first and imported in one transaction: on failure nothing changes. "
        "Any other spreadsheet (.csv, .xlsx) imports through a column mapping: --from names a "
        "preset for another tracker's export or a mapping file (docs/importing.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import.")
        parser.add_argument(
            "--format",
            choices=sorted(IMPORTERS),
            help="The file's format (default: from its extension).",
        )
        parser.add_argument(
            "--from",
            dest="mapping",
            metavar="PRESET|MAPPING.json",
            help=f"Read a spreadsheet through a preset ({', '.join(preset_names())}) or a "
            "mapping file; an .xlsx file without it is read through the mapping guessed from "
            "its header.",
        )
        parser.add_argument("--mode", choices=imports.MODES, default="skip")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check everything and report what would happen; write nothing.",
        )

    def handle(self, *args, file, format, mapping, mode, dry_run, verbosity, **options):
        path = Path(file)
        format = format or path.suffix.lower().lstrip(".")
        if mapping or format == "xlsx":
            importer = self._spreadsheet_importer(path, mapping)
        elif format in IMPORTERS:
            importer = IMPORTERS[format]
        else:
            raise CommandError(
                f"Cannot tell the format of {path.name}: use --format json|csv|zip, or --from."
            )
        try:
            stream = path.open("rb")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        try:
            with stream, self.progress() as progress:
                report = importer(
                    stream, mode=mode, dry_run=dry_run, progress=progress, source=path.name
                )
        except imports.ImportRejected as error:
            # One line, whatever the file put into the message.
            raise CommandError(" ".join(f"{path.name}: {error}".split())) from None
        details = report.as_dict()
        for message in details["errors"]:
            self.stderr.write(f"error: {message}")
        for message in details["warnings"] if verbosity > 1 else details["warnings"][:20]:
            self.stderr.write(f"warning: {message}")
        if verbosity < 2 and len(details["warnings"]) > 20:
            self.stderr.write(f"… {len(details['warnings']) - 20} more warnings (-v 2 shows them)")
        verb = "Would import" if dry_run else "Imported"
        self.summary(f"{verb} {path.name}: {report.summary()}")

    def _spreadsheet_importer(self, path: Path, source: str | None):
        """`import_spreadsheet` with the mapping --from names (None: the guess)."""
        try:
            if source is None:
                mapping = None
            elif source.lower().endswith(".json"):
                mapping = mapping_from_file(Path(source))
            else:
                mapping = preset(source)
        except imports.ImportRejected as error:
            raise CommandError(" ".join(str(error).split())) from None

        def importer(stream, **options):
            return imports.import_spreadsheet(
                stream, filename=path.name, mapping=mapping, **options
            )

        return importer
