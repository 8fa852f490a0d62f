"""The coaching prompt library: YAML prompt sets shipped in the ``prompts`` package, the
organisation's own folder (``COACHBOT_PROMPTS_DIR``), the competency map they refer to, and the
versions stored in the database laid over them (:mod:`bot.prompt_store`).

The YAML is edited by people who are not Python developers, so every validation problem is reported as
one :class:`PromptLibraryError` naming the file and the entry, instead of a pydantic traceback.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import ValidationError

from bot.competencies import MAP_FILE, Competency, CompetencyMap, CompetencyMapError, localized, parse_map
from bot.domain import CadenceLength, Intent, Pathway, Phase, PromptAudience, PromptKind
from bot.prompt_schema import FALLBACK_LANGUAGE, RawPrompt, RawSet, problems

DEFAULT_SETS: Mapping[PromptAudience, str] = MappingProxyType(
    {PromptAudience.MANAGER: "manager-core", PromptAudience.MEMBER: "team-pulse"}
)
"""The set the core falls back to for each audience when a team has not chosen one."""


# The C loader is several times faster; the library is parsed at every startup.
_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PromptLibraryError(ValueError):
    """A prompt file is unreadable or invalid; the message names the file and the entry."""


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
    competency: str | None = None
    """The competency (``bot.competencies``) this prompt is about; checklists and scorecards need one."""
    version: int = 1
    """Files hold version 1; each `prompts edit` stores the next one (``bot.prompt_store``)."""
    retired: bool = False

    def __hash__(self) -> int:  # ids are unique across the library, and ``texts`` is not hashable
        return hash(self.id)

    def text_for(self, locale: str | None) -> str:
        return localized(self.texts, locale)

    @property
    def private(self) -> bool:
        """Answers only their author ever sees: never in a digest, aggregate or export of others."""
        return self.kind is PromptKind.SCORECARD


@dataclass(frozen=True)
class PromptSet:
    name: str
    descriptions: Mapping[str, str]
    prompts: tuple[Prompt, ...]

    def __hash__(self) -> int:
        return hash(self.name)

    def description_for(self, locale: str | None) -> str:
        return localized(self.descriptions, locale)

    def for_audience(self, audience: PromptAudience) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if p.audience is audience)


def _parse_file(file: str, stem: str, content: str) -> PromptSet:
    try:
        data = yaml.load(content, Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
        raise PromptLibraryError(f"{file}: invalid YAML{at}: {problem}") from exc
    return _parse_set(file, stem, data)


def _parse_set(file: str, stem: str | None, data: object) -> PromptSet:
    """One set from parsed YAML; ``stem`` is the file name the set must be called, if it has its own file."""
    if not isinstance(data, dict):
        raise PromptLibraryError(f"{file}: expected a mapping with 'set', 'description' and 'prompts'")
    try:
        raw = RawSet.model_validate(data)
    except ValidationError as exc:
        raise PromptLibraryError(f"{file}: {problems(exc)}") from exc
    if stem is not None and raw.set != stem:
        raise PromptLibraryError(f"{file}: set name {raw.set!r} must match the file name {stem!r}")
    prompts: list[Prompt] = []
    for index, entry in enumerate(raw.prompts, start=1):
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        label = f"prompt {entry_id!r}" if isinstance(entry_id, str) else f"prompt #{index}"
        if not isinstance(entry, dict):
            raise PromptLibraryError(f"{file}, {label}: expected a mapping")
        try:
            item = RawPrompt.model_validate(entry)
        except ValidationError as exc:
            raise PromptLibraryError(f"{file}, {label}: {problems(exc)}") from exc
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
                competency=item.competency,
            )
        )
    return PromptSet(raw.set, MappingProxyType(raw.description), tuple(prompts))


@dataclass(frozen=True)
class _Source:
    """One place prompt files are read from: a folder, or one exported bundle file."""

    files: tuple[Traversable, ...]
    bundle: bool = False


def _source(root: Traversable) -> _Source:
    if root.is_file():
        return _Source((root,), bundle=True)
    files = sorted(
        (f for f in root.iterdir() if f.name.endswith(".yaml") and f.is_file()), key=lambda f: f.name
    )
    if not any(f.name != MAP_FILE for f in files):
        raise PromptLibraryError(f"{root}: no prompt files (*.yaml) found")
    return _Source(tuple(files))


def _documents(file: Traversable) -> list[object]:
    """The YAML documents of one exported bundle (``coachbot prompts export``)."""
    try:
        return list(yaml.load_all(file.read_text(encoding="utf-8"), Loader=_YamlLoader))
    except yaml.YAMLError as exc:
        raise PromptLibraryError(f"{file.name}: invalid YAML: {' '.join(str(exc).split())}") from exc


@dataclass
class _Seen:
    """Where each set and prompt id was first defined, so a second definition names both files."""

    sets: dict[str, str] = field(default_factory=dict)
    prompts: dict[str, str] = field(default_factory=dict)

    def add(self, file: str, prompt_set: PromptSet) -> None:
        if prompt_set.name in self.sets:
            first = self.sets[prompt_set.name]
            raise PromptLibraryError(f"{file}: set {prompt_set.name!r} is already defined in {first}")
        self.sets[prompt_set.name] = file
        for prompt in prompt_set.prompts:
            if prompt.id in self.prompts:
                first = self.prompts[prompt.id]
                raise PromptLibraryError(
                    f"{file}, prompt {prompt.id!r}: duplicate id (already defined in {first})"
                )
            self.prompts[prompt.id] = file


class PromptLibrary:
    """Every prompt set, the competency map they refer to, and every version of every prompt.

    Sets hold only prompts in use; :meth:`get` also finds retired prompts and, with ``version``,
    the wording an old answer was given to.
    """

    def __init__(self, prompt_sets: Iterable[PromptSet], competencies: CompetencyMap | None = None) -> None:
        self._sets = {s.name: s for s in sorted(prompt_sets, key=lambda s: s.name)}
        self._prompts = {p.id: p for s in self._sets.values() for p in s.prompts}
        self.competencies = competencies or CompetencyMap()
        self._every: dict[str, Prompt] = dict(self._prompts)
        self._versions: dict[tuple[str, int], Prompt] = {(p.id, p.version): p for p in self._prompts.values()}

    @classmethod
    def load(cls, source: Path | Traversable | None = None, *, extra: Path | None = None) -> PromptLibrary:
        """Read every ``*.yaml`` in ``source`` (by default the packaged ``prompts``, also from a wheel),
        then the organisation's own folder ``extra`` (``COACHBOT_PROMPTS_DIR``). ``source`` may also be
        one exported bundle file. ``competencies.yaml`` holds the competency map, not a set."""
        root: Traversable = importlib.resources.files("prompts") if source is None else source
        sources = [_source(root)]
        if extra is not None:
            if not extra.is_dir():
                raise PromptLibraryError(f"{extra}: not a folder")
            sources.append(_source(extra))
        map_files: list[tuple[str, tuple[Competency, ...]]] = []
        prompt_sets: list[PromptSet] = []
        seen = _Seen()
        for found in sources:
            for f in found.files:
                if f.name == MAP_FILE:
                    map_files.append((f.name, _map(f.name, f.read_text(encoding="utf-8"))))
                    continue
                if found.bundle:
                    parsed = cls._bundle(f, map_files)
                else:
                    stem = f.name.removesuffix(".yaml")
                    parsed = [_parse_file(f.name, stem, f.read_text(encoding="utf-8"))]
                for prompt_set in parsed:
                    seen.add(f.name, prompt_set)
                    prompt_sets.append(prompt_set)
        try:
            competencies = CompetencyMap.merge(map_files)
        except CompetencyMapError as exc:
            raise PromptLibraryError(str(exc)) from exc
        _check_competencies(prompt_sets, competencies, seen.prompts)
        return cls(prompt_sets, competencies)

    @staticmethod
    def _bundle(file: Traversable, map_files: list[tuple[str, tuple[Competency, ...]]]) -> list[PromptSet]:
        parsed: list[PromptSet] = []
        for number, document in enumerate(_documents(file), start=1):
            if isinstance(document, dict) and "competencies" in document:
                map_files.append((file.name, _map(file.name, yaml.safe_dump(document, allow_unicode=True))))
            else:
                parsed.append(_parse_set(f"{file.name} (document {number})", None, document))
        return parsed

    def with_versions(self, stored: Iterable[Prompt]) -> PromptLibrary:
        """This library with the prompts stored in the database laid over it (``bot.prompt_store``):
        the latest version of each replaces or joins its set (or leaves it, if retired), and every
        version stays findable for the answers given to it."""
        latest: dict[str, Prompt] = {}
        older: list[Prompt] = []
        for prompt in sorted(stored, key=lambda p: (p.id, p.version)):
            if prompt.id in latest:
                older.append(latest[prompt.id])
            latest[prompt.id] = prompt
        members: dict[str, list[Prompt]] = {name: list(s.prompts) for name, s in self._sets.items()}
        for prompt in latest.values():
            for name, prompts in members.items():
                members[name] = [p for p in prompts if p.id != prompt.id]
            if not prompt.retired:
                members.setdefault(prompt.set, []).append(prompt)
        sets = [
            PromptSet(
                name, self._sets[name].descriptions if name in self._sets else _NO_TEXTS, tuple(prompts)
            )
            for name, prompts in members.items()
            if prompts
        ]
        merged = PromptLibrary(sets, self.competencies)
        for prompt in [*self._every.values(), *older, *latest.values()]:
            merged._versions[(prompt.id, prompt.version)] = prompt
        merged._every = {**self._every, **latest}
        return merged

    def sets(self) -> tuple[PromptSet, ...]:
        return tuple(self._sets.values())

    def set(self, name: str) -> PromptSet:
        return self._sets[name]

    def has_set(self, name: str) -> bool:
        return name in self._sets

    def get(self, prompt_id: str) -> Prompt:
        """A prompt by id in its latest version, also a retired one."""
        return self._every[prompt_id]

    def asked(self, prompt_id: str, version: int | None) -> Prompt:
        """The prompt as an answer was given to it: ``version`` is the answer's ``prompt_version``,
        None for answers from before versions were kept (version 1, the files' wording). A version
        this library does not know falls back to the latest, so an answer is never left without words."""
        return self._versions.get((prompt_id, version or 1)) or self._every[prompt_id]

    def knows(self, prompt_id: str) -> bool:
        return prompt_id in self._every

    def prompts(self) -> tuple[Prompt, ...]:
        """Every prompt in use, set by set."""
        return tuple(self._prompts.values())

    def __len__(self) -> int:
        return len(self._prompts)


_NO_TEXTS: Mapping[str, str] = MappingProxyType({FALLBACK_LANGUAGE: ""})
"""The description of a set that only exists in the database (`prompts add` to a new set)."""


def _map(file: str, content: str) -> tuple[Competency, ...]:
    try:
        return parse_map(file, content)
    except CompetencyMapError as exc:
        raise PromptLibraryError(str(exc)) from exc


def _check_competencies(
    prompt_sets: Iterable[PromptSet], competencies: CompetencyMap, defined_in: Mapping[str, str]
) -> None:
    for prompt_set in prompt_sets:
        for prompt in prompt_set.prompts:
            if prompt.competency is not None and prompt.competency not in competencies:
                known = ", ".join(competencies.ids()) or "none: add competencies.yaml"
                raise PromptLibraryError(
                    f"{defined_in[prompt.id]}, prompt {prompt.id!r}: unknown competency "
                    f"{prompt.competency!r} (known: {known})"
                )


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
