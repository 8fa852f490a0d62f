"""Signed Slack request bodies → a payload dict, or a reason to answer 400.

Slack's signature is checked on the raw bytes (:func:`signature_ok`) before anything is
decoded, so a forged body is refused whatever it contains. A signed body must then be a
Slack payload of a shape the adapter and slack-bolt can read: bolt assumes, for instance,
that ``event`` is an object and ``authorizations`` a list of objects, and a body that
breaks such an assumption would otherwise surface as a 500 deep inside bolt. Every rule
here is a type check on a field something downstream reads; fields nobody reads pass
through untouched. :class:`Invalid` carries a short, log-safe reason.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

MAX_DEPTH = 24
"""Deepest nesting a Slack payload needs (Block Kit inside a view inside a payload is ~10)."""

SIGNATURE_WINDOW = 300
"""Seconds a signed request stays valid (Slack's own recommendation: five minutes)."""

JSON_TYPES = frozenset({"url_verification", "event_callback", "app_rate_limited"})
INTERACTIVE_TYPES = frozenset(
    {
        "block_actions",
        "block_suggestion",
        "view_submission",
        "view_closed",
        "shortcut",
        "message_action",
        "interactive_message",
        "dialog_submission",
        "dialog_cancellation",
        "dialog_suggestion",
        "workflow_step_edit",
    }
)


class Invalid(ValueError):
    """A signed body that is not a Slack payload Coachbot can read (answered with 400)."""


def signature_ok(raw: bytes, *, secret: str, timestamp: str, signature: str, now: float) -> bool:
    """HMAC-SHA256 over ``v0:<timestamp>:<raw bytes>``; no decoding, so any byte sequence is fine."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > SIGNATURE_WINDOW:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + raw
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


# -- shape rules ---------------------------------------------------------------------------------

Check = Callable[[Any], bool]


def _is(*types: type) -> Check:
    return lambda value: value is None or isinstance(value, types)


_STR = _is(str)
_BOOL = _is(bool)
_DICT = _is(dict)


def _list_of(check: Check) -> Check:
    return lambda value: value is None or (isinstance(value, list) and all(check(v) for v in value))


def _object(rules: Mapping[str, Check]) -> Check:
    """A dict (or absent) whose listed keys obey their rules."""
    return lambda value: value is None or (isinstance(value, dict) and _obeys(value, rules))


def _str_or(rules: Mapping[str, Check]) -> Check:
    obj = _object(rules)
    return lambda value: isinstance(value, str) or obj(value)


def _obeys(value: dict[str, Any], rules: Mapping[str, Check]) -> bool:
    return all(check(value.get(key)) for key, check in rules.items())


_IDS: dict[str, Check] = {"id": _STR, "team_id": _STR, "enterprise_id": _STR, "name": _STR, "domain": _STR}
_AUTHORIZATION = _object(
    {"team_id": _STR, "enterprise_id": _STR, "user_id": _STR, "is_enterprise_install": _BOOL}
)
_MESSAGE: dict[str, Check] = {
    "type": _STR,
    "subtype": _STR,
    "user": _STR,
    "bot_id": _STR,
    "text": _STR,
    "ts": _STR,
    "thread_ts": _STR,
    "blocks": _list_of(_DICT),
    "bot_profile": _DICT,
}
_PROFILE = _object({"display_name": _STR, "real_name": _STR})
_USER_OBJECT = _object(
    {
        **_IDS,
        "real_name": _STR,
        "tz": _STR,
        "locale": _STR,
        "profile": _PROFILE,
        "is_bot": _BOOL,
        "deleted": _BOOL,
    }
)
_EVENT = _object(
    {
        **_MESSAGE,
        "user": lambda v: _STR(v) or _USER_OBJECT(v),  # a user id, or a whole user in `user_change`
        "channel": _str_or({"id": _STR}),
        "channel_type": _STR,
        "hidden": _BOOL,
        "message": _object(_MESSAGE),
        "previous_message": _object(_MESSAGE),
        "tab": _STR,
        "subteam_id": _STR,
        "team": _STR,
        "user_team": _STR,
        "event_ts": _STR,
        "tokens": _object({"oauth": _list_of(_STR), "bot": _list_of(_STR)}),
    }
)
_ACTION = _object(
    {
        "type": _STR,
        "action_id": _STR,
        "block_id": _STR,
        "value": _STR,
        "action_ts": _STR,
        "text": _object({"text": _STR, "type": _STR}),
    }
)


def _view_state_values(value: Any) -> bool:
    """``view.state.values``: ``{block id: {action id: element}}``."""
    return value is None or (
        isinstance(value, dict)
        and all(isinstance(b, dict) and all(isinstance(e, dict) for e in b.values()) for b in value.values())
    )


_VIEW = _object(
    {
        "id": _STR,
        "type": _STR,
        "callback_id": _STR,
        "private_metadata": _STR,
        "team_id": _STR,
        "app_installed_team_id": _STR,
        "state": _object({"values": _view_state_values}),
    }
)
_TOP: dict[str, Check] = {
    "type": _STR,
    "token": _STR,
    "team_id": _STR,
    "enterprise_id": _STR,
    "api_app_id": _STR,
    "event_id": _STR,
    "user_id": _STR,
    "channel_id": _STR,
    "trigger_id": _STR,
    "response_url": _STR,
    "command": _STR,
    "text": _STR,
    "callback_id": _STR,
    "challenge": _STR,
    "is_enterprise_install": lambda v: v is None or isinstance(v, bool | str),
    "is_ext_shared_channel": _BOOL,
    "team": _str_or(_IDS),
    "enterprise": _str_or(_IDS),
    "user": _str_or(_IDS),
    "channel": _str_or({"id": _STR}),
    "authorizations": _list_of(_AUTHORIZATION),
    "event": _EVENT,
    "view": _VIEW,
    "actions": _list_of(_ACTION),
    "container": _object({"channel_id": _STR, "message_ts": _STR, "is_ephemeral": _BOOL, "type": _STR}),
    "message": _object(_MESSAGE),
}


def _depth_ok(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Nesting no deeper than ``limit`` (iterative: a hostile body must not exhaust the stack)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting beyond the parser's limit
        raise Invalid(f"{what} is not JSON") from exc
    if not isinstance(value, dict):
        raise Invalid(f"{what} is not a JSON object")
    if not _depth_ok(value):
        raise Invalid(f"{what} is nested too deeply")
    return value


def _require(body: dict[str, Any], *keys: str) -> None:
    missing = [key for key in keys if not body.get(key)]
    if missing:
        raise Invalid(f"{body.get('type') or 'slash command'} lacks {', '.join(missing)}")


def parse_signed(raw: bytes, content_type: str) -> dict[str, Any]:
    """The payload of a signed request body; :class:`Invalid` when it is not a Slack payload."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Invalid("body is not UTF-8") from exc
    if content_type == "application/json" or text.lstrip().startswith(("{", "[")):
        body = _json_object(text, "body")
        kind = body.get("type")
        if kind not in JSON_TYPES:
            raise Invalid(f"unknown JSON payload type {str(kind)[:40]!r}")
    else:
        form = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in form:
            body = _json_object(form["payload"], "payload")
            kind = body.get("type")
            if kind not in INTERACTIVE_TYPES:
                raise Invalid(f"unknown interactive payload type {str(kind)[:40]!r}")
        elif "ssl_check" in form:
            return form
        else:
            body = dict(form)
            _require(body, "command", "team_id", "user_id")
            if not body["command"].startswith("/"):
                raise Invalid("slash command name does not start with /")
            return body
    return check_shape(body)


def check_shape(body: dict[str, Any], *, complete: bool = True) -> dict[str, Any]:
    """``body`` if every field downstream code reads has the type it expects; else :class:`Invalid`.

    With ``complete``, the fields its type cannot do without must be present too.
    """
    bad = sorted(key for key, check in _TOP.items() if not check(body.get(key)))
    if bad:
        raise Invalid("malformed " + ", ".join(bad))
    if not complete:
        return body
    kind = body.get("type")
    if kind == "url_verification":
        _require(body, "challenge")
    elif kind == "event_callback":
        _require(body, "event")
        if not isinstance(body["event"].get("type"), str):
            raise Invalid("event has no type")
    elif kind == "block_actions":
        _require(body, "user", "actions")
    elif kind in ("view_submission", "view_closed"):
        _require(body, "user", "view")
    elif kind in ("shortcut", "message_action"):
        _require(body, "user", "callback_id")
    return body


def check_socket(kind: str, payload: Any) -> dict[str, Any]:
    """A Socket Mode envelope's payload, held to the same rules as an HTTP body of that kind."""
    if not isinstance(payload, dict) or not _depth_ok(payload):
        raise Invalid(f"{kind} payload is not a JSON object of sane depth")
    if kind == "slash_commands":
        _require(payload, "command", "team_id", "user_id")
        if not all(isinstance(payload[k], str) for k in ("command", "team_id", "user_id")):
            raise Invalid("malformed slash command")
    elif kind == "interactive" and payload.get("type") not in INTERACTIVE_TYPES:
        raise Invalid("unknown interactive payload type")
    elif kind == "events_api" and payload.get("type") not in JSON_TYPES:
        raise Invalid("unknown events payload type")
    # Types only: a Socket Mode envelope lacking a field is still acked by bolt as before.
    return check_shape(payload, complete=False)
