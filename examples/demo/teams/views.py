"""A team and its members on one page: a ModelForm and an inline formset,
validated as the user types (errors only where they have typed), with rows
added live, saved in one transaction (docs/forms.md).
"""

# --8<-- [start:view]
from typing import Any

from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.urls import reverse

from teams.forms import MemberFormSet, TeamForm
from teams.models import Team
from tether import JS, LiveView, event
from tether.validation import bind_form

# "Add a member" is a button inside the form that sends the form as a change,
# with its own name among the fields: the handler sees the user's latest data.
ADD_MEMBER = "members-add"
SEND_AS_CHANGE = JS().dispatch("change")


def one_more_row(params: QueryDict, prefix: str) -> QueryDict:
    """The same form data, asking the formset for one more (blank) form."""
    params = params.copy()
    total = f"{prefix}-TOTAL_FORMS"
    params[total] = str(int(params.get(total) or 0) + 1)
    return params


def recent_teams() -> list[dict[str, Any]]:
    teams = Team.objects.prefetch_related("members")[:5]
    return [{"name": t.name, "members": [m.name for m in t.members.all()]} for t in teams]


class NewTeam(LiveView):
    template_name = "teams/new_team.html"

    def mount(self, request: HttpRequest, **kwargs: Any) -> None:  # type: ignore[override]
        self.add_member = SEND_AS_CHANGE
        self.page_title = "New team"
        self.form = TeamForm(prefix="team")
        self.members = MemberFormSet(prefix="members")
        self.teams = recent_teams()

    @event
    def validate(self, payload: QueryDict) -> None:
        if ADD_MEMBER in payload:
            payload = one_more_row(payload, "members")
        # Bound to what the user typed; errors show for the fields they touched.
        self.form = bind_form(TeamForm, payload, prefix="team")
        self.members = bind_form(MemberFormSet, payload, prefix="members")

    @event
    def save(self, payload: QueryDict) -> None:
        # The same helper on submit: the client marks nothing unused, so every error shows.
        form = bind_form(TeamForm, payload, prefix="team")
        members = bind_form(MemberFormSet, payload, prefix="members")
        if not (form.is_valid() and members.is_valid()):
            self.form, self.members = form, members
            return
        with transaction.atomic():  # a plain def: the sync ORM is fine here
            team = form.save()
            members.instance = team
            members.save()
        # Post/redirect/get, live: a fresh page for the next team, whose inputs the
        # browser no longer counts as used (after a submit it does, while they last).
        self.put_flash("info", f"Team “{team.name}” created.")
        self.push_navigate(reverse("new-team"), replace=True)

    # --8<-- [end:view]
