"""The one NinjaAPI instance, mounted at /api/; each app contributes its own router.

Cross-cutting rules of docs/api.md live here: authentication (§1.3), JSON errors with a string
`detail` (§2.6), the unauthenticated welcome and health routes (§5.12), and a catch-all route
that answers unknown paths with 401 before 404 (§9.18).
"""

import datetime
import functools
import logging
import re

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, ValidationError
from django.db import DataError, IntegrityError
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.formats import number_format
from django.utils.translation import gettext
from ninja import Field, NinjaAPI, Router, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from accounts.access import Access, required_access
from accounts.api import router as audit_router
from accounts.api_auth import API_AUTH, BearerToken, open_mode, role_check
from accounts.members_api import router as members_router
from analytics.api import router as analytics_router
from backups.api import router as backups_router
from catalog.api import router as catalog_router
from currencies.api import router as currencies_router
from interchange.api import router as interchange_router
from kernel.heartbeats import heartbeat_status
from kernel.renderers import ORJSONRenderer
from kernel.schemas import Schema
from preferences.api import router as preferences_router
from purchases.api import router as purchases_router
from purchases.blobs import FileTooLarge
from purchases.files_api import router as files_router
from receipts.api import router as receipts_router
from reminders.api import router as reminders_router
from spends_tracker.validation import readable_errors
from warranties.api import router as warranties_router

logger = logging.getLogger(__name__)

API_DESCRIPTION = """
Purchases, warranties, retailers, brands, attachments, analytics, settings, import/export and
backups of Spends Tracker.

**Authentication.** Send a personal API token (create one on the profile page, in the admin, or
with `manage.py accounts_token create --user NAME --name WHAT`) as
`Authorization: Bearer <token>`.
The application's own pages use the Django session and send the `X-CSRFToken` header on unsafe
methods. Without valid credentials every route answers 401, except `GET /api` and
`GET /api/health`.

**Roles.** Every account has a role in the household: `viewer` reads and exports, `editor`
also records purchases, warranties, files, retailers and brands, imports and starts backups,
`owner` does everything (reset, restore, deleting or downloading backups, the schedule,
household settings, members). Each operation names the role it needs in `x-required-role`; a
role below it answers 403 with a `detail` that says so (docs/access.md).

**Conventions.** Every path answers with and without a trailing slash, never with a redirect.
Ids are lower-case UUID strings; money is a string with two decimals on output and a number or a
string on input (rounded half-up); dates are `YYYY-MM-DD`. Unknown body fields are ignored.
Errors are JSON with a string `detail`, except request validation (422), whose `detail` is a list
of `{type, loc, msg}`. A malformed id in a path answers 404, like an unknown one.

**Decisions** (docs/api.md §9 gives them all, with the reasons).

- Request bodies must be JSON objects. In a `PUT`, `null` for a field that cannot be empty
  (`product_name`, `price`, `purchase_date`, `quantity`, `status`, …) leaves it unchanged; in a
  `POST` it takes the default. Blank optional text is stored as `null`.
- A `retailer_id` or `brand_id` that names no retailer or brand answers 422.
- A query parameter given more than once answers 422: none of them takes several values.
- `GET /api/purchases` also filters by `warranty_status` (effective status of the primary
  warranty), `tag` (substring of the tags) and `currency_code`, and orders by `sort`
  (`created_at`, `purchase_date`, `price`, `product_name`, `-` first for descending).
- `GET /api/purchases?search=` finds purchases containing every word of the search, each in any
  of the searched fields.
- `GET /api/warranties/expiring` returns at most `limit` warranties (default 100, at most 500),
  the soonest-ending first; the `X-Total-Count` header says how many there are in all.
- Warranty lists embed `purchase: {id, product_name, purchase_date}` and filter by `purchase_id`.
  Writing `status: ACTIVE` or `EXPIRED` to a voided warranty lifts the void; the effective status
  still follows the dates.
- `POST /api/data/reset-all` takes no body: it takes a restore point first (a backup, named by
  `restore_point_id`) and deletes nothing if that fails (500).
- `POST /api/backup/create` and `POST /api/backup/restore` answer 202 with the job object
  (docs/api.md §4.8), which also carries the `backup` it makes or restores;
  `GET /api/backup/status` adds the `job` under way (or the last one, if it failed).
  `POST /api/backup/{id}/verify` checks a stored archive without restoring it.
- Imports take `mode` (`skip`, default, or `update`) and `dry_run` (report only) as query
  parameters; reports also carry `*_updated`, `*_merged`, `*_skipped_existing`,
  `settings_applied`, `mode` and `dry_run`. A missing `currency_code` in a file takes the
  preferred currency. A ZIP entry outside the archive, a link, a file whose content does not match
  its name, or a disagreement with the manifest refuses the whole archive (400, nothing changed).
- Purchase and warranty objects add `created_by` and `updated_by`: the username of who added
  the record and of who changed it last (`null` when unknown, or before the first change).
- `GET /api/audit` (owners only) is the audit trail, newest first, in the pagination envelope;
  items are `{at, actor_name, action, target, details}`, filtered by `action` (a trailing `.`
  takes every action of a thing) and `actor` (docs/audit-trail.md). JSON exports and archives
  end with an `audit` section of the same items; imports ignore it, a restore merges it.
- `GET /api/deadlines` lists upcoming warranty ends and return deadlines. `/api/reminders/*` are
  the calling person's reminder preferences, test reminder and calendar feed URL; with the API
  open to everyone they answer 403 (there is no person).
"""


