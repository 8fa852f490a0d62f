"""``/coach cadence add`` as a modal: the same fields as the command, validated by the same parser.

The modal is only a friendlier way to type the command: on submission the fields
become a command line, the shared parser checks it (errors go back into the modal
next to the field, via ``response_action: errors``), and the line then runs
through the core exactly as if it had been typed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.models.blocks import (
    InputBlock,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

CALLBACK_ID = "coach_cadence_add"

FIELDS = ("name", "team", "audience", "every", "at", "prompts", "questions", "window", "anonymous")
"""Block ids, one per command option, in command order."""

_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("audience", "audience"),
    ("every", "every"),
    ("recurrence", "every"),
    ("weekday", "every"),
    ("monthly", "every"),
    ("--at", "at"),
    ("time", "at"),
    ("question", "questions"),
    ("window", "window"),
    ("anonymous", "anonymous"),
    ("prompt", "prompts"),
    ("team", "team"),
)


def _text(
    block: str, label: str, *, placeholder: str, initial: str | None = None, optional: bool = False
) -> InputBlock:
    return InputBlock(
        block_id=block,
        label=label,
        optional=optional,
        element=PlainTextInputElement(action_id=block, placeholder=placeholder, initial_value=initial),
    )


def _select(
    block: str, label: str, choices: tuple[str, ...], *, initial: str | None, optional: bool = False
) -> InputBlock:
    options = [Option(value=c, text=c) for c in choices]
    initial_option = next((o for o in options if o.value == initial), None)
    return InputBlock(
        block_id=block,
        label=label,
        optional=optional,
        element=StaticSelectElement(action_id=block, options=options, initial_option=initial_option),
    )


def cadence_modal(*, channel: str | None = None) -> View:
    """The form; ``private_metadata`` remembers where ``/coach`` was typed."""
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title="New check-in cadence",
        submit="Create",
        close="Cancel",
        private_metadata=json.dumps({"channel": channel}),
        blocks=[
            _text("name", "Name", placeholder="weekly-pulse"),
            _text("team", "Team", placeholder="design"),
            _select("audience", "Who is nudged", ("manager", "members", "both"), initial="members"),
            _text(
                "every",
                "How often",
                placeholder="weekly mon · weekdays · every 2 weeks tue · monthly last fri",
                initial="weekly mon",
            ),
            InputBlock(
                block_id="at",
                label="Local time",
                element=TimePickerElement(action_id="at", initial_time="09:00"),
            ),
            _text("prompts", "Prompt set", placeholder="team-pulse", optional=True),
            InputBlock(
                block_id="questions",
                label="Questions per check-in",
                optional=True,
                element=NumberInputElement(
                    action_id="questions", is_decimal_allowed=False, min_value="1", max_value="10"
                ),
            ),
            _text("window", "Answer window", placeholder="2d", optional=True),
            _select("anonymous", "Anonymous answers", ("yes", "no"), initial=None, optional=True),
        ],
    )


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """Field → submitted string ('' when left empty), whatever element type holds it."""
    state = ((view.get("state") or {}).get("values")) or {}
    values: dict[str, str] = {}
    for block in FIELDS:
        element = (state.get(block) or {}).get(block) or {}
        value = (
            element.get("value")
            or element.get("selected_time")
            or (element.get("selected_option") or {}).get("value")
            or ""
        )
        values[block] = str(value).strip()
    return values


def _quoted(value: str) -> str:
    return f'"{value}"' if re.search(r"\s", value) else value


def field_errors(values: dict[str, str]) -> dict[str, str]:
    """Checks the parser can't make per field: presence and characters that would break quoting."""
    errors: dict[str, str] = {}
    for required in ("name", "team", "audience", "every", "at"):
        if not values.get(required):
            errors[required] = "Required."
    for block, value in values.items():
        if '"' in value:
            errors[block] = "Please don't use double quotes here."
    if values.get("at") and not re.fullmatch(r"\d{1,2}:\d{2}", values["at"]):
        errors["at"] = "Use HH:MM, e.g. 09:00."
    return errors


def command_line(values: dict[str, str]) -> str:
    """The ``cadence add`` command these fields stand for."""
    words = [
        "cadence add",
        _quoted(values["name"]),
        "--team",
        _quoted(values["team"]),
        "--audience",
        values["audience"],
        "--every",
        f'"{values["every"]}"',
        "--at",
        values["at"],
    ]
    for option in ("prompts", "questions", "window", "anonymous"):
        if values.get(option):
            words += [f"--{option}", _quoted(values[option])]
    return " ".join(words)


def error_field(message: str) -> str:
    """Which field a parser error is about, judged by its wording; the name field if unclear."""
    lowered = message.lower()
    for keyword, field in _KEYWORDS:
        if keyword in lowered:
            return field
    return "name"


def metadata_channel(view: dict[str, Any]) -> str | None:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = data.get("channel") if isinstance(data, dict) else None
    return str(channel) if channel else None
