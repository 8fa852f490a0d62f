"""The coaching prompt library: YAML prompt sets shipped in the ``prompts`` package.

The YAML is edited by people who are not Python developers, so every validation problem is reported as
one :class:`PromptLibraryError` naming the file and the entry, instead of a pydantic traceback.
"""

from __future__ import annotations

import importlib.resources
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from bot.domain import CadenceLength, Intent, Pathway, Phase, PromptAudience, PromptKind

DEFAULT_SETS: Mapping[PromptAudience, str] = MappingProxyType(
    {PromptAudience.MANAGER: "manager-core", PromptAudience.MEMBER: "team-pulse"}
)
"""The set the core falls back to for each audience when a team has not chosen one."""

FALLBACK_LANGUAGE = "en"

# The C loader is several times faster; the library is parsed at every startup.
_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PromptLibraryError(ValueError):
    """A prompt file is unreadable or invalid; the message names the file and the entry."""


def _localized(texts: Mapping[str, str], locale: str | None) -> str:
    # Chat platforms report "de-DE" (Teams) or "de_AT"-style codes; texts are keyed by language.
    if locale:
        tag = locale.replace("_", "-").lower()
        for key in (tag, tag.split("-", 1)[0]):
            if key in texts:
                return texts[key]
    return texts[FALLBACK_LANGUAGE]


@dataclass(frozen=True)
class Prompt:
    id: str
    set: str
    intent: Intent
    phase: Phase | None  # None: fits any phase of the business cycle
    pathways: frozenset[Pathway]
    audience: PromptAudience
    kind: PromptKind
    texts: Mapping[str, str]
    suits: frozenset[CadenceLength] = frozenset(CadenceLength)
    """The cadence lengths the wording fits ("this week" fits a weekly cadence only)."""

    def __hash__(self) -> int:  # ids are unique across the library, and ``texts`` is not hashable
        return hash(self.id)

    def text_for(self, locale: str | None) -> str:
        return _localized(self.texts, locale)


@dataclass(frozen=True)
class PromptSet:
    name: str
    descriptions: Mapping[str, str]
    prompts: tuple[Prompt, ...]

    def __hash__(self) -> int:
        return hash(self.name)

    def description_for(self, locale: str | None) -> str:
        return _localized(self.descriptions, locale)

    def for_audience(self, audience: PromptAudience) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if p.audience is audience)


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


class _RawPrompt(_Texts):
    id: str = Field(pattern=_ID)
    intent: Intent
    phase: Phase | None = None
    pathways: list[Pathway] = []
    audience: PromptAudience
    kind: PromptKind
    suits: list[CadenceLength] = list(CadenceLength)
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


class _RawSet(_Texts):
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
        return f"{where}: {error.get('ctx', {}).get('error', error['msg'])}"
    if kind == "string_pattern_mismatch" and field == "id":
        return f"id {error['input']!r} is not kebab-case"
    return f"{where}: {error['msg']}"


def _problems(exc: ValidationError) -> str:
    return "; ".join(_describe(error) for error in exc.errors())


def _parse_file(file: str, stem: str, content: str) -> PromptSet:
    try:
        data = yaml.load(content, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise PromptLibraryError(f"{file}: invalid YAML{at}: {problem}") from exc
    if not isinstance(data, dict):
        raise PromptLibraryError(f"{file}: expected a mapping with 'set', 'description' and 'prompts'")
    try:
        raw = _RawSet.model_validate(data)
    except ValidationError as exc:
        raise PromptLibraryError(f"{file}: {_problems(exc)}") from exc
    if raw.set != stem:
        raise PromptLibraryError(f"{file}: set name {raw.set!r} must match the file name {stem!r}")
    prompts: list[Prompt] = []
    for index, entry in enumerate(raw.prompts, start=1):
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        label = f"prompt {entry_id!r}" if isinstance(entry_id, str) else f"prompt #{index}"
        if not isinstance(entry, dict):
            raise PromptLibraryError(f"{file}, {label}: expected a mapping")
        try:
            item = _RawPrompt.model_validate(entry)
        except ValidationError as exc:
            raise PromptLibraryError(f"{file}, {label}: {_problems(exc)}") from exc
        prompts.append(
            Prompt(
                id=item.id,
                set=raw.set,
                intent=item.intent,
                phase=item.phase,
                pathways=frozenset(item.pathways),
                audience=item.audience,
                kind=item.kind,
                texts=MappingProxyType(item.text),
                suits=frozenset(item.suits),
            )
        )
    return PromptSet(raw.set, MappingProxyType(raw.description), tuple(prompts))


class PromptLibrary:
    def __init__(self, prompt_sets: Iterable[PromptSet]) -> None:
        self._sets = {s.name: s for s in sorted(prompt_sets, key=lambda s: s.name)}
        self._prompts = {p.id: p for s in self._sets.values() for p in s.prompts}

    @classmethod
    def load(cls, source: Path | Traversable | None = None) -> PromptLibrary:
        """Read every ``*.yaml`` in ``source``; by default the packaged ``prompts`` (works from a wheel)."""
        root: Traversable = importlib.resources.files("prompts") if source is None else source
        files = sorted(
            (f for f in root.iterdir() if f.name.endswith(".yaml") and f.is_file()), key=lambda f: f.name
        )
        if not files:
            raise PromptLibraryError(f"{root}: no prompt files (*.yaml) found")
        defined_in: dict[str, str] = {}
        prompt_sets: list[PromptSet] = []
        for f in files:
            prompt_set = _parse_file(f.name, f.name.removesuffix(".yaml"), f.read_text(encoding="utf-8"))
            for prompt in prompt_set.prompts:
                if prompt.id in defined_in:
                    first = defined_in[prompt.id]
                    raise PromptLibraryError(
                        f"{f.name}, prompt {prompt.id!r}: duplicate id (already defined in {first})"
                    )
                defined_in[prompt.id] = f.name
            prompt_sets.append(prompt_set)
        return cls(prompt_sets)

    def sets(self) -> tuple[PromptSet, ...]:
        return tuple(self._sets.values())

    def set(self, name: str) -> PromptSet:
        return self._sets[name]

    def has_set(self, name: str) -> bool:
        return name in self._sets

    def get(self, prompt_id: str) -> Prompt:
        return self._prompts[prompt_id]

    def __len__(self) -> int:
        return len(self._prompts)


def choose_next(candidates: Sequence[Prompt], used: Collection[str], count: int) -> list[Prompt]:
    """Rotation without repeats: take up to `count` prompts, in candidate order, whose ids are not in `used`.

    If fewer than `count` are unused, take all the unused ones, then (the set being exhausted) start over
    from the beginning of `candidates`, skipping those already taken in this call. Never returns duplicates;
    returns min(count, len(candidates)) prompts (candidates repeating an id count once).
    """
    if count <= 0:
        return []
    pool = list({p.id: p for p in candidates}.values())
    seen = frozenset(used)
    chosen = [p for p in pool if p.id not in seen][:count]
    if len(chosen) < count:
        taken = {p.id for p in chosen}
        chosen += [p for p in pool if p.id not in taken][: count - len(chosen)]
    return chosen
