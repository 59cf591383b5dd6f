from django.contrib.auth.decorators import login_required
from django.urls import include, path
from tests.integration import views

urlpatterns = [
    path("echo/", views.Echo.as_view()),
    path("connect-params/", views.ConnectParams.as_view()),
    path("loads/", views.Loads.as_view()),
    path("busy/", views.Busy.as_view()),
    path("listener/", views.Listener.as_view()),
    path("secret/", login_required(views.Secret.as_view())),
    path("unguarded/", views.Secret.as_view()),
    path("sync-actions/", views.SyncActions.as_view()),
    path("async-listener/", views.AsyncListener.as_view()),
    path("unscripted/", views.Unscripted.as_view()),
    path("crashing-mount/", views.CrashingMount.as_view()),
    path("", include("tests.integration.stream_views")),
    path("", include("tests.integration.component_views")),
    path("", include("tests.integration.nested_views")),
    path("", include("tests.integration.live_session_views")),
    path("", include("tests.integration.shared_views")),
    path("", include("tests.integration.presence_views")),
    path("", include("demo.urls")),
]

# -- tether.testing's own tests (tests/integration/test_testing_client.py) ------------------
urlpatterns += [
    path("toolbox/", views.Toolbox.as_view()),
]
