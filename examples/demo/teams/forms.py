# --8<-- [start:forms]
from django import forms
from django.forms import inlineformset_factory

from teams.models import Member, Team


class TeamForm(forms.ModelForm):  # type: ignore[type-arg]
    name = forms.CharField(min_length=3, max_length=60)

    class Meta:
        model = Team
        fields = ["name", "contact"]


# A formset class is view state like a form: give it a name at module level,
# so a frozen page can name it (the factory's own class has no importable name).
class MemberFormSet(
    inlineformset_factory(  # type: ignore[misc]
        Team, Member, fields=["name", "email"], extra=0, min_num=1, max_num=8, can_delete=False
    )
):
    pass


# --8<-- [end:forms]
