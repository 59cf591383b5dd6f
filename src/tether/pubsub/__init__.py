"""Topic-based publish/subscribe: in memory by default, Redis across processes.

See docs/pubsub.md.
"""

from tether.errors import PubSubClosed, PubSubError, PubSubUnavailable
from tether.pubsub.base import Callback, Message, PubSub, Subscription
from tether.pubsub.config import build_pubsub, get_pubsub, reset_pubsub
from tether.pubsub.memory import MemoryPubSub

__all__ = [
    "Callback",
    "MemoryPubSub",
    "Message",
    "PubSub",
    "PubSubClosed",
    "PubSubError",
    "PubSubUnavailable",
    "Subscription",
    "build_pubsub",
    "get_pubsub",
    "reset_pubsub",
]
