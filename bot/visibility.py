"""What a viewer may see about a subject, and the privacy thresholds: every view asks here.

Every view — the digest, `status`, App Home, exports, and later dashboards and reports — asks this
module what its viewer may see; nothing else compares a count with K.

**Who sees what** (:data:`POLICY`; README's "Privacy model" shows the same table, and a test keeps
them equal). A viewer stands to what they look at in one or more ways (:class:`Standing`, worked
out from the relationships in :mod:`bot.relationships`); for each kind of thing that could be
shown (:class:`Sight`), the most permissive of their standings decides (:class:`Gate`):

* everything of their own (answers, ratings, which check-ins they answered);
* a team they lead, and the people below them in reporting lines: only in aggregate, and only
  from K people (goal attainment: from K people with commitments due; the commitments themselves
  are their owner's alone, unless the owner shares one);
* their coachees: how many check-ins they answered, skipped or missed — never an answer;
* admins: participation of finished runs, only for groups of at least K;
* a peer, or anyone else: nothing.

**The threshold K.**

* Nothing about a group is shown until at least ``k`` people contributed something that is
  actually shown: a rating given or a non-blank comment. Invitations, skipped questions and blank
  replies never count.
* ``k`` is the strictest of: the threshold promised in the run's nudges (``CadenceRun.threshold``),
  the workspace's current threshold, and :data:`MIN_THRESHOLD`. Lowering K later never releases
  answers given under a higher K; raising it applies at once.
* Anonymity is fixed per check-in when it opens; a run is attributed only if none of its
  check-ins was anonymous. Anonymous comments are shown unattributed, shuffled.
* Participation ("4 of 6 answered") is shown only once the run's window has closed (a live count
  lets anyone watch who answers when) and only for groups of at least ``k``.
* Ratings are never shown per person to anyone but that person.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import func, select

from bot import relationships
from bot.prompts import Prompt
from storage.models import Checkin

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import Answer, CadenceRun, Person, Team, Workspace

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5

T = TypeVar("T")


class Standing(StrEnum):
    """How a viewer stands to what they look at."""

    SELF = "self"  # their own check-ins and answers
    LEAD = "lead"  # a team they lead
    MANAGER = "manager"  # someone below them in reporting lines, at any depth
    COACH = "coach"  # one of their coachees
    ADMIN = "admin"  # any team of the workspace, as a Coachbot admin
    PEER = "peer"  # a fellow member of their team, or someone with the same manager
    NONE = "none"  # anyone else


class Sight(StrEnum):
    """What could be shown about a subject."""

    ANSWERS = "answers"  # written answers and ratings, one by one
    RESULTS = "results"  # a group's answer counts, averages and the comments that passed K
    ADHERENCE = "adherence"  # how many check-ins someone answered, skipped or missed
    PARTICIPATION = "participation"  # "4 of 6 answered" for a finished run
    ATTAINMENT = "attainment"  # goal attainment: the share of commitments done or partly done when due


class Gate(StrEnum):
    """When a sight is visible to a standing."""

    ALWAYS = "always"
    FROM_K = "from K people"  # only from K people who gave something that is shown
    NEVER = "never"


_NOTHING: Mapping[Sight, Gate] = {sight: Gate.NEVER for sight in Sight}

POLICY: Mapping[Standing, Mapping[Sight, Gate]] = {
    Standing.SELF: {
        **_NOTHING,
        Sight.ANSWERS: Gate.ALWAYS,
        Sight.ADHERENCE: Gate.ALWAYS,
        Sight.ATTAINMENT: Gate.ALWAYS,
    },
    Standing.LEAD: {
        **_NOTHING,
        Sight.RESULTS: Gate.FROM_K,
        Sight.PARTICIPATION: Gate.FROM_K,
        Sight.ATTAINMENT: Gate.FROM_K,
    },
    Standing.MANAGER: {
        **_NOTHING,
        Sight.RESULTS: Gate.FROM_K,
        Sight.PARTICIPATION: Gate.FROM_K,
        Sight.ATTAINMENT: Gate.FROM_K,
    },
    Standing.COACH: {**_NOTHING, Sight.ADHERENCE: Gate.ALWAYS},
    Standing.ADMIN: {**_NOTHING, Sight.PARTICIPATION: Gate.FROM_K},
    Standing.PEER: _NOTHING,
    Standing.NONE: _NOTHING,
}
"""The whole policy: for each standing, when each sight is visible."""

_OPENNESS = (Gate.NEVER, Gate.FROM_K, Gate.ALWAYS)


def gate(standings: Iterable[Standing], sight: Sight) -> Gate:
    """The most permissive gate any of the viewer's standings gives for this sight."""
    return max((POLICY[s][sight] for s in standings), key=_OPENNESS.index, default=Gate.NEVER)


