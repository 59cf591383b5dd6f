"""Engines and a checker for live templates, independent of any settings module."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Engine
from django.template.base import Template

from tether.templates import Rendered, compile, diff, dumps
from tether.testing.tree import ClientTree

FIXTURES = Path(__file__).parent / "fixtures"
LIBRARIES = {
    "tether_live": "tether.templates.tags",
    "corpus": "corpus_tags",
    "static": "django.templatetags.static",
    "i18n": "django.templatetags.i18n",
    "l10n": "django.templatetags.l10n",
    "tz": "django.templatetags.tz",
}


def make_engine(**options: Any) -> Engine:
    options.setdefault("dirs", [str(FIXTURES)])
    options.setdefault("libraries", LIBRARIES)
    return Engine(**options)


Step = tuple[Mapping[str, Any], Iterable[str] | None]


class Live:
    """Renders a template with Django and live, and replays the diffs on a client."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def template(self, source: str) -> Template:
        return self.engine.from_string(source)

    def get(self, name: str) -> Template:
        return self.engine.get_template(name)

    def context(self, data: Mapping[str, Any], autoescape: bool = True) -> Context:
        return Context(dict(data), autoescape=autoescape)

    def run(
        self, template: Template | str, steps: Iterable[Step], autoescape: bool = True
    ) -> list[tuple[Rendered, dict[str, Any]]]:
        if isinstance(template, str):
            template = self.template(template)
        live = compile(template)
        client: ClientTree | None = None
        previous: Rendered | None = None
        out = []
        for data, changed in steps:
            expected = template.render(self.context(data, autoescape))
            rendered = live.render(
                self.context(data, autoescape), previous=previous, changed=changed
            )
            assert rendered.to_html() == expected
            wire = json.loads(dumps(diff(previous, rendered)))
            if client is None:
                client = ClientTree(wire)
            else:
                client.merge(wire)
            assert client.to_html() == expected
            out.append((rendered, wire))
            previous = rendered
        return out

    def check(self, template: Template | str, data: Mapping[str, Any], **kw: Any) -> str:
        """One full render compared with Django's; returns the HTML."""
        rendered, _wire = self.run(template, [(data, None)], **kw)[0]
        return rendered.to_html()


@pytest.fixture
def live() -> Live:
    return Live(make_engine())
