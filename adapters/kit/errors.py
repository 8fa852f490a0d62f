"""The one error a platform adapter raises for a bad deployment setting."""

from __future__ import annotations


class ConfigError(Exception):
    """A missing or inconsistent setting.

    ``coachbot serve`` prints the message as its only output and exits, so the message is one line
    and starts with (or contains) the name of the setting to fix. Line breaks in the message are
    folded into spaces, so a message built from a library's multi-line error still fits.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))
