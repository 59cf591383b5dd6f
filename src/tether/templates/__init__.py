"""Live templates: Django templates compiled into statics and dynamics.

lt = compile(template)
r1 = lt.render(context)
r2 = lt.render(context, previous=r1, changed={"count"})
diff(None, r1)  # the join's "rendered"
diff(r1, r2)    # only what changed, e.g. {"0": "6"}
message(r1, r2, events=[...])  # everything the client merges after an update
"""

from tether.protocol import dumps
from tether.templates.diff import diff, message
from tether.templates.rendered import Comprehension, Rendered
from tether.templates.template import LiveTemplate, compile

__all__ = ["Comprehension", "LiveTemplate", "Rendered", "compile", "diff", "dumps", "message"]
