"""Slack payloads → core events. Pure functions: no I/O, so every rule is unit-testable.

Only what a person deliberately wrote becomes an event: bots (including this
one), joins, deletions and other housekeeping subtypes are dropped here, so the
core never mistakes them for check-in answers.
"""

from __future__ import annotations

import hashlib
from typing import Any

from bot.events import Actor, ChoiceMade, CommandIssued, MessageEdited, MessagePosted, ProfileSeen

PLATFORM = "slack"

ANSWER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
"""Message subtypes written by a person; everything else (joins, topic changes, bot posts...) is ignored."""


def body_hash(raw: str | bytes) -> str:
    """A stable id for deliveries that carry none (Slack does not retry those; clients may double-submit)."""
    data = raw.encode() if isinstance(raw, str) else raw
    return hashlib.sha256(data).hexdigest()[:32]


def workspace_of(body: dict[str, Any]) -> str:
    """The Slack team the delivery belongs to, whatever the payload's shape."""
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team:
        user = body.get("user")
        team = user.get("team_id") if isinstance(user, dict) else None
    if not team:
        enterprise = body.get("enterprise") or {}
        team = body.get("enterprise_id") or (enterprise.get("id") if isinstance(enterprise, dict) else None)
    return str(team or "unknown")


def actor(workspace: str, user: str) -> Actor:
    return Actor(platform=PLATFORM, workspace=workspace, person=user)


def _by_a_person(message: dict[str, Any], bot_user_id: str | None) -> str | None:
    """The author's user id, or None for bots, this app and anonymous system messages."""
    user = message.get("user")
    if not isinstance(user, str) or not user:
        return None
    if message.get("bot_id") or message.get("bot_profile") or message.get("subtype") == "bot_message":
        return None
    if bot_user_id and user == bot_user_id:
        return None
    return user


def message_event(
    body: dict[str, Any], *, bot_user_id: str | None, raw: str = ""
) -> MessagePosted | MessageEdited | None:
    """A ``message`` event callback as a core event, or None when it is not a person's answer."""
    event = body.get("event") or {}
    if event.get("type") != "message" or (event.get("hidden") and event.get("subtype") != "message_changed"):
        return None
    event_id = str(body.get("event_id") or body_hash(raw))
    workspace = workspace_of(body)
    channel = str(event.get("channel") or "")
    subtype = event.get("subtype")
    if subtype == "message_changed":
        new = event.get("message") or {}
        old = event.get("previous_message") or {}
        user = _by_a_person(new, bot_user_id)
        if user is None or not new.get("ts") or new.get("text") == old.get("text"):
            return None  # unfurls and bot edits change nothing a person wrote
        return MessageEdited(
            event_id=event_id,
            actor=actor(workspace, user),
            channel=channel,
            message_id=str(new["ts"]),
            text=str(new.get("text") or ""),
        )
    if subtype not in ANSWER_SUBTYPES:
        return None
    user = _by_a_person(event, bot_user_id)
    ts = event.get("ts")
    if user is None or not ts:
        return None
    thread = event.get("thread_ts")
    thread = str(thread) if thread and thread != ts else None
    direct = event.get("channel_type") == "im"
    if not direct and thread is None:
        return None  # top-level chatter in a channel is not for the bot
    return MessagePosted(
        event_id=event_id,
        actor=actor(workspace, user),
        text=str(event.get("text") or ""),
        channel=channel,
        message_id=str(ts),
        thread=thread,
        direct=direct,
    )


def command_event(body: dict[str, Any], *, raw: str = "") -> CommandIssued:
    """``/coach <text>`` as a command line; ``trigger_id`` is unique per invocation."""
    event_id = "cmd:" + str(body.get("trigger_id") or body_hash(raw))
    return CommandIssued(
        event_id=event_id,
        actor=actor(workspace_of(body), str(body.get("user_id") or "")),
        text=str(body.get("text") or "").strip(),
    )


def choice_event(body: dict[str, Any], action: dict[str, Any], *, raw: str = "") -> ChoiceMade:
    """A rating button press; the value is the core's own, passed back untouched."""
    user = body.get("user") or {}
    unique = body.get("trigger_id") or action.get("action_ts") or body_hash(raw)
    return ChoiceMade(
        event_id=f"choice:{unique}",
        actor=actor(workspace_of(body), str(user.get("id") or "")),
        value=str(action.get("value") or ""),
    )


def profile_event(workspace: str, user: dict[str, Any]) -> ProfileSeen | None:
    """A ``users.info``/``user_change`` user object as a profile; None for bots."""
    if user.get("is_bot") or user.get("id") in (None, "", "USLACKBOT"):
        return None
    profile = user.get("profile") or {}
    name = (
        profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
    )
    tz = user.get("tz")  # IANA name; tz_offset is a snapshot that goes wrong at the next DST change
    admin = any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
    return ProfileSeen(
        actor=actor(workspace, str(user["id"])),
        display_name=str(name) if name else None,
        timezone=str(tz) if tz else None,
        locale=str(user["locale"]) if user.get("locale") else None,
        platform_admin=admin,
        reachable=not user.get("deleted", False),
        email=str(profile["email"]) if profile.get("email") else None,  # with the users:read.email scope
    )
