from django.contrib.auth import views as auth_views
from django.urls import path

from pages import views

urlpatterns = [
    path("", views.index, name="index"),
    path("counter/", views.Counter.as_view(), name="counter"),
    path("clock/", views.Clock.as_view(), name="clock"),
    path("counter-plain/", views.counter_plain, name="counter-plain"),
    path("login-required/", views.Private.as_view(), name="login-required"),
    path("dashboard-async/", views.AsyncDashboard.as_view(), name="dashboard-async"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
