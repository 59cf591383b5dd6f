from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from pages import (
    catalog,
    chat,
    errors_lab,
    js_commands,
    keyed_lab,
    profile,
    scroll,
    select_lab,
    staff,
    streams_lab,
    templates_demo,
    uploads_lab,
    views,
)
from tether import hooks, live_session

urlpatterns = [
    path("", views.index, name="index"),
    # Browsers ask for it on every page; without it each page logs a 404 in the console.
    path("favicon.ico", RedirectView.as_view(url=static_url("demo/favicon.svg"))),
    path("counter/", views.Counter.as_view(), name="counter"),
    path("clock/", views.Clock.as_view(), name="clock"),
    path("counter-plain/", views.counter_plain, name="counter-plain"),
    path("templates/nested/", templates_demo.NestedTemplates.as_view(), name="templates-nested"),
    path("templates/table/", templates_demo.SortableTable.as_view(), name="templates-table"),
    path("errors/", errors_lab.ErrorsPage.as_view(), name="errors-lab"),
    path("templates/select/", select_lab.Selects.as_view(), name="templates-select"),
    path("templates/keyed/", keyed_lab.KeyedComprehension.as_view(), name="templates-keyed"),
    path("templates/form/", templates_demo.SignupFormPage.as_view(), name="templates-form"),
    path("login-required/", views.Private.as_view(), name="login-required"),
    path("dashboard-async/", views.AsyncDashboard.as_view(), name="dashboard-async"),
    path("wizard/", views.Wizard.as_view(), name="wizard"),
    path("feedback/", views.Feedback.as_view(), name="feedback"),
    path("feedback/sent/", views.feedback_sent, name="feedback-sent"),
    path("chat/<slug:room>/", chat.Chat.as_view(), name="chat"),
    path("js/", js_commands.JSCommands.as_view(), name="js"),
    path("streams/scroll/", scroll.Scroll.as_view(), name="streams-scroll"),
    # The pages tests/conformance drives (Phoenix's stream scenarios, as Django views).
    path("streams/users/", streams_lab.Users.as_view(), name="streams-users"),
    path("streams/reset/", streams_lab.ResetItems.as_view(), name="streams-reset"),
    path("streams/limit/", streams_lab.Limit.as_view(), name="streams-limit"),
    path("streams/healthy/<slug:category>/", streams_lab.Healthy.as_view(), name="streams-healthy"),
    path("streams/remove/", streams_lab.RemoveTransition.as_view(), name="streams-remove"),
    path("streams/remove/away/", streams_lab.Away.as_view(), name="streams-away"),
    path("streams/custom-elements/", streams_lab.CustomElements.as_view()),
    path("streams/teleported/", streams_lab.Teleported.as_view(), name="streams-teleported"),
    # Uploads: the profile demo, and the page tests/conformance drives.
    path("profile/", profile.Profile.as_view(), name="profile"),
    path("uploads/lab/", uploads_lab.UploadLab.as_view(), name="uploads-lab"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="index"), name="logout"),
    path("tether/dashboard/", include("tether.dashboard.urls")),
    path("components/", include("pages.component_urls")),
    path("nested/", include("pages.nested_urls")),
    path("todos/", include("todos.urls")),
    path("teams/", include("teams.urls")),
    path("source/<path:path>", catalog.source, name="source"),
    # The staff area: one live session, its checks run at every join (pages/staff.py).
    *live_session(
        "staff",
        [
            path("staff/", staff.StaffHome.as_view(), name="staff"),
            path("staff/people/", staff.StaffPeople.as_view(), name="staff-people"),
        ],
        on_mount=[hooks.login_required, staff.staff_only],
    ),
]
# Uploaded media, served by Django itself while DEBUG (the demo).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