def may_see(standings: Iterable[Standing], sight: Sight, *, count: int = 0, k: int = 0) -> bool:
    """Whether a viewer with these standings may see this sight about a group of ``count`` people
    who contributed (``k`` is the threshold that applies; unused for sights that never need it)."""
    found = gate(standings, sight)
    return found is Gate.ALWAYS or (found is Gate.FROM_K and enough(count, k))


def standings_toward_team(session: Session, viewer: Person, team: Team) -> frozenset[Standing]:
    """How the viewer stands to a team (and so to its runs and digests)."""
    found = {Standing.NONE}
    if relationships.is_lead(session, viewer, team):
        found.add(Standing.LEAD)
    if viewer.is_admin and viewer.workspace_id == team.workspace_id:
        found.add(Standing.ADMIN)
    if any(m.id == viewer.id for m in relationships.members_of(session, team)):
        found.add(Standing.PEER)
    return frozenset(found)


def standings_toward_person(session: Session, viewer: Person, subject: Person) -> frozenset[Standing]:
    """How the viewer stands to one person (and so to that person's check-ins)."""
    if viewer.id == subject.id:
        return frozenset({Standing.SELF})
    found = {Standing.NONE}
    if any(p.id == subject.id for p in relationships.org_below(session, viewer)):
        found.add(Standing.MANAGER)
    if any(p.id == subject.id for p in relationships.coachees_of(session, viewer)):
        found.add(Standing.COACH)
    if any(p.id == subject.id for p in relationships.peers_of(session, viewer)):
        found.add(Standing.PEER)
    if viewer.is_admin and viewer.workspace_id == subject.workspace_id:
        found.add(Standing.ADMIN)
    return frozenset(found)


def results_viewers(session: Session, team: Team) -> list[Person]:
    """Who is sent a team's results when a run closes: the team's leads (their standing is the one
    that sees results; a manager further up sees them in roll-ups, not as digests)."""
    return relationships.leads_of(session, team)


def teams_whose_results(session: Session, viewer: Person) -> list[Team]:
    """The teams whose stored results the viewer may open (App Home, export): those they lead."""
    return [
        team
        for team in relationships.teams_led_by(session, viewer)
        if gate(standings_toward_team(session, viewer, team), Sight.RESULTS) is not Gate.NEVER
    ]


@dataclass(frozen=True)
class Adherence:
    """How a coachee has kept up with their check-ins: counts only, never what they said."""

    answered: int
    skipped: int
    missed: int


def adherence(session: Session, viewer: Person, subject: Person) -> Adherence | None:
    """The subject's check-ins by outcome, if the viewer may see it (themselves, or their coach)."""
    if not may_see(standings_toward_person(session, viewer, subject), Sight.ADHERENCE):
        return None
    found = session.execute(
        select(Checkin.state, func.count()).where(Checkin.person_id == subject.id).group_by(Checkin.state)
    ).tuples()
    rows = {state: count for state, count in found}
    return Adherence(
        answered=rows.get("done", 0) + rows.get("closed", 0),
        skipped=rows.get("declined", 0),
        missed=rows.get("missed", 0),
    )


