"""Long poll: the live protocol for browsers whose WebSocket is blocked.

Corporate proxies, some hotel and mobile networks and misconfigured reverse
proxies break WebSocket upgrades. The pinned Phoenix client then falls back to
HTTP long polling (``longPollFallbackMs``, on by default in ``tether.js``),
and Tether serves it on ``/live/longpoll``, beside ``/live/websocket``.

It is one transport seam, not a second runtime: ``connection.py`` is a
``Channels`` subclass, as the WebSocket is, so a page on long poll is the same
``LiveSession`` (joins, diffs, pub/sub, presence, freezing, rate limits) and
passes the same checks (Origin, CSRF, tokens, frame size). What differs is the
carriage: ``endpoint.py`` speaks the HTTP exchange, ``hub.py`` finds a
connection by its signed token. A connection lives in one process's memory;
when its token reaches another process, ``handover.py`` has the holder close
it (its views freeze to the state store) before the client rejoins there, so
a page moves with its state. Sticky sessions keep such moves rare
(docs/longpoll.md shows proxy configurations).
"""
