"""The local platform: a terminal chat that needs no workspace, and the core's test harness.

It is not in :data:`adapters.server.PLATFORMS`: ``coachbot chat`` and ``coachbot demo`` run it in
the terminal, with the clock moved by hand instead of the server's scheduler.
"""

from adapters.local.chat import ChatError, LocalChat
from adapters.local.transport import LocalMessage, LocalTransport

__all__ = ["ChatError", "LocalChat", "LocalMessage", "LocalTransport"]
