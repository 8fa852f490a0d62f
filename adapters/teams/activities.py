"""Reading Teams activities: who, where, and what they said, in core terms.

Pure functions over :class:`botbuilder.schema.Activity`, so the rules are easy to
test against recorded traffic:

* **Who** - ``Actor(platform="teams", workspace=<tenant id>, person=<from.id>)``.
  ``from.id`` (``29:…``) is what Teams puts in mention entities, roster pages and
  conversation members, so one id serves every path. ``aadObjectId`` is accepted
  in ``COACHBOT_ADMINS`` as well, because that is what a Teams admin can look up.
* **Where** - a personal chat is ``direct``; in a channel the thread is the reply
  chain's root message id (``;messageid=`` in the conversation id, else ``replyToId``).
* **What** - the bot's own ``<at>…</at>`` mention is removed; other mentions become
  ``<@29:…|Name>``, the syntax the core's command parser reads as a person.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity, ChannelAccount

from bot.events import Actor, ProfileSeen

PLATFORM = "teams"
COMMAND_PREFIXES = ("/coach", "coach")
_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_BREAK = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


class Malformed(ValueError):
    """An authenticated request whose body is not an activity Coachbot can read (answered with 400)."""


def loads(raw: bytes) -> Any:
    """The request body as JSON, or None when it is not JSON at all (never raises)."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return None


def _text(body: Any, key: str) -> str | None:
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


def auth_envelope(body: Any) -> Activity:
    """Just what token validation reads (channel, service URL, the recipient's role), taken from
    the raw JSON without deserialising the activity: a malformed body cannot fail before the token
    does. A non-string ``serviceUrl`` is left out here and refused by :func:`parse_activity`."""
    recipient = body.get("recipient") if isinstance(body, dict) else None
    return Activity(
        channel_id=_text(body, "channelId"),
        service_url=_text(body, "serviceUrl"),
        recipient=ChannelAccount(role=_text(recipient, "role")),
    )


def parse_activity(body: Any) -> Activity:
    """The activity in an authenticated request body; :class:`Malformed` when it is not one."""
    if body is None:
        raise Malformed("body is not JSON")
    if not isinstance(body, dict):
        raise Malformed("body is not a JSON object")
    if body.get("serviceUrl") is not None and _text(body, "serviceUrl") is None:
        raise Malformed("serviceUrl is not a string")  # the token vouched for no such URL
    try:
        activity = Activity().deserialize(body)
    except (
        TypeError,
        ValueError,
        AttributeError,
        RecursionError,
    ) as exc:  # msrest DeserializationError is a ValueError
        raise Malformed(str(exc).split("\n", 1)[0][:160]) from exc
    if not isinstance(activity.type, str) or not activity.type:
        raise Malformed("activity has no type")
    return activity


@dataclass(frozen=True)
class Spoken:
    """A message's text after mention handling; ``addressed`` if it @mentioned the bot."""

    text: str
    addressed: bool


def tenant_of(activity: Activity) -> str | None:
    conversation = activity.conversation
    if conversation is not None and conversation.tenant_id:
        return str(conversation.tenant_id)
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])
    return None


def workspace_of(activity: Activity) -> str:
    """The tenant; the Emulator and Web Chat have none, so their channel id stands in."""
    return tenant_of(activity) or f"{activity.channel_id or 'unknown'}"


def actor_of(activity: Activity) -> Actor | None:
    """The person behind an activity, or None for the bot itself / a sender-less activity."""
    sender = activity.from_property
    if sender is None or not sender.id:
        return None
    if activity.recipient is not None and sender.id == activity.recipient.id:
        return None
    if (sender.role or "").lower() == "bot" or sender.id.startswith("28:"):
        return None
    return Actor(platform=PLATFORM, workspace=workspace_of(activity), person=str(sender.id))


def conversation_type(activity: Activity) -> str:
    conversation = activity.conversation
    if conversation is None:
        return "personal"
    if conversation.conversation_type:
        return str(conversation.conversation_type)
    return "groupChat" if conversation.is_group else "personal"


def is_personal(activity: Activity) -> bool:
    return conversation_type(activity) == "personal"


