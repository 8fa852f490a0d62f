"""The schema of a prompt file, as pydantic models, and how their validation errors read.

The YAML is edited by people who are not Python developers, so each problem is described in one
short phrase (``unknown intent 'x' (expected one of: …)``); :mod:`bot.prompts` adds the file and
the entry it is about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from bot.domain import CadenceLength, Intent, Pathway, Phase, PromptAudience, PromptKind

FALLBACK_LANGUAGE = "en"

_LANG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})?")
_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class _Texts(BaseModel):
    """Shared text checks, so prompt texts and set descriptions fail the same way."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @staticmethod
    def _check(texts: dict[str, str]) -> dict[str, str]:
        if FALLBACK_LANGUAGE not in texts:
            raise ValueError(f"missing English ('{FALLBACK_LANGUAGE}') text, which is the fallback")
        for lang, text in texts.items():
            if not _LANG.fullmatch(lang):
                raise ValueError(f"language code {lang!r} should look like 'en', 'de' or 'de-ch'")
            if not text.strip():
                raise ValueError(f"empty '{lang}' text")
        return {lang: text.strip() for lang, text in texts.items()}


ANY_PHASE = "any"
"""How a prompt file says a prompt fits every phase (leaving ``phase`` out says the same)."""


class RawPrompt(_Texts):
    id: str = Field(pattern=_ID)
    intent: Intent
    phase: Phase | None = None
    pathways: list[Pathway] = []
    audience: PromptAudience
    kind: PromptKind
    suits: list[CadenceLength] = list(CadenceLength)
    competency: str | None = None
    text: dict[str, str] = Field(min_length=1)

    @field_validator("phase", mode="before")
    @classmethod
    def _any_phase(cls, value: object) -> object:
        return None if value == ANY_PHASE else value

    @field_validator("suits")
    @classmethod
    def _some_length(cls, value: list[CadenceLength]) -> list[CadenceLength]:
        if not value:
            raise ValueError("list at least one cadence length, or leave 'suits' out to suit them all")
        return value

    @field_validator("text")
    @classmethod
    def _texts(cls, value: dict[str, str]) -> dict[str, str]:
        return cls._check(value)

    @model_validator(mode="after")
    def _needs_competency(self) -> RawPrompt:
        if self.kind in (PromptKind.CHECKLIST, PromptKind.SCORECARD) and self.competency is None:
            raise ValueError(f"a {self.kind.value} prompt needs 'competency: <id>' from the competency map")
        return self


class RawSet(_Texts):
    set: str
    description: dict[str, str] = Field(min_length=1)
    # Entries stay untyped here so each one is validated on its own and errors can name its id.
    prompts: list[Any] = Field(min_length=1)

    @field_validator("description")
    @classmethod
    def _texts(cls, value: dict[str, str]) -> dict[str, str]:
        return cls._check(value)


_ENUMS: Mapping[str, type[StrEnum]] = {
    "intent": Intent,
    "phase": Phase,
    "pathways": Pathway,
    "audience": PromptAudience,
    "kind": PromptKind,
    "suits": CadenceLength,
}


def _describe(error: ErrorDetails) -> str:
    loc = error["loc"]
    field = str(loc[0]) if loc else ""
    where = ".".join(str(part) for part in loc)
    kind = error["type"]
    if kind == "enum" and field in _ENUMS:
        expected = ", ".join(member.value for member in _ENUMS[field])
        name = {"pathways": "pathway", "suits": "cadence length"}.get(field, field)
        if field == "phase":
            expected += f", {ANY_PHASE}"
        return f"unknown {name} {error['input']!r} (expected one of: {expected})"
    if kind == "extra_forbidden":
        return f"unknown key {where!r}"
    if kind == "missing":
        return f"missing key {where!r}"
    if kind == "value_error":
        problem = error.get("ctx", {}).get("error", error["msg"])
        return f"{where}: {problem}" if where else str(problem)
    if kind == "string_pattern_mismatch" and field == "id":
        return f"id {error['input']!r} is not kebab-case"
    return f"{where}: {error['msg']}"


def problems(exc: ValidationError) -> str:
    return "; ".join(_describe(error) for error in exc.errors())
