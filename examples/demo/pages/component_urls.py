"""Pages made of live components: the demo's, and those tests/conformance drives."""

from django.urls import path

from pages import boards, components_lab

urlpatterns = [
    path("cards/", boards.CardBoard.as_view(), name="components-cards"),
    path("contacts/", boards.Contacts.as_view(), name="components-contacts"),
    *components_lab.urlpatterns,
]
