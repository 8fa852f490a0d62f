"""The parsed form of every command, shared by all adapters.

Slack's ``/coach …``, a Teams message and a local chat line all end up as one of
these frozen values, so the core handles a command the same way whatever the
platform. The parser builds them (:mod:`bot.commands.parser`); nothing here checks
roles or touches storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal, TypeAlias

from bot.business_cycle import Explicit, Quarterly
from bot.domain import Audience, Intent, Pathway, Phase, PromptAudience, PromptKind, Recurrence


@dataclass(frozen=True)
class Mention:
    """A person as the platform referred to them.

    ``ref`` is a platform user id (``U123ABC``) or, in local chat, a bare handle
    (``alice``); ``label`` is the display name the platform sent along, if any.
    Resolving it to a stored person is the adapter's job.
    """

    ref: str
    label: str | None = None


@dataclass(frozen=True)
class Help:
    topic: str | None  # a canonical topic such as "cadence add" or "team"; None = overview


@dataclass(frozen=True)
class TeamCreate:
    team: str
    manager: Mention


@dataclass(frozen=True)
class TeamAdd:
    team: str
    members: tuple[Mention, ...]


@dataclass(frozen=True)
class TeamRemove:
    team: str
    members: tuple[Mention, ...]


@dataclass(frozen=True)
class TeamList:
    pass


@dataclass(frozen=True)
class TeamShow:
    team: str


@dataclass(frozen=True)
class TeamBind:
    """Make a team's membership follow a channel or user group.

    ``source`` stays an opaque platform reference (``<#C123|general>``,
    ``<!subteam^S123>``, ``teams:19:abc@thread.tacv2``) for the adapter to decode.
    """

    team: str
    source: str


@dataclass(frozen=True)
class CadenceAdd:
    name: str
    team: str
    audience: Audience
    recurrence: Recurrence
    at: time
    prompts: str | None = None
    questions: int | None = None
    window: timedelta | None = None
    anonymous: bool | None = None
    commitment: bool | None = None  # None: yes for the manager's check-ins, no for members'


@dataclass(frozen=True)
class CadenceList:
    pass


@dataclass(frozen=True)
class CadenceShow:
    name: str


@dataclass(frozen=True)
class CadencePause:
    name: str


@dataclass(frozen=True)
class CadenceResume:
    name: str


@dataclass(frozen=True)
class CadenceRemove:
    name: str


@dataclass(frozen=True)
class CadenceRun:
    name: str


@dataclass(frozen=True)
class Prompts:
    set: str | None


@dataclass(frozen=True)
class Vacation:
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class VacationClear:
    pass


@dataclass(frozen=True)
class Skip:
    cadence: str


@dataclass(frozen=True)
class SkipQuestion:
    """`skip` with no cadence: pass over the current question of my open check-in."""


@dataclass(frozen=True)
class Decline:
    """`skip all` / `pass`: end my open check-in without answering the rest."""


@dataclass(frozen=True)
class Snooze:
    """`later` / `snooze 2h`: remind me of my open check-in later (``delay`` None = the default)."""

    delay: timedelta | None = None


@dataclass(frozen=True)
class History:
    """`history [cadence]`: my own past check-ins and answers."""

    cadence: str | None = None


@dataclass(frozen=True)
class Status:
    pass


@dataclass(frozen=True)
class Privacy:
    action: Literal["show", "export", "delete"]


@dataclass(frozen=True)
class AdminAdd:
    person: Mention


@dataclass(frozen=True)
class AdminRemove:
    person: Mention


@dataclass(frozen=True)
class Threshold:
    k: int


@dataclass(frozen=True)
class QuietHours:
    """Hours when nobody is nudged; ``None``/``None`` turns them off.

    ``start`` may be later than ``end`` (22:00-07:00 spans midnight).
    """

    start: time | None
    end: time | None


@dataclass(frozen=True)
class Workdays:
    days: frozenset[int]  # 0 = Monday, as in date.weekday()


# -- commitments (issue 10, section 1) ---------------------------------------------------------------


@dataclass(frozen=True)
class DueDay:
    """A due date as written: a calendar date, the next such weekday (0 = Monday), or some days
    from today. Which date that is depends on the person's zone, so the core works it out."""

    on: date | None = None
    weekday: int | None = None
    days: int | None = None


