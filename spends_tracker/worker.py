"""The job worker (`manage.py spends_worker`): django-tasks' database worker, made to last.

Two things are added to the library's worker: a heartbeat (kernel/heartbeats.py), so
the pages and /api/health can tell when it stopped, and patience with SQLite: while another
process holds the database's write lock (a long import), the library's worker can fail to begin
its exclusive transaction and exit for good; this one waits and tries again.
"""

import logging
import signal
import time

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.utils import is_locked_database_exception

logger = logging.getLogger(__name__)

# Seconds to wait before looking for work again after the database was locked.
LOCKED_PAUSE_SECONDS = 1.0


class PatientWorker(Worker):
    def shutdown(self, signum: int, frame) -> None:
        """Stop after the current step, never in the middle of a database call.

        The library's worker exits at once when no task runs; the signal can land inside the
        transaction that looks for work, and the interrupted commit leaves a traceback behind.
        Here the loop notices within one interval and ends as after a task. A second signal
        still stops at once, as in the library.
        """
        if not self.running:
            super().shutdown(signum, frame)
            return
        logger.warning("Received %s - stopping after the current step.", signal.strsignal(signum))
        self.running = False

    def run(self) -> None:
        while self.running:
            try:
                super().run()
                return
            except OperationalError as error:
                if not is_locked_database_exception(error):
                    raise
                logger.warning(
                    "The database is locked by another writer; looking again in %.0f s",
                    LOCKED_PAUSE_SECONDS,
                )
                self.startup_delay = False
                close_old_connections()
                time.sleep(LOCKED_PAUSE_SECONDS)
