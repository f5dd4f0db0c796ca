from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("<str:token>.ics", views.calendar_feed, name="feed"),
]
