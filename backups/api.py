import json

from ninja import Router
from ninja.errors import HttpError

from backups.schemas import ResetIn, ResetOut
from backups.services import data_reset_all
from spends_tracker.schemas import COMMON_ERRORS

router = Router(tags=["Data management"])

CONFIRMATION_REQUIRED = (
    "Resetting deletes all purchases, warranties, retailers, brands and settings, and no backup "
    'is taken first yet. Send {"confirm": "DELETE"} to go ahead.'
)


def _confirmation(request) -> str | None:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return None
    return body.get("confirm") if isinstance(body, dict) else None


@router.post(
    "/data/reset-all",
    response={200: ResetOut, **COMMON_ERRORS},
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ResetIn.model_json_schema()}},
        }
    },
)
def reset_all(request):
    """Delete all data (not user accounts). Requires the body {"confirm": "DELETE"}.

    Until backups exist, nothing takes a restore point before the reset, so the request must
    say explicitly that the data may go: anything else answers 400 and deletes nothing.
    """
    if _confirmation(request) != "DELETE":
        raise HttpError(400, CONFIRMATION_REQUIRED)
    deleted = data_reset_all()
    return {
        "success": True,
        "message": "Everything was deleted",
        "details": {"database_cleared": True, "uploads_deleted": deleted["uploads_deleted"]},
        "restore_point_id": None,
    }
