"""Core messages: what the core asks an adapter to show, and the adapter's answer.

A message is a tuple of parts so that each adapter can render it natively
(Slack Block Kit, Teams Adaptive Cards, plain text) and, above all, so that text
written by people (``Quote``) is always distinguishable from text the bot wrote
(``Para``): adapters must neutralise mentions, links and markup inside a Quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol


@dataclass(frozen=True)
class Para:
    """Bot-authored text. May use ``*bold*`` and ``_italic_``; nothing else is markup."""

    text: str


@dataclass(frozen=True)
class Quote:
    """Text a person wrote, echoed back (answers, comments). Never interpreted as markup.

    ``author`` is the writer's person id when the quote is stored beyond their own thread (a
    digest), so that ``privacy delete`` can find and erase their words; it is never shown.
    """

    text: str
    author: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class Choices:
    """Buttons; the chosen value comes back as :class:`bot.events.ChoiceMade`."""

    choices: tuple[Choice, ...]


Part = Para | Quote | Choices

MessageKind = Literal[
    "nudge", "question", "reminder", "thanks", "late", "digest", "notice", "welcome", "update"
]


@dataclass(frozen=True)
class Reply:
    """An immediate answer to a command, for the caller only when ``private``."""

    parts: tuple[Part, ...]
    private: bool = True

    @property
    def text(self) -> str:
        return plain_text(self.parts)


@dataclass(frozen=True)
class Delivery:
    """What the platform gave back: the posted message's id and its thread."""

    message_id: str
    channel: str | None = None
    thread: str | None = None


@dataclass(frozen=True)
class OutboundMessage:
    """A message from the outbox, to be delivered once to one person's direct chat.

    ``thread`` is the platform thread to post in (the nudge's delivery id), or
    ``None`` for a new top-level message. ``opens_thread`` marks a nudge: its
    delivery id becomes the check-in's thread.
    """

    id: int
    platform: str
    workspace: str
    person: str
    kind: MessageKind
    parts: tuple[Part, ...]
    thread: str | None = None
    opens_thread: bool = False
    checkin_id: int | None = None
    locale: str = "en"
    meta: dict[str, str] = field(default_factory=dict)
    replaces: Delivery | None = None
    """Set for an update: rewrite this already-posted message in place (Slack ``chat.update``,
    Teams activity update) instead of posting a new one. Platforms that cannot edit post nothing."""
    uncertain: bool = False
    """An earlier sender's lease ran out while it held this message: it may have been delivered
    before that sender died. A platform that can look (Slack) checks the conversation for it
    before posting again."""

    @property
    def text(self) -> str:
        return plain_text(self.parts)


class Unreachable(Exception):
    """The platform refuses to message this person until they install the app (Teams 403)."""


class RetryLater(Exception):
    """The platform asked us to slow down; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


class Transport(Protocol):
    """What an adapter implements to deliver core messages on its platform.

    ``send`` must raise :class:`Unreachable` or :class:`RetryLater` for those two
    cases, and any other exception for a failure worth retrying later.
    """

    platform: str

    async def send(self, message: OutboundMessage) -> Delivery: ...


def plain_text(parts: tuple[Part, ...]) -> str:
    """A plain-text rendering, for notifications, logs and the local chat."""
    lines: list[str] = []
    for part in parts:
        if isinstance(part, Para):
            lines.append(part.text)
        elif isinstance(part, Quote):
            lines.extend("> " + line for line in part.text.splitlines() or [""])
        else:
            lines.append("  ".join(f"[{c.label}]" for c in part.choices))
    return "\n".join(lines)
