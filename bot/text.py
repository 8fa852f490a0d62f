"""Text as it enters the core: cleaned once, so every database can store it.

PostgreSQL refuses NUL characters in text; a lone UTF-16 surrogate (``"\\ud800"``, which JSON
and some SDKs let through) cannot be encoded as UTF-8 and crashes both databases; a value longer
than its column raises a DataError on PostgreSQL. People type these by accident (a paste from a
PDF, an emoji cut in half) and must never lose an answer or crash a command because of it.

:func:`clean_event` is applied to every event at the top of ``Coachbot.handle``, so the rest of
the core can assume clean text; :func:`clean` and :func:`fit` are the building blocks.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

from bot.events import Actor, ChoiceMade, CommandIssued, Event, MessageEdited, MessagePosted, ProfileSeen
from storage.models import name_key

__all__ = ["clean", "clean_actor", "clean_event", "fit", "fit_keyed"]

# C0 controls other than tab and newline (\r is turned into \n first, so line breaks survive).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")

# Column lengths of what events carry (storage/models.py): ids, channels, profile fields.
PLATFORM_MAX = 16  # Workspace.platform, InboundEvent.platform
WORKSPACE_MAX = 128  # Workspace.external_id
ID_MAX = 200  # Person.platform_id, InboundEvent.event_id, message ids, channels, threads
DISPLAY_NAME_MAX = 200  # Person.display_name
DISPLAY_KEY_MAX = 400  # Person.display_key = name_key(display_name)
TIMEZONE_MAX = 64  # Person.timezone
LOCALE_MAX = 16  # Person.locale

_E = TypeVar("_E", bound=Event)


def clean(text: str) -> str:
    """``text`` without NUL and other control characters (tab and newline stay; a carriage return
    becomes a newline) and with every lone surrogate replaced by U+FFFD.

    A surrogate *pair* given as two code points (as some JSON decoders leave it) is joined into the
    character it encodes rather than replaced. Linear in the length; returns ``text`` itself when
    there is nothing to clean (the usual case).
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    if _SURROGATES.search(text):
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def fit(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (a column's length)."""
    return text if len(text) <= limit else text[:limit]


def fit_keyed(text: str, limit: int, key_limit: int) -> str:
    """Like :func:`fit`, and also short enough that ``name_key(text)`` fits ``key_limit``.

    Unicode normalisation and case folding can make a key longer than its name ("ß" → "ss",
    "ﷺ" → 18 letters), and the key has a column of its own.
    """
    text = fit(text, limit)
    if len(name_key(text)) <= key_limit:
        return text
    low, high = 0, len(text)  # the longest prefix whose key fits: low fits, high does not
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if len(name_key(text[:middle])) <= key_limit else (low, middle)
    return text[:low]


def _opt(text: str | None, limit: int) -> str | None:
    return None if text is None else fit(clean(text), limit)


def clean_actor(actor: Actor) -> Actor:
    """An actor with its ids cleaned and cut to their columns (for entry points that take an actor)."""
    cleaned = Actor(
        fit(clean(actor.platform), PLATFORM_MAX),
        fit(clean(actor.workspace), WORKSPACE_MAX),
        fit(clean(actor.person), ID_MAX),
    )
    return actor if cleaned == actor else cleaned


def clean_event(event: _E) -> _E:
    """The same event with every text cleaned (:func:`clean`) and every stored field cut to its
    column, so nothing an adapter passes on can make the database refuse it.

    Free text (answers, edits, commands) is cleaned but not cut: answers are stored in
    unbounded columns and commands are refused above their own limit with a clear message.
    """
    changes: dict[str, object] = {"actor": clean_actor(event.actor)}
    if isinstance(event, ProfileSeen):
        if event.display_name is not None:
            changes["display_name"] = fit_keyed(clean(event.display_name), DISPLAY_NAME_MAX, DISPLAY_KEY_MAX)
        changes["timezone"] = _opt(event.timezone, TIMEZONE_MAX)
        changes["locale"] = _opt(event.locale, LOCALE_MAX)
    else:
        changes["event_id"] = fit(clean(event.event_id), ID_MAX)
    if isinstance(event, MessagePosted | MessageEdited):
        changes["text"] = clean(event.text)
        changes["channel"] = fit(clean(event.channel), ID_MAX)
        changes["message_id"] = fit(clean(event.message_id), ID_MAX)
    if isinstance(event, MessagePosted):
        changes["thread"] = _opt(event.thread, ID_MAX)
    if isinstance(event, CommandIssued):
        changes["text"] = clean(event.text)
        changes["here"] = _opt(event.here, ID_MAX)
    if isinstance(event, ChoiceMade):
        changes["value"] = fit(clean(event.value), ID_MAX)
    if all(getattr(event, name) == value for name, value in changes.items()):
        return event  # nothing to clean: no copy
    return dataclasses.replace(event, **changes)  # type: ignore[arg-type]
