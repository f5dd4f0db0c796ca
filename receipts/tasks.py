"""Tasks run by the worker (`manage.py spends_worker`): reading one receipt."""

from django_tasks import task

from receipts.readings import reading_run


@task()
def read_receipt(reading_id: str, mime_type: str) -> None:
    reading_run(reading_id=reading_id, mime_type=mime_type)
