"""The local platform's "server": an in-memory mailbox per person.

It plays the part Slack or Teams play for the other adapters: it assigns message
ids, keeps threads, remembers which buttons a message carries, and edits a message
in place when the core sends an update.

Ids are shown short (``m12`` for the bot's messages, ``u13`` for people's) so they are easy to type,
but the core stores them (check-in threads, answers, outbox deliveries) and a database outlives a chat
session. So the id the core sees is the short id plus this session's run tag (``m12.3f9a1c``): a second
`coachbot chat` on the same database starts again at ``m1`` without ever meaning an earlier ``m1``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.messages import Choices, Delivery, MessageKind, OutboundMessage, Unreachable, plain_text


@dataclass
class LocalMessage:
    id: str
    person: str
    author: str  # "coachbot" or the person's handle
    text: str
    thread: str | None
    at: datetime
    kind: MessageKind | str = "chat"
    choices: dict[str, str] = field(default_factory=dict)  # label -> value
    edits: int = 0  # how often it was changed in place since it was posted
    edited_at: datetime | None = None


class LocalTransport:
    """Delivers outbox messages into per-person mailboxes; ``unreachable`` simulates a refusal."""

    platform = "local"

    def __init__(
        self,
        *,
        now: Callable[[], datetime],
        on_message: Callable[[LocalMessage], None] | None = None,
        on_edit: Callable[[LocalMessage], None] | None = None,
        run: str | None = None,
    ):
        self._now = now
        self._on_message = on_message
        self._on_edit = on_edit
        self._counter = 0
        self.run = run or uuid.uuid4().hex[:6]
        """Tags every id the core sees with this chat session, so ids never repeat across sessions."""
        self.messages: list[LocalMessage] = []
        self.unreachable: set[str] = set()

    def next_id(self, prefix: str) -> str:
        """A short id for this session (``m12``); the core gets :meth:`ref` of it."""
        self._counter += 1
        return f"{prefix}{self._counter}"

    def ref(self, short: str) -> str:
        """The platform id the core stores for a shown id (an earlier session's id is already one)."""
        return short if "." in short else f"{short}.{self.run}"

    def short(self, ref: str) -> str:
        """The id shown for a platform id: short for this session, in full for an earlier one."""
        return ref.removesuffix(f".{self.run}")

    def record(self, message: LocalMessage) -> None:
        self.messages.append(message)
        if self._on_message:
            self._on_message(message)

    async def send(self, message: OutboundMessage) -> Delivery:
        if message.person in self.unreachable:
            raise Unreachable(f"{message.person} has not installed the app")
        if message.replaces is not None:
            return self._update(message, message.replaces)
        message_id = self.next_id("m")
        # A nudge opens its own thread; other messages go in the thread the core names (if any).
        thread_ref = self.ref(message_id) if message.opens_thread else message.thread
        thread = self.short(thread_ref) if thread_ref else None
        self.record(
            LocalMessage(
                id=message_id,
                person=message.person,
                author="coachbot",
                text=plain_text(message.parts),
                thread=thread,
                at=self._now(),
                kind=message.kind,
                choices=_choices(message),
            )
        )
        return Delivery(message_id=self.ref(message_id), channel=f"dm:{message.person}", thread=thread_ref)

    def _update(self, message: OutboundMessage, target: Delivery) -> Delivery:
        """Rewrite an earlier message in place, as Slack's ``chat.update`` does.

        A message of an earlier session is no longer in memory; the edit still counts as delivered,
        because the only copy of that message (this process's memory) is gone with it.
        """
        found = self.find(self.short(target.message_id))
        if found is not None:
            found.text = plain_text(message.parts)
            found.choices = _choices(message)
            found.edits += 1
            found.edited_at = self._now()
            if self._on_edit:
                self._on_edit(found)
        return Delivery(message_id=target.message_id, channel=target.channel, thread=target.thread)

    def inbox(self, person: str) -> list[LocalMessage]:
        return [m for m in self.messages if m.person == person]

    def find(self, message_id: str) -> LocalMessage | None:
        return next((m for m in self.messages if m.id == message_id), None)

    def latest_thread(self, person: str) -> str | None:
        """The thread of the most recent nudge to this person — where ``>`` replies go."""
        nudges = [m for m in self.messages if m.person == person and m.kind == "nudge"]
        return nudges[-1].thread if nudges else None

    def latest_with_choices(self, person: str) -> LocalMessage | None:
        with_buttons = [m for m in self.messages if m.person == person and m.choices]
        return with_buttons[-1] if with_buttons else None


def _choices(message: OutboundMessage) -> dict[str, str]:
    return {c.label: c.value for part in message.parts if isinstance(part, Choices) for c in part.choices}
