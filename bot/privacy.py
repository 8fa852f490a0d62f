"""The privacy rules, in one place: every aggregate a manager or admin sees passes through here.

* Nothing about a group is shown until at least ``k`` people contributed (``k`` per
  workspace, default 5, never below :data:`MIN_THRESHOLD`).
* Free-text comments follow the same rule and are shown unattributed, shuffled.
* Ratings are never shown per person to anyone but that person.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5


def effective_threshold(k: int) -> int:
    return max(MIN_THRESHOLD, k)


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float
    distribution: tuple[int, int, int, int, int]  # how many answered 1, 2, 3, 4, 5


def rating_summary(values: Sequence[int], *, k: int) -> RatingSummary | None:
    if len(values) < effective_threshold(k):
        return None
    counts = tuple(sum(1 for v in values if v == n) for n in range(1, 6))
    return RatingSummary(len(values), sum(values) / len(values), counts)  # type: ignore[arg-type]


def anonymous_comments(texts: Sequence[str], *, k: int, rng: random.Random | None = None) -> list[str] | None:
    """Comments in random order so that order cannot hint at who wrote what."""
    kept = [t for t in texts if t.strip()]
    if len(texts) < effective_threshold(k):
        return None
    shuffled = list(kept)
    (rng or random.SystemRandom()).shuffle(shuffled)
    return shuffled


def participation(answered: int, invited: int, *, k: int) -> tuple[int, int] | None:
    """Answer counts are shown only for groups of at least k people."""
    if invited < effective_threshold(k):
        return None
    return answered, invited
