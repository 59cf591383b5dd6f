"""Tether: LiveView for Django.

A page is a Django view with a Django template; the browser keeps one
WebSocket open, events go up, and only the values that changed come back.
"""

from tether.view import LiveView, UnknownEvent, event

__all__ = ["LiveView", "UnknownEvent", "event"]
