"""A live dashboard of the running Tether processes, built with Tether.

Add ``"tether.dashboard"`` to ``INSTALLED_APPS`` and
``path("tether/dashboard/", include("tether.dashboard.urls"))`` to the URLs;
staff users see it (docs/telemetry.md).

How the figures travel. Every process (a *node*) has one ``Recorder``. It
sleeps until a dashboard somewhere asks for figures: an open dashboard
broadcasts ``WANTED`` on a pub/sub topic every second, and each node that
hears it attaches a telemetry handler and, once a second, publishes a
snapshot of its figures on another topic, for a few seconds after the last
``WANTED``. Dashboards subscribe to the snapshots and show one row per
node, so several processes sharing Redis appear side by side. With no
dashboard open, nothing is attached but one handler of socket connects,
which is what wakes a node's recorder on its event loop in the first place.

Modules: ``metrics`` (pure counters, windows, percentiles), ``recorder``
(telemetry in, snapshots out), ``gauges`` (what a snapshot reads of the
process: sockets, views, memory, pub/sub), ``charts`` (SVG geometry, pure),
``views`` (the live view).
"""
