"""The local platform's "server": an in-memory mailbox per person.

It plays the part Slack or Teams play for the other adapters: it assigns message
ids, keeps threads, and remembers which buttons a message carries.
"""

from __future__ import annotations

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


class LocalTransport:
    """Delivers outbox messages into per-person mailboxes; ``unreachable`` simulates a refusal."""

    platform = "local"

    def __init__(
        self, *, now: Callable[[], datetime], on_message: Callable[[LocalMessage], None] | None = None
    ):
        self._now = now
        self._on_message = on_message
        self._counter = 0
        self.messages: list[LocalMessage] = []
        self.unreachable: set[str] = set()

    def next_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter}"

    def record(self, message: LocalMessage) -> None:
        self.messages.append(message)
        if self._on_message:
            self._on_message(message)

    async def send(self, message: OutboundMessage) -> Delivery:
        if message.person in self.unreachable:
            raise Unreachable(f"{message.person} has not installed the app")
        message_id = self.next_id("m")
        thread = message.thread if not message.opens_thread else message_id
        choices = {
            c.label: c.value for part in message.parts if isinstance(part, Choices) for c in part.choices
        }
        self.record(
            LocalMessage(
                id=message_id,
                person=message.person,
                author="coachbot",
                text=plain_text(message.parts),
                thread=thread,
                at=self._now(),
                kind=message.kind,
                choices=choices,
            )
        )
        return Delivery(message_id=message_id, channel=f"dm:{message.person}", thread=thread)

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
