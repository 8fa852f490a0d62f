"""Core message parts → Slack Block Kit, inside Slack's limits and safe to echo.

Everything the core says may contain text people typed (answers, comments, team
names), so *all* text is escaped (``&``, ``<``, ``>`` → entities) and sent with
``verbatim`` so Slack neither turns ``<!channel>`` into a ping nor ``@here`` or a
bare URL into a link. ``Para`` keeps the core's ``*bold*``/``_italic_``; a
``Quote`` is shown as a Slack block quote.

A message longer than one Slack message allows (50 blocks) is never cut: the first part says
"…continued in the thread" and the rest follows as replies in that message's thread
(:func:`message_payloads`). The few words this module writes itself are in the reader's language.
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

from bot.i18n import Tr
from bot.messages import Choice, Choices, Para, Part, Quote

SECTION_LIMIT = 3000  # characters in one section's text
MAX_BLOCKS = 50  # blocks in one message (100 in a view)
FALLBACK_LIMIT = 3000  # the notification text; Slack cuts at 40k, people read far less
BUTTON_LABEL_LIMIT = 75
BUTTONS_PER_ACTIONS = 25
CHOICE_BLOCK_PREFIX = "coach_choices"
CHOICE_ACTION_PREFIX = "coach_choice"


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


def _note(text: str) -> ContextBlock:
    return ContextBlock(elements=[_mrkdwn("_" + escape(text) + "_")])


def truncated_note(t: Tr) -> ContextBlock:
    return _note(t._("This message was shortened to fit Slack's limits; `/coach status` shows the rest."))


def continued_note(t: Tr) -> ContextBlock:
    return _note(t._("…continued in the thread"))


def render_parts(parts: Iterable[Part], *, t: Tr, max_blocks: int | None = MAX_BLOCKS) -> list[Block]:
    """Blocks for a message, truncated with a note when ``max_blocks`` would be exceeded (None: never)."""
    blocks: list[Block] = []
    for index, part in enumerate(parts):
        if isinstance(part, Para):
            blocks.extend(SectionBlock(text=_mrkdwn(c)) for c in _chunks(escape(part.text)))
        elif isinstance(part, Quote):
            blocks.extend(SectionBlock(text=_mrkdwn(c)) for c in _chunks(quote_mrkdwn(part.text)))
        elif isinstance(part, Choices):
            blocks.extend(choice_buttons(part.choices, index=index))
    if max_blocks is not None and len(blocks) > max_blocks:
        blocks = [*blocks[: max_blocks - 1], truncated_note(t)]
    return blocks


def fallback_text(parts: Iterable[Part]) -> str:
    """The ``text`` field: notifications and screen readers; escaped like the blocks."""
    lines: list[str] = []
    for part in parts:
        if isinstance(part, Para):
            lines.append(escape(part.text))
        elif isinstance(part, Quote):
            lines.append(quote_mrkdwn(part.text))
    return _cap("\n".join(lines) or "Coachbot")


def _cap(text: str) -> str:
    return _chunks(text, FALLBACK_LIMIT - 1)[0] + "…" if len(text) > FALLBACK_LIMIT else text


def blocks_text(blocks: Sequence[Block]) -> str:
    """The readable text of some blocks (already escaped), for a part's notification text."""
    lines: list[str] = []
    for block in blocks:
        data = block.to_dict()
        text = data.get("text")
        if isinstance(text, dict):
            lines.append(str(text.get("text", "")))
        lines.extend(str(e["text"]) for e in data.get("elements") or [] if isinstance(e.get("text"), str))
    return _cap("\n".join(line for line in lines if line) or "Coachbot")


def message_payloads(parts: Sequence[Part], *, t: Tr) -> list[dict[str, Any]]:
    """``text`` + ``blocks`` for one message, or for several when it does not fit in one.

    The first payload is the message itself and ends with "…continued in the thread"; the others
    are posted, in order, as replies in its thread. Nothing is dropped.
    """
    blocks = render_parts(parts, t=t, max_blocks=None)
    if len(blocks) <= MAX_BLOCKS:
        return [{"text": fallback_text(parts), "blocks": blocks}]
    head = blocks[: MAX_BLOCKS - 1]
    payloads = [{"text": blocks_text(head), "blocks": [*head, continued_note(t)]}]
    rest = blocks[MAX_BLOCKS - 1 :]
    for start in range(0, len(rest), MAX_BLOCKS):
        chunk = rest[start : start + MAX_BLOCKS]
        payloads.append({"text": blocks_text(chunk), "blocks": chunk})
    return payloads


def message_payload(parts: Sequence[Part], *, t: Tr) -> dict[str, Any]:
    """``text`` + ``blocks`` arguments for a message that must be one (a modal, a response)."""
    return {"text": fallback_text(parts), "blocks": render_parts(parts, t=t)}


def replies_payload(groups: Sequence[Sequence[Part]], *, t: Tr) -> dict[str, Any]:
    """Several core replies shown as one Slack message (a slash command has one response)."""
    parts: list[Part] = []
    blocks: list[Block] = []
    for i, group in enumerate(groups):
        if i:
            blocks.append(DividerBlock())
        blocks.extend(render_parts(group, t=t))
        parts.extend(group)
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 1], truncated_note(t)]
    return {"text": fallback_text(parts), "blocks": blocks}


def answered_blocks(blocks: Sequence[dict[str, Any]], *, label: str, t: Tr) -> list[dict[str, Any]]:
    """The clicked message with its buttons replaced by the choice, so the person sees it was taken."""
    text = t._("Your answer: {choice}", choice=f"*{escape(label)}*")
    shown = {"type": "context", "elements": [{"type": "mrkdwn", "text": text, "verbatim": True}]}
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
