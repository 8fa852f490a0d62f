"""Core message parts → Slack Block Kit, inside Slack's limits and safe to echo.

Everything the core says may contain text people typed (answers, comments, team
names), so *all* text is escaped (``&``, ``<``, ``>`` → entities) and sent with
``verbatim`` so Slack neither turns ``<!channel>`` into a ping nor ``@here`` or a
bare URL into a link. ``Para`` keeps the core's ``*bold*``/``_italic_``; a
``Quote`` is shown as a Slack block quote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.messages import Choice, Choices, Para, Part, Quote

SECTION_LIMIT = 3000  # characters in one section's text
MAX_BLOCKS = 50  # blocks in one message (100 in a view)
FALLBACK_LIMIT = 3000  # the notification text; Slack cuts at 40k, people read far less
BUTTON_LABEL_LIMIT = 75
BUTTONS_PER_ACTIONS = 25
CHOICE_BLOCK_PREFIX = "coach_choices"
CHOICE_ACTION_PREFIX = "coach_choice"
TRUNCATED_NOTE = "_This message was shortened to fit Slack's limits; `/coach status` shows the rest._"


def escape(text: str) -> str:
    """Slack's three control characters; after this no mention, link or command can form."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_mrkdwn(text: str) -> str:
    """A person's text as a Slack block quote, escaped line by line."""
    return "\n".join("&gt; " + escape(line) for line in (text.splitlines() or [""]))


def _mrkdwn(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text, verbatim=True)


def _chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split escaped text at line ends (or hard, outside entities) into pieces Slack accepts."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
            amp = text.rfind("&", cut - 5, cut)
            if amp != -1 and ";" not in text[amp:cut]:
                cut = amp  # never split "&amp;" into "&am" + "p;"
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    pieces.append(text)
    return [p for p in pieces if p] or [""]


def choice_buttons(choices: Sequence[Choice], *, index: int = 0) -> list[ActionsBlock]:
    """Buttons whose ``value`` is the core's ``Choice.value``, returned verbatim on click."""
    blocks: list[ActionsBlock] = []
    for start in range(0, len(choices), BUTTONS_PER_ACTIONS):
        group = choices[start : start + BUTTONS_PER_ACTIONS]
        elements = [
            ButtonElement(
                text=PlainTextObject(text=c.label[:BUTTON_LABEL_LIMIT], emoji=True),
                value=c.value,
                action_id=f"{CHOICE_ACTION_PREFIX}_{start + i}",
            )
            for i, c in enumerate(group)
        ]
        blocks.append(ActionsBlock(block_id=f"{CHOICE_BLOCK_PREFIX}_{index}_{start}", elements=elements))
    return blocks


def render_parts(parts: Iterable[Part], *, max_blocks: int = MAX_BLOCKS) -> list[Block]:
    """Blocks for a message, truncated with a note when Slack's limits would be exceeded."""
    blocks: list[Block] = []
    for index, part in enumerate(parts):
        if isinstance(part, Para):
            blocks.extend(SectionBlock(text=_mrkdwn(c)) for c in _chunks(escape(part.text)))
        elif isinstance(part, Quote):
            blocks.extend(SectionBlock(text=_mrkdwn(c)) for c in _chunks(quote_mrkdwn(part.text)))
        elif isinstance(part, Choices):
            blocks.extend(choice_buttons(part.choices, index=index))
    if len(blocks) > max_blocks:
        blocks = [*blocks[: max_blocks - 1], ContextBlock(elements=[_mrkdwn(TRUNCATED_NOTE)])]
    return blocks


def fallback_text(parts: Iterable[Part]) -> str:
    """The ``text`` field: notifications and screen readers; escaped like the blocks."""
    lines: list[str] = []
    for part in parts:
        if isinstance(part, Para):
            lines.append(escape(part.text))
        elif isinstance(part, Quote):
            lines.append(quote_mrkdwn(part.text))
    text = "\n".join(lines) or "Coachbot"
    if len(text) > FALLBACK_LIMIT:
        text = _chunks(text, FALLBACK_LIMIT - 1)[0] + "…"
    return text


def message_payload(parts: Sequence[Part]) -> dict[str, Any]:
    """``text`` + ``blocks`` arguments for ``chat.postMessage``/``chat.update``/responses."""
    return {"text": fallback_text(parts), "blocks": render_parts(parts)}


def replies_payload(groups: Sequence[Sequence[Part]]) -> dict[str, Any]:
    """Several core replies shown as one Slack message (a slash command has one response)."""
    parts: list[Part] = []
    blocks: list[Block] = []
    for i, group in enumerate(groups):
        if i:
            blocks.append(DividerBlock())
        blocks.extend(render_parts(group))
        parts.extend(group)
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], ContextBlock(elements=[_mrkdwn(TRUNCATED_NOTE)])]
    return {"text": fallback_text(parts), "blocks": blocks}


def answered_blocks(blocks: Sequence[dict[str, Any]], *, label: str) -> list[dict[str, Any]]:
    """The clicked message with its buttons replaced by the choice, so the person sees it was taken."""
    shown = {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": f"Your answer: *{escape(label)}*", "verbatim": True}],
    }
    out: list[dict[str, Any]] = []
    for block in blocks:
        if block.get("type") == "actions" and str(block.get("block_id", "")).startswith(CHOICE_BLOCK_PREFIX):
            if shown not in out:
                out.append(shown)
            continue
        out.append(block)
    if shown not in out:
        out.append(shown)
    return out
