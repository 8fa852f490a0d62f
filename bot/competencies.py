"""The competency map: the library's vocabulary of competencies and their observable behaviours.

It is data (``prompts/competencies.yaml``, optionally extended by a ``competencies.yaml`` in
``COACHBOT_PROMPTS_DIR``), so an organisation can describe what good looks like in its own words.
Prompts reference a competency by id (``competency: <id>``); checklists offer its behaviours and
scorecards rate it. Problems are reported naming the file and the entry, like prompt files.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MAP_FILE = "competencies.yaml"
"""The one file name in a prompt folder that holds competencies rather than a prompt set."""

_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CompetencyMapError(ValueError):
    """The competency map is unreadable or invalid; the message names the file and the entry."""


def localized(texts: Mapping[str, str], locale: str | None) -> str:
    """The text for a chat platform's locale ("de-DE", "de_AT"), falling back to English."""
    if locale:
        tag = locale.replace("_", "-").lower()
        for key in (tag, tag.split("-", 1)[0]):
            if key in texts:
                return texts[key]
    return texts["en"]


@dataclass(frozen=True)
class Behaviour:
    id: str
    competency: str
    texts: Mapping[str, str]

    def __hash__(self) -> int:
        return hash(self.id)

    def text_for(self, locale: str | None) -> str:
        return localized(self.texts, locale)


@dataclass(frozen=True)
class Competency:
    id: str
    names: Mapping[str, str]
    behaviours: tuple[Behaviour, ...]

    def __hash__(self) -> int:
        return hash(self.id)

    def name_for(self, locale: str | None) -> str:
        return localized(self.names, locale)


def _texts(value: dict[str, str]) -> dict[str, str]:
    if "en" not in value:
        raise ValueError("missing English ('en') text, which is the fallback")
    for lang, text in value.items():
        if not str(text).strip():
            raise ValueError(f"empty '{lang}' text")
    return {lang: str(text).strip() for lang, text in value.items()}


class _RawBehaviour(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    text: dict[str, str] = Field(min_length=1)

    @field_validator("text")
    @classmethod
    def _check(cls, value: dict[str, str]) -> dict[str, str]:
        return _texts(value)


class _RawCompetency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=_ID)
    name: dict[str, str] = Field(min_length=1)
    behaviours: list[Any] = Field(min_length=2)

    @field_validator("name")
    @classmethod
    def _check(cls, value: dict[str, str]) -> dict[str, str]:
        return _texts(value)


def _problem(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        if error["type"] == "string_pattern_mismatch":
            parts.append(f"id {error['input']!r} is not kebab-case")
        elif error["type"] == "extra_forbidden":
            parts.append(f"unknown key {where!r}")
        elif error["type"] == "missing":
            parts.append(f"missing key {where!r}")
        else:
            parts.append(f"{where}: {error.get('ctx', {}).get('error', error['msg'])}")
    return "; ".join(parts)


def _label(kind: str, entry: object, index: int) -> str:
    entry_id = entry.get("id") if isinstance(entry, dict) else None
    return f"{kind} {entry_id!r}" if isinstance(entry_id, str) else f"{kind} #{index}"


def parse_map(file: str, content: str) -> tuple[Competency, ...]:
    """The competencies of one map file; raises :class:`CompetencyMapError` naming file and entry."""
    try:
        data = yaml.load(content, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        raise CompetencyMapError(f"{file}: invalid YAML: {' '.join(str(exc).split())}") from exc
    if (
        not isinstance(data, dict)
        or set(data) != {"competencies"}
        or not isinstance(data["competencies"], list)
    ):
        raise CompetencyMapError(f"{file}: expected a mapping with one key, 'competencies', holding a list")
    found: list[Competency] = []
    for index, entry in enumerate(data["competencies"], start=1):
        label = _label("competency", entry, index)
        try:
            raw = _RawCompetency.model_validate(entry)
        except ValidationError as exc:
            raise CompetencyMapError(f"{file}, {label}: {_problem(exc)}") from exc
        behaviours: list[Behaviour] = []
        for number, item in enumerate(raw.behaviours, start=1):
            try:
                behaviour = _RawBehaviour.model_validate(item)
            except ValidationError as exc:
                where = _label("behaviour", item, number)
                raise CompetencyMapError(f"{file}, {label}, {where}: {_problem(exc)}") from exc
            behaviours.append(Behaviour(behaviour.id, raw.id, MappingProxyType(behaviour.text)))
        found.append(Competency(raw.id, MappingProxyType(raw.name), tuple(behaviours)))
    return tuple(found)


class CompetencyMap:
    """Competencies by id, in file order, with every behaviour findable by its own id."""

    def __init__(self, competencies: Iterable[Competency] = ()) -> None:
        self._competencies: dict[str, Competency] = {}
        self._behaviours: dict[str, Behaviour] = {}
        for competency in competencies:
            self._competencies[competency.id] = competency
            for behaviour in competency.behaviours:
                self._behaviours[behaviour.id] = behaviour

    @classmethod
    def merge(cls, files: Iterable[tuple[str, tuple[Competency, ...]]]) -> CompetencyMap:
        """One map from several files; an id defined twice names both files."""
        defined_in: dict[str, str] = {}
        every: list[Competency] = []
        for file, competencies in files:
            for competency in competencies:
                for kind, entry_id in (
                    ("competency", competency.id),
                    *(("behaviour", b.id) for b in competency.behaviours),
                ):
                    if entry_id in defined_in:
                        first = defined_in[entry_id]
                        raise CompetencyMapError(
                            f"{file}, {kind} {entry_id!r}: duplicate id (already defined in {first})"
                        )
                    defined_in[entry_id] = file
                every.append(competency)
        return cls(every)

    def __iter__(self) -> Iterator[Competency]:
        return iter(self._competencies.values())

    def __len__(self) -> int:
        return len(self._competencies)

    def __contains__(self, competency_id: object) -> bool:
        return competency_id in self._competencies

    def get(self, competency_id: str) -> Competency:
        return self._competencies[competency_id]

    def behaviour(self, behaviour_id: str) -> Behaviour | None:
        return self._behaviours.get(behaviour_id)

    def ids(self) -> list[str]:
        return list(self._competencies)
