"""``{% load tether_live %}``: ``{% live_key expr %}`` keys the rows of a ``{% for %}``."""

from tether.templates.tags import register

__all__ = ["register"]