def docs_login_required(view):
    """Show the interactive docs to members who are logged in, and the schema to API clients.

    What a member needs comes from `accounts.access` like everywhere else (a viewer will do).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if open_mode(request):
            return view(request, *args, **kwargs)
        try:
            user = request.user if request.user.is_authenticated else BearerToken()(request)
            if user:
                role_check(request, user)
                return view(request, *args, **kwargs)
        except HttpError as exc:
            return JsonResponse({"detail": exc.message}, status=exc.status_code)
        if request.path_info.endswith("/docs"):
            return redirect_to_login(request.get_full_path())
        return JsonResponse({"detail": gettext("Authentication required")}, status=401)

    return wrapper


class SpendsTrackerApi(NinjaAPI):
    """The API, whose OpenAPI document says what role each operation needs (`accounts.access`).

    Each operation gains `x-required-role` (viewer, editor, owner, or public) and a sentence in
    its description, so a client knows before it calls what a 403 would mean.

    The document is built once per path prefix and kept: the routes and the access rules are
    fixed once the URLconf is loaded, and building it takes about 150 ms.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._openapi_schemas: dict[str, dict] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._openapi_schemas:
            self._openapi_schemas[path_prefix] = self._openapi_schema_build(path_prefix)
        return self._openapi_schemas[path_prefix]

    def _openapi_schema_build(self, path_prefix):
        schema = super().get_openapi_schema(path_prefix=path_prefix)
        for path, operations in schema.get("paths", {}).items():
            # "/api/backup/{backup_id}" is the route "api/backup/<backup_id>" of the URLconf.
            route = re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/"))
            for method, operation in operations.items():
                needed = required_access(route, method.upper())
                who = needed.value if isinstance(needed.value, str) else needed.name.lower()
                operation["x-required-role"] = needed.name.lower()
                if needed in (Access.VIEWER, Access.EDITOR, Access.OWNER):
                    line = f"Requires the role **{needed.name.lower()}** or higher."
                    if needed is Access.OWNER:
                        line = "Requires the role **owner**."
                    operation["description"] = (
                        operation.get("description", "").rstrip() + "\n\n" + line
                    ).strip()
                else:
                    operation["description"] = (
                        operation.get("description", "").rstrip() + f"\n\nOpen to {who}."
                    ).strip()
        return schema


api = SpendsTrackerApi(
    title="Spends Tracker API",
    version="1",
    description=API_DESCRIPTION,
    urls_namespace="api",
    auth=API_AUTH,
    docs_decorator=docs_login_required,
    renderer=ORJSONRenderer(),
)


# ninja's own sentences, in the request's language.
NINJA_MESSAGES = {"Cannot parse request body": lambda: gettext("Cannot parse request body")}


@api.exception_handler(AuthenticationError)
def authentication_required(request, exc):
    return api.create_response(request, {"detail": gettext("Authentication required")}, status=401)


