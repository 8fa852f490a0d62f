"""``/coach cadence add`` as a modal: the same fields as the command, validated by the same parser.

The modal is only a friendlier way to type the command: one field per option of the
command's declaration (:data:`bot.commands.BY_PATH`), plus its name. On submission the
fields become a command line, the core checks it (:meth:`bot.core.Coachbot.check_command`;
a refusal names the option it is about, and goes back into the modal under that option's
field, via ``response_action: errors``), and the line then runs through the core exactly as
if it had been typed.

Titles, labels, choices and errors are in the admin's language; the example values in
placeholders are command syntax (recurrences, durations, prompt set ids) and stay as typed.
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

from bot.commands import BY_PATH
from bot.i18n import Tr

CALLBACK_ID = "coach_cadence_add"
COMMAND = BY_PATH["cadence add"]

NAME = "name"
"""The field of the positional name; the parser calls it by this name too when it refuses one."""

FIELDS = (NAME, *(option.name for option in COMMAND.options))
"""Block ids: the name, then one per option of the command, in its declared order."""


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
    block: str,
    label: str,
    choices: tuple[tuple[str, str], ...],
    *,
    initial: str | None,
    optional: bool = False,
) -> InputBlock:
    options = [Option(value=value, text=text) for value, text in choices]
    initial_option = next((o for o in options if o.value == initial), None)
    return InputBlock(
        block_id=block,
        label=label,
        optional=optional,
        element=StaticSelectElement(action_id=block, options=options, initial_option=initial_option),
    )


def cadence_modal(t: Tr, *, channel: str | None = None) -> View:
    """The form in the admin's language; ``private_metadata`` remembers where ``/coach`` was typed."""
    audiences = (("manager", t._("The manager")), ("members", t._("The members")), ("both", t._("Both")))
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=t._("New check-in cadence")[:24],  # Slack's limit for a modal title
        submit=t._("Create"),
        close=t._("Cancel"),
        private_metadata=json.dumps({"channel": channel}),
        blocks=[
            _text("name", t._("Name"), placeholder="weekly-pulse"),
            _text("team", t._("Team"), placeholder="design"),
            _select("audience", t._("Who is nudged"), audiences, initial="members"),
            _text(
                "every",
                t._("How often"),
                placeholder="weekly mon · weekdays · every 2 weeks tue · monthly last fri",
                initial="weekly mon",
            ),
            InputBlock(
                block_id="at",
                label=t._("Local time"),
                element=TimePickerElement(action_id="at", initial_time="09:00"),
            ),
            _text("prompts", t._("Prompt set"), placeholder="team-pulse", optional=True),
            InputBlock(
                block_id="questions",
                label=t._("Questions per check-in"),
                optional=True,
                element=NumberInputElement(
                    action_id="questions", is_decimal_allowed=False, min_value="1", max_value="10"
                ),
            ),
            _text("window", t._("Answer window"), placeholder="2d", optional=True),
            _select(
                "anonymous",
                t._("Anonymous answers"),
                (("yes", t._("Yes")), ("no", t._("No"))),
                initial=None,
                optional=True,
            ),
            _select(
                "commitment",
                t._("End with a commitment question"),
                (("yes", t._("Yes")), ("no", t._("No"))),
                initial=None,
                optional=True,
            ),
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


def field_errors(values: dict[str, str], t: Tr) -> dict[str, str]:
    """Checks the parser can't make per field: presence and characters that would break quoting."""
    errors: dict[str, str] = {}
    for required in ("name", "team", "audience", "every", "at"):
        if not values.get(required):
            errors[required] = t._("Required.")
    for block, value in values.items():
        if '"' in value:
            errors[block] = t._("Please don't use double quotes here.")
    if values.get("at") and not re.fullmatch(r"\d{1,2}:\d{2}", values["at"]):
        errors["at"] = t._("Use HH:MM, e.g. {example}.", example="09:00")
    return errors


def command_line(values: dict[str, str]) -> str:
    """The ``cadence add`` command these fields stand for (greedy options always quoted)."""
    words = [COMMAND.path, _quoted(values[NAME])]
    for option in COMMAND.options:
        value = values.get(option.name)
        if value:
            words += [f"--{option.name}", f'"{value}"' if option.greedy else _quoted(value)]
    return " ".join(words)


def field_for(option: str | None) -> str:
    """The field showing an error about ``option``; the name field when it names none we show."""
    return option if option in FIELDS else NAME


def metadata_channel(view: dict[str, Any]) -> str | None:
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = data.get("channel") if isinstance(data, dict) else None
    return str(channel) if channel else None
