from django.contrib import admin
from django.urls import include, path

from accounts.views import LoginView
from spends_tracker.api import api
from spends_tracker.javascript_catalog import javascript_catalog

admin.site.site_header = "Spends Tracker"
admin.site.site_title = "Spends Tracker"
admin.site.index_title = "Purchases, warranties and where the money goes"

urlpatterns = [
    path("", include("analytics.urls")),
    # Receipts waiting for review, beside the inventory they become purchases of.
    path("inventory/receipts/", include("receipts.urls")),
    path("inventory/", include("purchases.urls")),
    path("warranties/", include("warranties.urls")),
    path("catalog/", include("catalog.urls")),
    path("data/", include("backups.urls")),
    path("settings/", include("preferences.urls")),
    path("accounts/", include("accounts.urls")),
    # allauth's sign-in, guarded by django-axes; listed before allauth's own so that it wins.
    path("accounts/login/", LoginView.as_view(), name="account_login"),
    path("accounts/", include("allauth.urls")),
    # The calendar feed: a secret URL that calendar apps fetch without a session.
    path("calendar/", include("reminders.urls")),
    # The catalogue of the scripts' strings in the page's language (templates/base.html).
    path(
        "jsi18n/<slug:language>/<slug:version>.js",
        javascript_catalog,
        name="javascript-catalog",
    ),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
