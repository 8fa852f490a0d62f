"""The privacy rules, in one place: every figure or comment about a group passes through here.

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

Other modules never compare anything with a threshold themselves; they ask here.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from storage.models import Answer, CadenceRun, Checkin, Workspace

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5

T = TypeVar("T")


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
    """The one comparison with K."""
    return count >= effective_threshold(k)


# -- what counts ------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float
    distribution: tuple[int, int, int, int, int]  # how many answered 1, 2, 3, 4, 5


def rating_summary(values: Sequence[int], *, k: int) -> RatingSummary | None:
    if not enough(len(values), k):
        return None
    dist = tuple(sum(1 for v in values if v == n) for n in range(1, 6))
    return RatingSummary(len(values), sum(values) / len(values), dist)  # type: ignore[arg-type]


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


def participation(answered: int, invited: int, *, k: int, closed: bool) -> tuple[int, int] | None:
    """``(answered, invited)`` for a run, only once its window closed and for groups of at least k."""
    if not closed or not enough(invited, k):
        return None
    return answered, invited
