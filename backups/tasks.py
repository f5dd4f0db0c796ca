"""Tasks run by the worker (`manage.py spends_worker`): each runs one backup or restore job."""

from django_tasks import task

from backups.runner import job_run


@task()
def run_job(job_id: str) -> None:
    job_run(job_id)
