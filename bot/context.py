"""What every handler works with: one transaction, the acting person, the current instant, and
the effects it reports (what changed, for adapters to act on)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from bot.effects import Effect
from bot.holdings import Holding
from bot.i18n import Tr, tr
from bot.prompts import PromptLibrary
from storage.models import Person, Workspace


@dataclass
class Context:
    session: Session
    person: Person
    now: datetime
    library: PromptLibrary
    holdings: Sequence[Holding] = field(default_factory=tuple)
    effects: list[Effect] = field(default_factory=list)
    here: str | None = None
    """The roster of the conversation a command was typed in, if any (:class:`bot.events.CommandIssued`)."""

    def report(self, effect: Effect) -> None:
        """Say what this command changed; the core returns it beside the replies (:mod:`bot.effects`)."""
        self.effects.append(effect)

    @property
    def t(self) -> Tr:
        """Sentences in the acting person's language."""
        return tr(self.person.locale)

    @property
    def workspace(self) -> Workspace:
        return self.person.workspace