def team_id_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team")
    return str(team["id"]) if isinstance(team, dict) and team.get("id") else None


def event_type_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    value = data.get("eventType")
    return str(value) if value else None


def thread_of(activity: Activity) -> str | None:
    """The reply chain a channel message belongs to; None for top-level posts and 1:1 chats."""
    if is_personal(activity):
        return None
    conversation_id = activity.conversation.id if activity.conversation else ""
    if conversation_id and ";messageid=" in conversation_id:
        return conversation_id.split(";messageid=", 1)[1] or None
    return activity.reply_to_id or None


def locale_of(activity: Activity) -> str | None:
    if activity.locale:
        return str(activity.locale)
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        if entity.type == "clientInfo" and props.get("locale"):
            return str(props["locale"])
    return None


def profile_of(activity: Activity, *, admins: frozenset[str], reachable: bool | None) -> ProfileSeen | None:
    """What this activity says about its sender (name, zone, locale, admin, reachability)."""
    actor = actor_of(activity)
    if actor is None:
        return None
    sender = activity.from_property
    aad = getattr(sender, "aad_object_id", None)
    return ProfileSeen(
        actor=actor,
        display_name=sender.name or None,
        timezone=activity.local_timezone or None,
        locale=locale_of(activity),
        platform_admin=bool(admins) and (sender.id in admins or (aad is not None and aad in admins)),
        reachable=reachable,
    )


def mentioned_people(activity: Activity) -> list[ProfileSeen]:
    """Profiles of the people a message @mentions (not the bot), so a command can name
    someone who never wrote to Coachbot - Teams gives their id and display name."""
    bot_id = activity.recipient.id if activity.recipient is not None else None
    workspace = workspace_of(activity)
    return [
        ProfileSeen(
            actor=Actor(platform=PLATFORM, workspace=workspace, person=person_id), display_name=name or None
        )
        for _text, person_id, name in _mentions(activity)
        if person_id != bot_id and not person_id.startswith("28:")
    ]


def _mentions(activity: Activity) -> list[tuple[str, str, str]]:
    """``(entity text, mentioned id, mentioned name)`` for each mention entity."""
    found: list[tuple[str, str, str]] = []
    for entity in activity.entities or []:
        if entity.type != "mention":
            continue
        props = entity.additional_properties or {}
        mentioned = props.get("mentioned") or {}
        if isinstance(mentioned, dict) and mentioned.get("id"):
            found.append(
                (str(props.get("text") or ""), str(mentioned["id"]), str(mentioned.get("name") or ""))
            )
    return found


def spoken_text(activity: Activity) -> Spoken:
    """The message text for the core: bot mention removed, people mentions as ``<@id|Name>``."""
    text = activity.text or ""
    bot_id = activity.recipient.id if activity.recipient is not None else None
    addressed = False
    for entity_text, person_id, name in _mentions(activity):
        target = entity_text or f"<at>{name}</at>"
        if person_id == bot_id:
            if target in text:
                text = text.replace(target, " ", 1)
                addressed = True
            continue
        safe_name = re.sub(r"[<>|]", "", name).strip()
        replacement = f"<@{person_id}|{safe_name}>" if safe_name else f"<@{person_id}>"
        text = text.replace(target, f" {replacement} ", 1)
    # Unknown <at> tags (no entity) keep their name as plain text; other markup goes.
    text = _AT.sub(lambda m: "@" + m.group(1), text)
    text = _TAG.sub("", _BREAK.sub("\n", text))
    text = html.unescape(text).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return Spoken(text="\n".join(line for line in lines if line).strip(), addressed=addressed)


def is_command(text: str) -> bool:
    """An explicit command: ``/coach …`` or ``coach …`` (the parser strips the prefix itself)."""
    first = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    return first in COMMAND_PREFIXES


def edited_event_id(activity: Activity) -> str:
    """Teams reuses the message id for its edits; the text makes each edit a distinct delivery."""
    stamp = activity.timestamp.isoformat() if activity.timestamp else ""
    digest = hashlib.sha256(f"{stamp}\n{activity.text or ''}".encode()).hexdigest()[:16]
    return f"{activity.id}:edit:{digest}"
