"""URLs for ``{% url %}`` in the corpus."""

from django.http import HttpResponse
from django.urls import path


def view(request: object, pk: int = 0) -> HttpResponse:
    return HttpResponse()


urlpatterns = [
    path("", view, name="corpus-home"),
    path("item/<int:pk>/", view, name="corpus-item"),
]
