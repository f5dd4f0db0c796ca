from typing import Literal

from ninja import Schema
from pydantic import Field

from spends_tracker.schemas import BodySchema


class ResetIn(BodySchema):
    confirm: Literal["DELETE"] | None = Field(
        None,
        description='Must be "DELETE" while no restore point is taken before a reset.',
    )


class ResetDetails(Schema):
    database_cleared: bool
    uploads_deleted: int


class ResetOut(Schema):
    success: bool
    message: str
    details: ResetDetails
    restore_point_id: str | None = Field(
        description="Id of the backup taken just before the reset (none yet: backups to come)."
    )