_STANDING_WORDS = {
    Standing.SELF: "themselves",
    Standing.LEAD: "a team they lead",
    Standing.MANAGER: "people below them in reporting lines",
    Standing.COACH: "their coachees",
    Standing.ADMIN: "any team, as an admin",
    Standing.PEER: "a teammate, or someone with the same manager",
    Standing.NONE: "anyone else",
}
_SIGHT_WORDS = {
    Sight.ANSWERS: "answers, one by one",
    Sight.RESULTS: "group results (counts, averages, comments)",
    Sight.ADHERENCE: "check-ins answered, skipped, missed",
    Sight.PARTICIPATION: "participation of finished runs",
    Sight.ATTAINMENT: "goal attainment (share of commitments kept)",
}
_GATE_WORDS = {Gate.ALWAYS: "yes", Gate.FROM_K: "from K people", Gate.NEVER: "—"}


def policy_table() -> str:
    """:data:`POLICY` as the Markdown table in README's privacy model (a test keeps them equal)."""
    lines = [
        "| A viewer looking at … | " + " | ".join(_SIGHT_WORDS[s] for s in Sight) + " |",
        "|---|" + "---|" * len(Sight),
    ]
    lines += [
        f"| {_STANDING_WORDS[standing]} (`{standing.value}`) | "
        + " | ".join(_GATE_WORDS[POLICY[standing][s]] for s in Sight)
        + " |"
        for standing in Standing
    ]
    return "\n".join(lines)


def effective_threshold(k: int | None) -> int:
    return max(MIN_THRESHOLD, k or DEFAULT_THRESHOLD)


def workspace_threshold(workspace: Workspace) -> int:
    """The K promised to people nudged now (what a nudge says)."""
    return effective_threshold(workspace.threshold)


def run_threshold(run: CadenceRun, workspace: Workspace) -> int:
    """The K that applies to a run's answers: the stricter of what was promised and what is set now.

    A run recorded before its threshold was (``None``) falls back to the workspace's current K.
    """
    promised = run.threshold if run.threshold is not None else workspace.threshold
    return max(effective_threshold(promised), workspace_threshold(workspace))


def enough(count: int, k: int) -> bool:
    """The one comparison with K: whether ``count`` people are enough for a group figure."""
    return count >= effective_threshold(k)


# -- what counts ------------------------------------------------------------------------------------


def shareable(prompt: Prompt) -> bool:
    """Whether answers to this prompt may ever be part of a figure someone else sees. A scorecard
    is a private self-rating: no digest, aggregate or count shown to anyone but its author uses it."""
    return not prompt.private


def counts(answer: Answer) -> bool:
    """Whether an answer is something that would be shown: not skipped, not late, not blank."""
    if answer.skipped or answer.late:
        return False
    return answer.rating is not None or bool(answer.text.strip())


def respondents(answers: Iterable[Answer]) -> int:
    """How many check-ins gave at least one answer that counts."""
    return len({a.checkin_id for a in answers if counts(a)})


def attributed(checkins: Iterable[Checkin]) -> bool:
    """A run names people only if every one of its check-ins was opened as not anonymous."""
    found = list(checkins)
    return bool(found) and not any(c.anonymous for c in found)


# -- what may be shown ------------------------------------------------------------------------------


def comments(
    items: Sequence[tuple[T, str]], *, k: int, named: bool, rng: random.Random | None = None
) -> list[tuple[T, str]] | None:
    """The non-blank comments that may be shown, as ``(author, text)``; None if none may be.

    Anonymous comments need ``k`` writers (blank replies do not hide the writers) and come in
    random order so that order cannot hint at who wrote what. Named comments were promised to be
    shown with the name; the run as a whole must still have reached ``k`` (see :func:`results`).
    """
    kept = [(author, text) for author, text in items if text.strip()]
    if named:
        return kept
    if not enough(len(kept), k):
        return None
    (rng or random.SystemRandom()).shuffle(kept)
    return kept


def results(respondent_count: int, *, k: int) -> bool:
    """Whether a run's results (figures and comments) may be shown at all."""
    return enough(respondent_count, k)


def participation(
    standings: Iterable[Standing], answered: int, invited: int, *, k: int, closed: bool
) -> tuple[int, int] | None:
    """``(answered, invited)`` for a run, only once its window closed, for groups of at least k, and
    only for a viewer whose standing sees participation."""
    if not closed or not may_see(standings, Sight.PARTICIPATION, count=invited, k=k):
        return None
    return answered, invited
