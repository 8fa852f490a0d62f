"""In-memory notes of what was last written, so a busy chat doesn't rewrite the same rows.

Profiles and conversation references are refreshed on every inbound activity,
but only written when something changed since this process last wrote them. A
person the platform refused (Teams 403) is forgotten here, so their next message
or installation writes ``reachable=True`` again and releases what the core held.
"""

from __future__ import annotations

import threading

from bot.events import ProfileSeen


class Seen:
    """Thread-safe memo of the last profile and reference fingerprint written per person/team."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._profiles: dict[tuple[str, str], ProfileSeen] = {}
        self._references: dict[tuple[str, str, str], str] = {}

    def profile_changed(self, profile: ProfileSeen) -> bool:
        key = (profile.actor.workspace, profile.actor.person)
        with self._lock:
            if self._profiles.get(key) == profile:
                return False
            self._profiles[key] = profile
            return True

    def reference_changed(self, tenant: str, kind: str, subject: str, fingerprint: str) -> bool:
        key = (tenant, kind, subject)
        with self._lock:
            if self._references.get(key) == fingerprint:
                return False
            self._references[key] = fingerprint
            return True

    def forget(self, tenant: str, person: str) -> None:
        with self._lock:
            self._profiles.pop((tenant, person), None)
            self._references.pop((tenant, "person", person), None)
