"""Core events: what an adapter hands to the core after translating a platform payload.

Every event that can change state carries ``event_id``, the platform's own id for
the delivery (Slack ``event_id`` / ``trigger_id``, Teams activity id, a counter in
the local chat). The core records it in the same transaction as the change, so a
platform retry of the same delivery changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who did something, in platform terms.

    ``workspace`` is the Slack team id, the Teams tenant id or the local org name;
    ``person`` is the platform's user id (Slack ``U…``, Teams ``29:…``, a local handle).
    """

    platform: str
    workspace: str
    person: str


@dataclass(frozen=True)
class ProfileSeen:
    """A person's profile as the platform reports it; creates or refreshes the person.

    ``None`` means "the platform did not say"; the stored value is kept.
    ``platform_admin`` is True for Slack workspace owners/admins; it grants the admin role.
    """

    actor: Actor
    display_name: str | None = None
    timezone: str | None = None
    locale: str | None = None
    platform_admin: bool | None = None
    reachable: bool | None = None
    country: str | None = None  # ISO 3166 code, optionally with a region ("DE", "DE-BY"): public holidays
    email: str | None = None  # lets `coachbot import` find by email someone the platform already showed us


@dataclass(frozen=True)
class MessagePosted:
    """A person wrote a message the bot can see.

    ``direct`` is True in a 1:1 chat with the bot. ``thread`` is the platform id of
    the thread the message is in (Slack ``thread_ts``), ``None`` at top level.
    """

    event_id: str
    actor: Actor
    text: str
    channel: str
    message_id: str
    thread: str | None = None
    direct: bool = True


@dataclass(frozen=True)
class MessageEdited:
    """A person edited one of their earlier messages."""

    event_id: str
    actor: Actor
    channel: str
    message_id: str
    text: str


@dataclass(frozen=True)
class ChoiceMade:
    """A person pressed a button (e.g. a rating) attached to a check-in question.

    ``value`` is the button's ``Choice.value``, which the core wrote itself:
    ``"<checkin id>:<question index>:<answer>"``.
    """

    event_id: str
    actor: Actor
    value: str


@dataclass(frozen=True)
class CommandIssued:
    """A command-language line (``/coach …``, ``coach …`` or a local chat line).

    ``here`` is the roster of the conversation the line was typed in, written as a binding
    source, when the platform has one (a channel of a Teams team: ``teams:<team id>``); it is
    what ``team bind <team> here`` binds to.
    """

    event_id: str
    actor: Actor
    text: str
    here: str | None = None


Event = ProfileSeen | MessagePosted | MessageEdited | ChoiceMade | CommandIssued
