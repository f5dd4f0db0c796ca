from django.urls import path

from purchases import views

app_name = "purchases"

urlpatterns = [
    path("", views.purchase_list, name="list"),
    path("<uuid:purchase_id>/", views.purchase_detail, name="detail"),
]
