import logging
from http import HTTPStatus

from django.http import JsonResponse

logger = logging.getLogger(__name__)

API_PREFIX = "/api"


def _is_api(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


class ApiCompatibilityMiddleware:
    """Make every /api route behave the way existing API clients expect (docs/api.md §1.2, §2.6).

    - Each route answers with and without a trailing slash, and never with a redirect: the path is
      normalised to its slash-less form before URL resolution (APPEND_SLASH would only redirect,
      which breaks request bodies and can produce http:// locations behind a TLS proxy).
    - Every error is JSON with a string `detail`, including the ones Django produces outside the
      API's own handlers (405 from method dispatch, 400 from request parsing, crashes).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_api(request.path_info):
            return self.get_response(request)
        path = request.path_info.rstrip("/")
        request.path_info = path + "/" if path == API_PREFIX else path
        repeated = [key for key, values in request.GET.lists() if len(values) > 1]
        if repeated:
            # No API parameter takes several values: silently using the last one would hide
            # a client's mistake.
            return JsonResponse(
                {"detail": [_repeated_parameter(key) for key in repeated]}, status=422
            )
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            response = _json_error(response.status_code, response)
        return response

    def process_exception(self, request, exception):
        if not _is_api(request.path_info):
            return None
        logger.exception(
            "Unhandled error in %s %s", request.method, request.path, exc_info=exception
        )
        return JsonResponse({"detail": "Internal server error"}, status=500)


def _repeated_parameter(key: str) -> dict:
    return {
        "type": "value_error",
        "loc": ["query", key],
        "msg": f"The query parameter {key!r} is given more than once.",
    }


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _json_error(status: int, original) -> JsonResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    response = JsonResponse({"detail": phrase}, status=status)
    for header in ("Allow", "Retry-After", "WWW-Authenticate"):
        if header in original:
            response[header] = original[header]
    return response
