from django.urls import path

from warranties import views

app_name = "warranties"

urlpatterns = [
    path("", views.warranty_list, name="list"),
]