@dataclass(frozen=True)
class CommitmentList:
    """`commitments`: my commitments, numbered, with where each stands."""


@dataclass(frozen=True)
class CommitmentUpdate:
    """`commitment done|partly|drop <n>`: say how one of my commitments went."""

    number: int
    status: Literal["done", "partly", "dropped"]


@dataclass(frozen=True)
class CommitmentAdd:
    """`commit "…" --by 2026-12-04`: a commitment added by hand."""

    text: str
    by: DueDay | None = None


@dataclass(frozen=True)
class CommitmentShare:
    """`commitment share <n> @person`: show one of my commitments to someone."""

    number: int
    person: Mention


# -- business cycle (issue 10, section 2) -----------------------------------------------------------


@dataclass(frozen=True)
class CycleShow:
    """`cycle`: the phase in force for my teams (and, for an admin, every cycle set)."""


@dataclass(frozen=True)
class CycleSet:
    """`cycle set quarterly …` / `cycle set plan … execute … review …`; ``team`` None: the workspace."""

    rule: Quarterly | Explicit
    team: str | None = None


@dataclass(frozen=True)
class CycleSetSprints:
    """`cycle set sprints 2w [--from DATE]`; without a date, sprints start on the admin's today."""

    length_days: int
    start: date | None = None
    team: str | None = None


@dataclass(frozen=True)
class CycleClear:
    team: str | None = None


# -- issue 10, section 5: the organisation from an HR file, public holidays ------------------------


@dataclass(frozen=True)
class Holidays:
    """Whether each person's public holidays are days off; ``None`` shows the setting."""

    on: bool | None


# -- pathways per person (issue 10, section 3) ------------------------------------------------------


@dataclass(frozen=True)
class PathwaySet:
    person: Mention
    pathway: Pathway
    until: date | None = None  # first day off the pathway is the day after
    start: date | None = None  # None: today, in the person's zone


@dataclass(frozen=True)
class PathwayClear:
    person: Mention


@dataclass(frozen=True)
class PathwayLength:
    pathway: Pathway
    days: int


# -- the prompt library (issue 10, section 4) ---------------------------------------------------------


@dataclass(frozen=True)
class PromptCompetencies:
    pass


@dataclass(frozen=True)
class PromptAdd:
    set: str
    id: str
    text: str
    de: str | None = None
    kind: PromptKind | None = None
    intent: Intent | None = None
    phase: Phase | None = None
    audience: PromptAudience | None = None
    competency: str | None = None


@dataclass(frozen=True)
class PromptEdit:
    id: str
    text: str
    de: str | None = None


@dataclass(frozen=True)
class PromptRetire:
    id: str


Command: TypeAlias = (
    Help
    | TeamCreate
    | TeamAdd
    | TeamRemove
    | TeamList
    | TeamShow
    | TeamBind
    | CadenceAdd
    | CadenceList
    | CadenceShow
    | CadencePause
    | CadenceResume
    | CadenceRemove
    | CadenceRun
    | Prompts
    | Vacation
    | VacationClear
    | Skip
    | SkipQuestion
    | Decline
    | Snooze
    | History
    | Status
    | Privacy
    | AdminAdd
    | AdminRemove
    | Threshold
    | QuietHours
    | Workdays
    | CommitmentList
    | CommitmentUpdate
    | CommitmentAdd
    | CommitmentShare
    | CycleShow
    | CycleSet
    | CycleSetSprints
    | CycleClear
    | Holidays
    | PathwaySet
    | PathwayClear
    | PathwayLength
    | PromptCompetencies
    | PromptAdd
    | PromptEdit
    | PromptRetire
)
