"""What every handler works with: one transaction, the acting person, the current instant."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

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

    @property
    def t(self) -> Tr:
        """Sentences in the acting person's language."""
        return tr(self.person.locale)

    @property
    def workspace(self) -> Workspace:
        return self.person.workspace
