"""The organisation's own prompts in the database: versions written by `prompts add`, `edit` and
`retire`, laid over the files (:meth:`bot.prompts.PromptLibrary.with_versions`).

Every change is a new ``prompt_versions`` row, so the newest row id tells whether the library a
replica holds is still current: :class:`LibraryCache` asks for it once per event or tick and
rebuilds only after a change, whichever replica made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain import Intent, Pathway, Phase, PromptAudience, PromptKind
from bot.prompt_schema import ANY_PHASE
from bot.prompts import Prompt, PromptLibrary
from storage.models import Person
from storage.prompt_library import PromptVersion


def _prompt(row: PromptVersion) -> Prompt:
    return Prompt(
        id=row.prompt_id,
        set=row.set_name,
        intent=Intent(row.intent),
        phase=None if row.phase == ANY_PHASE else Phase(row.phase),
        pathways=frozenset(Pathway(p) for p in row.pathways),
        audience=PromptAudience(row.audience),
        kind=PromptKind(row.kind),
        texts=MappingProxyType(dict(row.texts)),
        competency=row.competency,
        version=row.version,
        retired=row.retired,
    )


def stored_prompts(session: Session) -> list[Prompt]:
    """Every stored version of every prompt, oldest first."""
    rows = session.scalars(select(PromptVersion).order_by(PromptVersion.prompt_id, PromptVersion.version))
    return [_prompt(row) for row in rows]


class LibraryCache:
    """The files' library with the database's versions laid over it, rebuilt only after a change."""

    def __init__(self, files: PromptLibrary) -> None:
        self.files = files
        self._stamp: int | None = None
        self._current = files

    def current(self, session: Session) -> PromptLibrary:
        stamp = session.scalar(select(func.max(PromptVersion.id)))
        if stamp != self._stamp:
            self._current = self.files.with_versions(stored_prompts(session)) if stamp else self.files
            self._stamp = stamp
        return self._current


@dataclass(frozen=True)
class Tags:
    """What a prompt is, apart from its words."""

    set: str
    intent: Intent
    phase: Phase | None  # None: fits every phase
    audience: PromptAudience
    kind: PromptKind
    pathways: frozenset[Pathway] = frozenset()
    competency: str | None = None

    @classmethod
    def of(cls, prompt: Prompt) -> Tags:
        return cls(
            prompt.set,
            prompt.intent,
            prompt.phase,
            prompt.audience,
            prompt.kind,
            prompt.pathways,
            prompt.competency,
        )


def store_version(
    session: Session,
    *,
    prompt_id: str,
    version: int,
    tags: Tags,
    texts: Mapping[str, str],
    retired: bool = False,
    by: Person,
    now: datetime,
) -> PromptVersion:
    """Write one version; the caller has checked it (``bot.handlers.library``)."""
    row = PromptVersion(
        prompt_id=prompt_id,
        version=version,
        set_name=tags.set,
        intent=tags.intent.value,
        phase=tags.phase.value if tags.phase is not None else ANY_PHASE,
        audience=tags.audience.value,
        kind=tags.kind.value,
        pathways=sorted(p.value for p in tags.pathways),
        competency=tags.competency,
        texts=dict(texts),
        retired=retired,
        created_at=now,
        created_by=by.id,
    )
    session.add(row)
    session.flush()
    return row
