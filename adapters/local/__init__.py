"""The local platform: a terminal chat that needs no workspace, and the core's test harness."""

from adapters.local.chat import ChatError, LocalChat
from adapters.local.transport import LocalMessage, LocalTransport

__all__ = ["ChatError", "LocalChat", "LocalMessage", "LocalTransport"]
