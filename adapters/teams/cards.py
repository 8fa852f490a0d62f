"""Rendering core messages as Teams activities, and reading card clicks back.

* A message of bot text only is a plain Teams message in markdown.
* A message that echoes people's words (:class:`Quote`) or offers buttons
  (:class:`Choices`) is an Adaptive Card 1.5: a Quote becomes a ``RichTextBlock``
  of ``TextRun`` s, which Teams never reads as markdown, HTML or a mention, so a
  person's answer can't ping anyone or hide a link when it is shown to others.
* Buttons are ``Action.Execute`` (Universal Actions) with ``verb`` and ``data``
  carrying the core's ``Choice.value``; an ``Action.Submit`` fallback makes older
  clients send the same data as a message with ``value`` (messageBack).
* After a click the card is replaced by one that shows the choice and has no buttons.
"""

from __future__ import annotations

import html
import re
from typing import Any

from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.i18n import tr
from bot.messages import Choices, Para, Part, Quote, plain_text

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"
CHOICE_VERB = "coachbot.choice"
CHOICE_MARK = "coachbot"  # data key telling our buttons apart from anything else posted back
_PROMPT_LIMIT = 600
_MARKS = re.compile(r"(?<!\w)[*_]|[*_](?!\w)")
_BOLD = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")


def para_markdown(text: str, *, for_card: bool = False) -> str:
    """The core's ``*bold*``/``_italic_`` as Teams markdown, with link syntax neutralised.

    Chat messages also get HTML escaped (Teams renders some HTML in messages);
    card text blocks never render HTML, so there an entity would show literally.
    """
    escaped = text if for_card else html.escape(text, quote=False)
    escaped = escaped.replace("[", "\\[").replace("]", "\\]")
    return _BOLD.sub(r"**\1**", escaped)


def needs_card(parts: tuple[Part, ...]) -> bool:
    return any(isinstance(part, Quote | Choices) for part in parts)


def _prompt_of(parts: tuple[Part, ...]) -> str:
    """The bot text before the buttons, carried in the button data to redraw the card after a click."""
    text = "\n\n".join(part.text for part in parts if isinstance(part, Para))
    return text[:_PROMPT_LIMIT]


def choice_data(*, value: str, label: str, prompt: str) -> dict[str, str]:
    return {CHOICE_MARK: "choice", "value": value, "label": label, "prompt": prompt}


def _quote_block(text: str) -> dict[str, Any]:
    return {
        "type": "Container",
        "style": "emphasis",
        "items": [{"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text or " "}]}],
    }


def _choice_actions(choices: Choices, prompt: str) -> list[dict[str, Any]]:
    actions: list[dict[str, Any]] = []
    for choice in choices.choices:
        data = choice_data(value=choice.value, label=choice.label, prompt=prompt)
        actions.append(
            {
                "type": "Action.Execute",
                "title": choice.label,
                "verb": CHOICE_VERB,
                "data": data,
                "fallback": {"type": "Action.Submit", "title": choice.label, "data": data},
            }
        )
    return actions


def card_for(parts: tuple[Part, ...]) -> dict[str, Any]:
    """An Adaptive Card 1.5 showing these parts in order."""
    prompt = _prompt_of(parts)
    body: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, Para):
            body.append({"type": "TextBlock", "text": para_markdown(part.text, for_card=True), "wrap": True})
        elif isinstance(part, Quote):
            body.append(_quote_block(part.text))
        else:
            body.append({"type": "ActionSet", "actions": _choice_actions(part, prompt)})
    return {
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "body": body or [{"type": "TextBlock", "text": " "}],
    }


def answered_card(*, prompt: str, label: str, locale: str | None = None) -> dict[str, Any]:
    """The card that replaces a question once a button was pressed: the question and the choice.

    ``prompt`` and ``label`` come back in the button data, already in the person's language;
    the one line written here is translated for the clicking person's ``locale``.
    """
    body: list[dict[str, Any]] = []
    if prompt:
        body.append({"type": "TextBlock", "text": para_markdown(prompt, for_card=True), "wrap": True})
    mine = tr(locale)._("Your answer:")
    body.append({"type": "TextBlock", "text": mine, "isSubtle": True, "wrap": True, "spacing": "Medium"})
    body.append(_quote_block(label))
    return {"type": "AdaptiveCard", "version": CARD_VERSION, "body": body}


def card_activity(card: dict[str, Any], *, summary: str = "") -> Activity:
    return Activity(
        type=ActivityTypes.message,
        summary=summary[:200] or None,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=card)],
    )


def render(parts: tuple[Part, ...]) -> Activity:
    """The Teams activity for a core message (see the module docstring for the rules)."""
    if needs_card(parts):
        summary = _MARKS.sub("", plain_text(tuple(part for part in parts if isinstance(part, Para))))
        return card_activity(card_for(parts), summary=summary)
    text = "\n\n".join(para_markdown(part.text) for part in parts if isinstance(part, Para))
    return Activity(type=ActivityTypes.message, text=text, text_format="markdown")


def invoke_card_response(card: dict[str, Any]) -> dict[str, Any]:
    """The ``adaptiveCard/action`` invoke response body that replaces the clicked card."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def invoke_message_response(text: str) -> dict[str, Any]:
    """An ``adaptiveCard/action`` response that leaves the card and shows a short note."""
    return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message", "value": text}


def choice_from(value: object) -> dict[str, str] | None:
    """Our button data from an invoke or messageBack ``value``, or None if it isn't ours.

    Accepts the Universal Action shape ``{"action": {"verb", "data"}}``, the raw
    data of an ``Action.Submit``, and a messageBack whose data sits under ``value``.
    """
    if not isinstance(value, dict):
        return None
    action = value.get("action")
    if isinstance(action, dict):
        if action.get("verb") not in (None, CHOICE_VERB):
            return None
        return choice_from(action.get("data"))
    if value.get(CHOICE_MARK) == "choice" and isinstance(value.get("value"), str) and value["value"]:
        return {
            "value": value["value"],
            "label": str(value.get("label") or value["value"]),
            "prompt": str(value.get("prompt") or ""),
        }
    nested = value.get("value")
    return choice_from(nested) if isinstance(nested, dict) else None
