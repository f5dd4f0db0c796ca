"""Structured logs: one JSON object per line on standard output, each carrying its request id.

`RequestIdMiddleware` gives every request an id (the reverse proxy's `X-Request-ID` when it sends a
well-formed one, a new one otherwise), returns it in the response's `X-Request-ID` header, keeps it
in a context variable that `RequestIdFilter` copies onto every log record made while the request is
served, and logs one line per request. `JsonFormatter` writes the records; `RedactSecretsFilter`
masks anything that looks like a credential, in case one ever reaches a message.

Nothing here imports Django at module level: gunicorn's configuration uses the same formatter.
"""

import contextvars
import datetime
import json
import logging
import re
import time
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

# Personal API tokens (`st_…`), bearer and basic credentials, and `password=`/`secret=`-style pairs.
_SECRET_PATTERNS = [
    (re.compile(r"\bst_[A-Za-z0-9_-]{8,}"), "st_[redacted]"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+"), r"\1 [redacted]"),
    (
        re.compile(r"(?i)\b(password|passwd|secret|token|api_key|secret_key)(\s*[=:]\s*)[^\s&,;]+"),
        r"\1\2[redacted]",
    ),
    (
        re.compile(r"(?i)\b(postgres(?:ql)?|s3|https?)://([^:/@\s]+):[^@\s]+@"),
        r"\1://\2:[redacted]@",
    ),
]


def redact(text: str) -> str:
    """Return TEXT with everything that looks like a credential masked."""
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RequestIdFilter(logging.Filter):
    """Put the id of the request being served (or "-") on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class RedactSecretsFilter(logging.Filter):
    """Mask credentials in the formatted message and in any exception text."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class WithoutTracebackFilter(logging.Filter):
    """Keep the message, drop the traceback: for refusals of bad requests (a foreign Host header)
    that Django logs with its exception, which says nothing the message does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = record.exc_text = None
        return True


# Attributes every LogRecord has; anything else was passed with `extra=` and is logged as a field.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    """Format a record as one line of JSON: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines with the request id, for a terminal (LOG_FORMAT=text)."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.request_id = getattr(record, "request_id", request_id_var.get())
        return redact(super().format(record))


class RequestIdMiddleware:
    """Give each request an id, return it as `X-Request-ID`, and log the request once it ends."""

    logger = logging.getLogger("spends_tracker.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            # The path without its query string: queries may carry search terms, never needed here.
            self.logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
