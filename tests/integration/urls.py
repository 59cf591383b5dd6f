from django.urls import include, path
from tests.integration import views

urlpatterns = [
    path("echo/", views.Echo.as_view()),
    path("loads/", views.Loads.as_view()),
    path("busy/", views.Busy.as_view()),
    path("", include("demo.urls")),
]
