from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from joinedup.core.worker import ResilientWorker


class Command(DBWorkerCommand):
    help = (
        "Run a task worker that survives database outages (reconnects with back-off) and records "
        "a heartbeat for /healthz. Takes db_worker's options."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--heartbeat", type=float, default=10, help="Seconds between heartbeats (default: %(default)s)."
        )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        heartbeat,
        **options,
    ):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        worker = ResilientWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            heartbeat_seconds=heartbeat,
        )
        worker.configure_signals()
        worker.run()
