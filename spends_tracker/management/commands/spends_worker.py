from pathlib import Path

from django_tasks_db.management.commands import db_worker

from kernel.heartbeats import HeartbeatThread
from spends_tracker.worker import PatientWorker


class Command(db_worker.Command):
    help = (
        "Run the background jobs (backups, restores) queued in the database until stopped, "
        "with a heartbeat; on SQLite it waits while another process writes, never exits on it. "
        "It never reloads on code changes (--reload is ignored)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat-file",
            type=Path,
            help="Touch this file with each heartbeat (for a container health check).",
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        max_tasks,
        backend_name,
        startup_delay,
        worker_id,
        exclude_queues,
        heartbeat_file,
        **options,
    ):
        self.configure_logging(verbosity)
        worker = PatientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        heartbeat = HeartbeatThread("worker", file=heartbeat_file)
        heartbeat.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            heartbeat.stop()
