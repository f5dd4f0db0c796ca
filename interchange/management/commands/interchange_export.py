import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import CommandError

from interchange.archive import export_zip
from interchange.exports import export_csv_chunks, export_json_chunks
from kernel.commands import SpendsCommand


class Command(SpendsCommand):
    help = (
        "Export everything as JSON or ZIP (with the attachment files), or the purchases as CSV, "
        "to a file or to standard output. The file appears only once it is complete."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "csv", "zip"], default="json")
        parser.add_argument(
            "--output", "-o", default="-", help="File to write (default: standard output)."
        )

    def handle(self, *args, format, output, **options):
        if output == "-":
            try:
                self._write(format, sys.stdout.buffer)
                sys.stdout.buffer.flush()
            except BrokenPipeError:
                # The reader stopped reading (`| head`): nothing is wrong with the export.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                self._write(format, stream)
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        size = target.stat().st_size
        self.stderr.write(
            self.style.SUCCESS(f"Wrote {format.upper()} export to {target} ({size:,} bytes).")
        )

    def _write(self, format: str, stream) -> None:
        # Bars go to standard error, and only on a terminal: the export may be on standard output.
        with self.progress() as progress:
            if format == "zip":
                manifest = export_zip(stream, progress=progress)
            else:
                export = export_json_chunks if format == "json" else export_csv_chunks
                for chunk in export(progress):
                    stream.write(chunk.encode())
        if format == "zip":
            counts = ", ".join(f"{n} {key}" for key, n in manifest["record_counts"].items())
            self.stderr.write(f"{counts}; {len(manifest['blobs'])} stored files")
