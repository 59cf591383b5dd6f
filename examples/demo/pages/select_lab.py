"""Selects patched by the server: Phoenix's select scenario (its issue 2659).

The third select must be over 5; its error class comes and goes as the user
picks (``bind_form`` shows the error once the user has picked in it). The
second gains options, and the fourth is given a value, by the server while
the page stays as it is (tests/conformance/test_select_spec.py).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, QueryDict

from tether import LiveView, event
from tether.validation import bind_form


class SelectForm(forms.Form):
    select1 = forms.CharField(required=False)
    select2 = forms.IntegerField(required=False)
    select3 = forms.IntegerField(min_value=6)
    select4 = forms.IntegerField(required=False)


class Selects(LiveView):
    template_name = "pages/tpl/select.html"

    async def mount(self, request: HttpRequest, **kwargs: Any) -> None:
        self.page_title = "Selects"
        self.form = SelectForm(initial={"select3": 2})
        self.select1_opts = ["these options", "are fixed"]
        self.select2_opts = list(range(1, 11))
        self.numbers = list(range(1, 11))
        self.select4_value = 1

    @event
    def validate(self, payload: QueryDict) -> None:
        self.form = bind_form(SelectForm, payload)
        picked = payload.get("select4", "")
        if picked.isdigit():  # whatever the other selects say
            self.select4_value = int(picked)

    @event
    def add_select2_option(self) -> None:
        self.select2_opts = [*self.select2_opts, max(self.select2_opts) + 1]

    @event
    def change_select4(self) -> None:
        self.select4_value = (self.select4_value + 2) % 10 + 1  # another value in 1..10
