from django.urls import path

from teams.views import NewTeam

urlpatterns = [
    path("new/", NewTeam.as_view(), name="new-team"),
]
