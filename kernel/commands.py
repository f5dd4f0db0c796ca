"""The base of the project's management commands: a progress bar on a terminal, a summary line."""

import sys

from django.core.management.base import BaseCommand

from kernel.progress import progress_bars


class SpendsCommand(BaseCommand):
    """A management command whose long work shows progress and ends with one summary line."""

    def execute(self, *args, **options):
        # Django wraps the output streams in an OutputWrapper that ends every write with a
        # newline; a progress bar redraws its line in place, so it is drawn on the stream itself.
        self._progress_stream = options.get("stderr") or sys.stderr
        return super().execute(*args, **options)

    def progress(self, *, log: bool = False):
        """A `progress(stage, done, total)` context for the services (see `progress_bars`)."""
        return progress_bars(self._progress_stream, log=log)

    def summary(self, message: str) -> None:
        """The command's last word: what it did, on standard output."""
        self.stdout.write(self.style.SUCCESS(message))
