"""What every handler works with: one transaction, the acting person, the current instant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.prompts import PromptLibrary
from storage.models import Person, Workspace


@dataclass
class Context:
    session: Session
    person: Person
    now: datetime
    library: PromptLibrary

    @property
    def workspace(self) -> Workspace:
        return self.person.workspace
