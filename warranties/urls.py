from django.urls import path

from warranties import claim_views, views

app_name = "warranties"

urlpatterns = [
    path("", views.warranty_list, name="list"),
    path("<uuid:warranty_id>/claims/", claim_views.warranty_claims, name="claims"),
    path("claims/<uuid:claim_id>/", claim_views.claim_edit, name="claim"),
    path("claims/<uuid:claim_id>/status/", claim_views.claim_status, name="claim_status"),
    path("claims/<uuid:claim_id>/delete/", claim_views.claim_remove, name="claim_delete"),
]
