"""The organisation's own prompts, kept in the database as versions (`prompts add`, `edit`, `retire`).

A row is one version of one prompt and is never changed: `prompts edit` adds the next version and
`prompts retire` adds a version marked retired, so the wording any answer was given to stays
(``answers.prompt_version``). A prompt from the files is version 1; its first database version is 2.
``bot.prompt_store`` is the one place that reads and writes these rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base


class PromptVersion(Base):
    __tablename__ = "prompt_versions"
    __table_args__ = (UniqueConstraint("prompt_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prompt_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    set_name: Mapped[str] = mapped_column(String(64))
    # Tags as the YAML spells them (bot.domain values), kept as text so a new value needs no migration.
    intent: Mapped[str] = mapped_column(String(32))
    phase: Mapped[str] = mapped_column(String(16))
    audience: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    pathways: Mapped[list[Any]] = mapped_column(JSON, default=list)
    competency: Mapped[str | None] = mapped_column(String(64), default=None)
    texts: Mapped[dict[str, Any]] = mapped_column(JSON)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column()
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), default=None)
