from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

from spends_tracker.api import api

admin.site.site_header = "Spends Tracker"
admin.site.site_title = "Spends Tracker"
admin.site.index_title = "Purchases, warranties and where the money goes"

urlpatterns = [
    # Until the dashboard pages exist, the admin is the application's front page.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
]
