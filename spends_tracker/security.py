"""The content security policy of each part of the site, and the static files storage.

The pages run Alpine's CSP build and receive their data through `json_script`, so they need no
inline script and no `eval`: `script-src 'self'`. The JSON API serves no active content at all and
gets `default-src 'none'`. The Django admin is the one place that relaxes anything: its import and
export forms (django-import-export) carry a few `style` attributes, so only there inline styles are
allowed, and the one inline event handler of its export form is allowed by its hash
(`'unsafe-hashes'` admits exactly the handlers whose hashes are listed, nothing else); scripts
otherwise stay `'self'` everywhere.
"""

import base64
import hashlib

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

API_POLICY = {"default-src": [NONE], "frame-ancestors": [NONE], "base-uri": [NONE]}

# Inline event handlers of the admin's third-party templates, allowed by hash: the "select all"
# box of django-import-export's export form.
ADMIN_EVENT_HANDLERS = ["onSelectToggleChange(event)"]


def _hash_source(code: str) -> str:
    digest = hashlib.sha256(code.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


_ADMIN_HANDLER_SOURCES = [_hash_source(code) for code in ADMIN_EVENT_HANDLERS]


def policy_for(path: str) -> dict:
    """Return the policy directives for a request path."""
    pages = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    if path == "/api" or (path.startswith("/api/") and not path.startswith("/api/docs")):
        return API_POLICY
    if path.startswith("/admin/"):
        return {
            **pages,
            "script-src": [SELF, "'unsafe-hashes'", *_ADMIN_HANDLER_SOURCES],
            "style-src": [SELF, UNSAFE_INLINE],
        }
    return pages


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the policy chosen by the part of the site being served."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None:
            parts.config = policy_for(request.path_info)
        return parts


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed storage with content-hashed names (cached for a year by browsers).

    Where `collectstatic` has not run (the test suite, a development checkout) a file missing from
    the manifest is linked by its plain name instead of failing the page; `manage.py check` warns
    (spends.W002) when production settings run without collected files.
    """

    manifest_strict = False
    # Source map comments are left as they are: the vendored libraries ship without their maps,
    # and a missing developer aid must not fail `collectstatic`.
    patterns = tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for glob, rules in CompressedManifestStaticFilesStorage.patterns
    )

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            return name


def static_manifest_exists() -> bool:
    """Say whether `collectstatic` has written its manifest of hashed names."""
    storage = StaticFilesStorage()
    return storage.exists(ManifestStaticFilesStorage.manifest_name)
