"""``path("tether/dashboard/", include("tether.dashboard.urls"))``."""

from django.urls import path

from tether.dashboard.views import Dashboard

app_name = "tether_dashboard"
urlpatterns = [path("", Dashboard.as_view(), name="index")]