@api.exception_handler(HttpError)
def http_error(request, exc):
    """ninja's answer to an HttpError, with a lazy message written in the request's language."""
    message = str(exc.message)
    if message in NINJA_MESSAGES:
        message = NINJA_MESSAGES[message]()
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(ValidationError)
def invalid_data(request, exc):
    """Report a service's ValidationError like request validation: 422 with a list.

    See docs/api.md §2.6.
    """
    errors = readable_errors(
        [
            {
                "type": "value_error",
                "loc": ["body"] if field == NON_FIELD_ERRORS else ["body", field],
                "msg": message,
            }
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    )
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(RequestValidationError)
def invalid_request(request, exc):
    """Request validation: 422 with the list, each `msg` in the user's words (docs/forms.md §1)."""
    return api.create_response(request, {"detail": readable_errors(exc.errors)}, status=422)


@api.exception_handler(MultiPartParserError)
def malformed_multipart(request, exc):
    return api.create_response(
        request,
        {"detail": gettext("The multipart request body is malformed: %(error)s") % {"error": exc}},
        status=400,
    )


def file_too_large_sentence(limit: int) -> str:
    """FileTooLarge's sentence ("File exceeds the 10 MB limit") in the request's language."""
    mib = 1024 * 1024
    if limit % mib == 0:
        return gettext("File exceeds the %(megabytes)s MB limit") % {"megabytes": limit // mib}
    return gettext("File exceeds the %(bytes)s bytes limit") % {
        "bytes": number_format(limit, force_grouping=True)
    }


@api.exception_handler(FileTooLarge)
def file_too_large(request, exc):
    return api.create_response(request, {"detail": file_too_large_sentence(exc.limit)}, status=413)


@api.exception_handler(RequestDataTooBig)
def body_too_large(request, exc):
    """A JSON body beyond DATA_UPLOAD_MAX_MEMORY_SIZE: refused before it is read (413)."""
    return api.create_response(
        request, {"detail": gettext("The request body is too large.")}, status=413
    )


@api.exception_handler(IntegrityError)
def conflicting_data(request, exc):
    logger.warning("Integrity error in %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request, {"detail": gettext("The change conflicts with existing data.")}, status=409
    )


@api.exception_handler(Exception)
def unexpected_error(request, exc):
    if isinstance(exc, ValueError | DataError) and "NUL (0x00)" in str(exc):
        # PostgreSQL text cannot hold NUL characters (in a body or a query parameter).
        error = {
            "type": "value_error",
            "loc": ["body"],
            "msg": gettext("Text cannot contain NUL characters."),
        }
        return api.create_response(request, {"detail": [error]}, status=422)
    logger.exception("Unhandled error in %s %s", request.method, request.path, exc_info=exc)
    return api.create_response(request, {"detail": gettext("Internal server error")}, status=500)


public_router = Router(tags=["Service"], auth=None)


class WelcomeOut(Schema):
    name: str
    version: str
    docs: str


class ProcessHealthOut(Schema):
    last_seen: datetime.datetime | None = Field(description="Its last heartbeat (UTC).")
    age_seconds: int | None
    late: bool = Field(description="Silent for more than two of its heartbeat intervals.")


class HealthOut(Schema):
    status: str
    background: dict[str, ProcessHealthOut] | None = Field(
        None, description="The scheduler's and the worker's heartbeats."
    )
    late: list[str] = Field(
        default_factory=list, description="The background processes that are late."
    )


@public_router.get("", response=WelcomeOut, summary="Welcome", operation_id="welcome")
def welcome(request):
    return {"name": "Spends Tracker API", "version": api.version, "docs": "/api/docs"}


@public_router.get("/health", response={200: HealthOut, 503: HealthOut}, summary="Health check")
def health(request):
    """Answer 200 once the database answers a query, 503 otherwise.

    The status is about the web part; `background` tells how long ago the scheduler and the
    job worker last beat, and `late` names those silent for more than two intervals.
    """
    try:
        processes = heartbeat_status()
    except Exception:
        logger.exception("Health check: the database does not answer")
        return Status(503, {"status": "database unavailable"})
    return Status(
        200,
        {
            "status": "ok",
            "background": {
                health.process: {
                    "last_seen": health.beat_at,
                    "age_seconds": health.age_seconds,
                    "late": health.late,
                }
                for health in processes
            },
            "late": [health.process for health in processes if health.late],
        },
    )


catch_all_router = Router()


@catch_all_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:unknown}", include_in_schema=False
)
def unknown_path(request, unknown: str):
    raise HttpError(404, gettext("Not Found"))


api.add_router("", public_router)
api.add_router("", catalog_router)
api.add_router("", purchases_router)
api.add_router("", files_router)
api.add_router("", warranties_router)
api.add_router("", preferences_router)
api.add_router("", currencies_router)
api.add_router("", analytics_router)
api.add_router("", interchange_router)
api.add_router("", receipts_router)
api.add_router("", backups_router)
api.add_router("", reminders_router)
api.add_router("", members_router)
api.add_router("", audit_router)
api.add_router("", catch_all_router)  # last: only what no other route matched
