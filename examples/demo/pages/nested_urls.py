"""Nested and sticky live views: the demo's pages, and those tests/conformance drives."""

from django.urls import path

from pages import nested_lab, nested_views

urlpatterns = [
    path("", nested_views.Home.as_view(), name="nested-home"),
    path("queue/", nested_views.Queue.as_view(), name="nested-queue"),
    *nested_lab.urlpatterns,
]
