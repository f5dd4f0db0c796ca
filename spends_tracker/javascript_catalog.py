"""The scripts' translations (Django's JavaScriptCatalog), one address per language and version.

The catalogue is the same for everyone who reads a language, and it changes only when the
compiled catalogues do. So its address names both (`/jsi18n/de/<version>.js`): the answer depends
on the address alone, and browsers keep it for a year without asking again; a release whose
catalogues differ has another version, hence another address. The page's language still comes
from the person (docs/i18n.md §2): `templates/base.html` asks for the catalogue of the language
the page is in.
"""

import functools
import hashlib
from pathlib import Path

import django
from django.conf import settings
from django.http import Http404
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.i18n import JavaScriptCatalog

# A year: the longest lifetime RFC 9111 lets a cache assume for a response.
ONE_YEAR = 365 * 24 * 60 * 60


@functools.cache
def catalogue_version() -> str:
    """A short digest of every compiled catalogue of the project and of Django's version (the
    catalogue also carries Django's own scripts' strings and its date formats)."""
    digest = hashlib.sha256(django.get_version().encode())
    for locale_path in settings.LOCALE_PATHS:
        for path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.mo")):
            digest.update(path.as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def javascript_catalog(request, language: str, version: str):
    """The catalogue of LANGUAGE, cached for a year when VERSION is the current one. An old
    version's address answers the current catalogue without the year (a page from before a
    release, still open, keeps working)."""
    if language not in dict(settings.LANGUAGES):
        raise Http404("No such language.")
    with translation.override(language):
        response = JavaScriptCatalog.as_view()(request)
    # LocaleMiddleware would name the person's language, not the catalogue's.
    response["Content-Language"] = language
    if version == catalogue_version():
        patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    return response


def context(request) -> dict:
    """The catalogue's version, for the address `templates/base.html` writes."""
    return {"JAVASCRIPT_CATALOGUE_VERSION": catalogue_version()}
