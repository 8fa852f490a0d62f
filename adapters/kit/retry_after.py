"""Reading a ``Retry-After`` header, the way every platform's rate limiting answers.

HTTP allows two forms: a number of seconds (``Retry-After: 30``) or a date
(``Retry-After: Wed, 21 Oct 2026 07:28:00 GMT``). Whatever the platform sends, the adapter needs
a number of seconds it can wait without harm: a missing or unreadable value falls back to the
adapter's default, a date in the past or a negative number means "now" (the minimum), and an
absurd value (days, a typo, ``inf``) is capped, so one bad header can't park an outbox message
for good.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

MAX_SECONDS = 900.0
"""The longest wait any header can ask for: 15 minutes, far above what Slack or Teams ask."""


def retry_after_seconds(
    value: object,
    *,
    default: float,
    minimum: float = 0.0,
    maximum: float = MAX_SECONDS,
    now: datetime | None = None,
) -> float:
    """Seconds to wait for one ``Retry-After`` value, between ``minimum`` and ``maximum``.

    ``value`` is the header as the HTTP library hands it over: a string, a number, a one-element
    list, or None when the header is absent (then ``default``). ``now`` is for the date form.
    """
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    seconds = _seconds(value, now=now)
    if seconds is None:
        seconds = default
    return min(maximum, max(minimum, seconds))


def _seconds(value: object, *, now: datetime | None) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    text = str(value).strip()
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        return _until_date(text, now=now)
    return number if math.isfinite(number) else None


def _until_date(text: str, *, now: datetime | None) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # RFC 9110 dates are GMT; a date without a zone is read so too
        moment = moment.replace(tzinfo=UTC)
    return (moment - (now or datetime.now(UTC))).total_seconds()


def header(headers: Mapping[str, object] | Iterable[tuple[str, object]] | None, name: str) -> object:
    """The value of header ``name`` in any capitalisation, or None; works on plain dicts (whose keys
    keep the server's capitalisation), multidicts and lists of pairs."""
    if headers is None:
        return None
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    wanted = name.lower()
    for key, value in pairs:
        if str(key).lower() == wanted:
            return value
    return None
