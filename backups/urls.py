from django.urls import path

from backups import views

app_name = "backups"

urlpatterns = [
    path("", views.data_management, name="data"),
]
