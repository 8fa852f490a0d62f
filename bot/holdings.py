"""What adapters keep about a person outside the core's tables, so `privacy` covers all of it.

The Teams adapter, for one, stores the conversation address Teams gave it for each person (it
cannot message them without it). An adapter registers a :class:`Holding` with
:meth:`bot.core.Coachbot.register_holding`; `privacy` names it, `privacy export` includes what it
returns, and `privacy delete` asks it to erase.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.orm import Session

from bot.events import Actor


class Holding(Protocol):
    """Data about people that an adapter keeps in its own storage."""

    @property
    def name(self) -> str:
        """A short English key for exports, e.g. ``"teams_conversation"``."""
        ...

    def describe(self, locale: str) -> str:
        """One sentence, in the reader's language, saying what is kept and why."""
        ...

    def export(self, actor: Actor) -> dict[str, Any] | None:
        """Everything kept about this person, JSON-ready; None when nothing is kept."""
        ...

    def erase(self, actor: Actor, *, session: Session) -> int:
        """Erase everything kept about this person in the caller's transaction; how many records went."""
        ...
