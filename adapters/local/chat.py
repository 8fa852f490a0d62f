"""`coachbot chat`: a terminal chat with Coachbot that doubles as the test harness.

You act as any person of a local organisation. Plain lines are direct messages to
the bot (commands or answers); lines starting with ``:`` drive the chat itself
(switch person, move the clock, reply in a thread, press a button). The syntax is
in README.md, section "Local chat".
"""

from __future__ import annotations

import asyncio
import math
import shlex
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from adapters.local.transport import LocalMessage, LocalTransport
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.dispatch import deliver_due
from bot.events import Actor, ChoiceMade, CommandIssued, MessageEdited, MessagePosted, ProfileSeen
from bot.messages import Reply
from bot.public_holidays import normalise_country

PLATFORM = "local"
MAX_ADVANCE = timedelta(days=366)
"""How far one `:advance` may move the clock: a year of ticks is quick; a millennium is not."""
_UNIT_SECONDS = {"minutes": 60, "hours": 3600, "days": 86400, "weeks": 7 * 86400}
TEXT_VERBS = frozenset({"reply", "edit"})
"""Chat commands whose last argument is free text, taken as typed (no shell quoting)."""
HELP = """Chat commands (everything else is a message to Coachbot):
  :as <person>                      act as this person (created if new)
  :person <handle> [tz=Area/City] [locale=de] [country=DE] [name="Full Name"] [admin]
  > <text>                          reply in your latest check-in thread
  :reply <message id> <text>        reply in the thread of a message
  :edit <your message id> <text>    edit one of your messages
  :press <message id|last> <button> press a button, e.g. :press m12 4 or :press last 4
  :advance <30m|4h|2d> | :advance to <YYYY-MM-DD HH:MM> [zone] | :advance next
  :time  :inbox [person]  :people  :help  :quit"""


class ChatError(Exception):
    """A chat line that cannot be run; the message says why, nothing changed."""


class LocalChat:
    """One local organisation, its people and a hand-moved clock.

    An :class:`adapters.kit.Adapter` (a name and a transport) but not a mount: it has no HTTP route,
    no settings and no background work, since each line runs to the end (delivery included) before
    the next one is read.
    """

    name = PLATFORM

    def __init__(
        self,
        *,
        core: Coachbot,
        clock: ManualClock,
        org: str = "demo",
        output: Callable[[str], None] = print,
        run: str | None = None,
    ) -> None:
        self.core, self.clock, self.org, self.output = core, clock, org, output
        self.transport = LocalTransport(
            now=clock.now, on_message=self._show, on_edit=self._show_edit, run=run
        )
        self.current: str | None = None
        self._zones: dict[str, str] = {}

    # -- people ------------------------------------------------------------------------------------

    def actor(self, handle: str | None = None) -> Actor:
        handle = handle or self.current
        if handle is None:
            raise ChatError("Choose who you are first, e.g. `:as alice`.")
        return Actor(PLATFORM, self.org, handle)

    def person(
        self,
        handle: str,
        *,
        tz: str | None = None,
        locale: str | None = None,
        name: str | None = None,
        admin: bool | None = None,
        country: str | None = None,
    ) -> None:
        self.core.handle(
            ProfileSeen(
                self.actor(handle),
                display_name=name or handle,
                timezone=tz,
                locale=locale,
                platform_admin=admin,
                reachable=True,
                country=country,
            )
        )
        if tz:
            self._zones[handle] = tz

    def remember_zone(self, handle: str, zone: str) -> None:
        """Show this person's messages in their zone (the core knows it; the chat only prints)."""
        self._zones.setdefault(handle, zone)

    def as_(self, handle: str) -> None:
        if not self.core.knows(self.actor(handle)):
            self.person(handle)
        self.current = handle

    # -- talking -----------------------------------------------------------------------------------

    def _event_id(self) -> str:
        # Unique across chat sessions on one database: the core ignores an event id it has seen.
        return self.transport.ref(self.transport.next_id("e"))

    def say(self, text: str, *, thread: str | None = None) -> str:
        """Send a direct message (or a thread reply) as the current person; returns its id."""
        message_id = self.transport.next_id("u")
        actor = self.actor()
        self.transport.record(
            LocalMessage(
                id=message_id,
                person=actor.person,
                author=actor.person,
                text=text,
                thread=thread,
                at=self.clock.now(),
            )
        )
        stripped = text.strip()
        if thread is None and stripped.lower().startswith(("/coach", "coach ")):
            replies = self.core.handle(CommandIssued(self._event_id(), actor, stripped))
        else:
            replies = self.core.handle(
                MessagePosted(
                    self._event_id(),
                    actor,
                    text,
                    channel=f"dm:{actor.person}",
                    message_id=self.transport.ref(message_id),
                    thread=self.transport.ref(thread) if thread else None,
                    direct=True,
                )
            )
        self._show_replies(replies)
        self.deliver()
        return message_id

    def reply(self, message_id: str, text: str) -> str:
        message = self.transport.find(message_id)
        if message is None:
            raise ChatError(f"There is no message {message_id}.")
        return self.say(text, thread=message.thread or message.id)

    def reply_latest(self, text: str) -> str:
        thread = self.transport.latest_thread(self.actor().person)
        if thread is None:
            raise ChatError("You have no check-in thread yet; write without `>` to message Coachbot.")
        return self.say(text, thread=thread)

    def edit(self, message_id: str, text: str) -> None:
        message = self.transport.find(message_id)
        if message is None or message.author != self.actor().person:
            raise ChatError(f"{message_id} is not one of your messages.")
        message.text = text
        self._show_replies(
            self.core.handle(
                MessageEdited(
                    self._event_id(),
                    self.actor(),
                    f"dm:{message.person}",
                    self.transport.ref(message_id),
                    text,
                )
            )
        )
        self.deliver()

    def press(self, message_id: str, label: str) -> None:
        """Press a button; ``last`` means the newest message to you that has buttons."""
        message = (
            self.transport.find(message_id)
            if message_id != "last"
            else self.transport.latest_with_choices(self.actor().person)
        )
        if message is None or label not in message.choices:
            raise ChatError(f"Message {message_id} has no button {label!r}.")
        self._show_replies(
            self.core.handle(ChoiceMade(self._event_id(), self.actor(), message.choices[label]))
        )
        self.deliver()

    # -- time ----------------------------------------------------------------------------------------

    def deliver(self) -> int:
        return asyncio.run(deliver_due(self.core, self.transport))

    def advance_to(self, target: datetime) -> None:
        """Move time forward, stopping at every moment something is due so it happens on time."""
        if target < self.clock.now():
            raise ChatError("Time only moves forward.")
        if target - self.clock.now() > MAX_ADVANCE:
            # Every stop on the way runs a tick: years ahead would run (nearly) forever.
            raise ChatError(
                f"That is more than {MAX_ADVANCE.days} days ahead; move the clock at most a year at a time."
            )
        while True:
            self.core.tick()
            self.deliver()
            wake = self.next_stop()
            if wake is None or wake > target:
                break
            self.clock.set(wake)
        self.clock.set(target)
        self.core.tick()
        self.deliver()

    def advance(self, delta: timedelta) -> None:
        self.advance_to(self.clock.now() + delta)

    def next_stop(self) -> datetime | None:
        """The next moment after now when something happens (nudge, reminder, window end, digest)."""
        return self.core.next_wakeup(later=True)

    # -- output -----------------------------------------------------------------------------------

    def _local(self, handle: str, at: datetime) -> str:
        zone = self._zones.get(handle, "UTC")
        return f"{at.astimezone(ZoneInfo(zone)):%a %d %b %H:%M} {zone}"

    def _show(self, message: LocalMessage) -> None:
        if message.author != "coachbot":
            return
        where = (
            f"thread {message.thread}" if message.thread and message.thread != message.id else "new thread"
        )
        when = self._local(message.person, message.at)
        head = f"[{message.id} to {message.person}, {when}, {message.kind}, {where}]"
        self.output(head + "\n" + _indent(message.text))

    def _show_edit(self, message: LocalMessage) -> None:
        """An in-place update: the same message, rewritten (Slack shows "edited")."""
        when = self._local(message.person, message.edited_at or message.at)
        self.output(
            f"[{message.id} to {message.person} edited, {when}, {message.kind}]\n" + _indent(message.text)
        )

    def _show_replies(self, replies: Iterable[Reply]) -> None:
        for reply in replies:
            self.output(("[only you see this]\n" if reply.private else "") + _indent(reply.text))

    # -- script lines ---------------------------------------------------------------------------------

    def run_line(self, line: str) -> bool:
        """Run one chat line; False when the chat should end."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        try:
            return self._run(line)
        except ChatError as exc:
            self.output(f"! {exc}")
        return True

    def _run(self, line: str) -> bool:
        if line.startswith(">"):
            self.reply_latest(line[1:].strip())
            return True
        if not line.startswith(":"):
            self.say(line)
            return True
        head, _, rest = line[1:].strip().partition(" ")
        verb = head.lower()
        if not verb:
            raise ChatError("Empty chat command; try `:help`.")
        if verb in ("quit", "exit"):
            return False
        handler = getattr(self, f"_cmd_{verb}", None)
        if handler is None:
            raise ChatError(f"Unknown chat command :{verb}. Try :help.")
        if verb in TEXT_VERBS:
            # What follows the message id is a message, taken exactly as typed: "don't", "a 'b'".
            args = rest.strip().split(None, 1)
        else:
            try:
                args = shlex.split(rest)
            except ValueError as exc:
                raise ChatError(f"Could not read that line: {exc}.") from exc
        handler(args, line)
        return True

    def _cmd_help(self, _args: list[str], _line: str) -> None:
        self.output(HELP)

    def _cmd_as(self, args: list[str], _line: str) -> None:
        if len(args) != 1:
            raise ChatError("Usage: :as <person>")
        self.as_(args[0].lstrip("@"))
        self.output(f"(you are now {self.current})")

    def _cmd_person(self, args: list[str], _line: str) -> None:
        if not args:
            raise ChatError(
                'Usage: :person <handle> [tz=Area/City] [locale=de] [country=DE] [name="Full Name"] [admin]'
            )
        options = dict(a.split("=", 1) for a in args[1:] if "=" in a)
        unknown = set(options) - {"tz", "locale", "name", "country"} | {
            a for a in args[1:] if "=" not in a
        } - {"admin"}
        if unknown:
            raise ChatError(f"Unknown option(s): {', '.join(sorted(unknown))}.")
        tz = options.get("tz")
        if tz:
            try:
                ZoneInfo(tz)
            except Exception as exc:
                raise ChatError(f"{tz} is not a time zone name like Europe/Berlin.") from exc
        country = options.get("country")
        if country and normalise_country(country) is None:
            raise ChatError(f"{country} is not a country code with public holidays, like DE, US or DE-BY.")
        self.person(
            args[0].lstrip("@"),
            tz=tz,
            locale=options.get("locale"),
            name=options.get("name"),
            admin=True if "admin" in args[1:] else None,
            country=country,
        )

    def _cmd_reply(self, args: list[str], _line: str) -> None:
        if len(args) < 2:
            raise ChatError("Usage: :reply <message id> <text>")
        self.reply(args[0], args[1])

    def _cmd_edit(self, args: list[str], _line: str) -> None:
        if len(args) < 2:
            raise ChatError("Usage: :edit <your message id> <text>")
        self.edit(args[0], args[1])

    def _cmd_press(self, args: list[str], _line: str) -> None:
        if len(args) != 2:
            raise ChatError("Usage: :press <message id> <button>")
        self.press(args[0], args[1])

    def _cmd_advance(self, args: list[str], _line: str) -> None:
        if args == ["next"]:
            wake = self.next_stop()
            if wake is None:
                raise ChatError("Nothing is scheduled.")
            self.advance_to(wake)
        elif args and args[0] == "to":
            self.advance_to(parse_instant(args[1:]))
        elif len(args) == 1:
            self.advance(parse_duration(args[0]))
        else:
            raise ChatError(
                "Usage: :advance <30m|4h|2d> | :advance to <YYYY-MM-DD HH:MM> [zone] | :advance next"
            )
        self.output(f"(it is now {self.clock.now():%a %d %b %Y %H:%M} UTC)")

    def _cmd_time(self, _args: list[str], _line: str) -> None:
        self.output(f"(it is {self.clock.now():%a %d %b %Y %H:%M} UTC)")

    def _cmd_inbox(self, args: list[str], _line: str) -> None:
        handle = args[0] if args else self.actor().person
        for m in self.transport.inbox(handle):
            self.output(f"[{m.id} {m.author}{' in ' + m.thread if m.thread else ''}] {m.text}")

    def _cmd_people(self, _args: list[str], _line: str) -> None:
        handles = sorted({m.person for m in self.transport.messages} | set(self._zones))
        self.output(", ".join(f"{h} ({self._zones.get(h, 'UTC')})" for h in handles) or "(nobody yet)")


def parse_duration(text: str) -> timedelta:
    """``30m``, ``4h``, ``2d``, ``1.5w``: a positive, finite duration of at most :data:`MAX_ADVANCE`."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    try:
        amount = float(text[:-1])
        unit = units[text[-1:]]
    except (KeyError, ValueError) as exc:
        raise ChatError(f"{text!r} is not a duration like 30m, 4h or 2d.") from exc
    # Checked before timedelta(): 1e9d overflows it, nan and inf it refuses with odd errors.
    if not math.isfinite(amount) or amount <= 0:
        raise ChatError(f"{text!r} is not a duration like 30m, 4h or 2d: it must be more than zero.")
    if amount * _UNIT_SECONDS[unit] > MAX_ADVANCE.total_seconds():
        raise ChatError(f"{text!r} is too far: move the clock at most {MAX_ADVANCE.days} days at a time.")
    return timedelta(**{unit: amount})


def parse_instant(words: list[str]) -> datetime:
    if len(words) not in (2, 3):
        raise ChatError("Usage: :advance to YYYY-MM-DD HH:MM [Area/City]")
    try:
        naive = datetime.strptime(f"{words[0]} {words[1]}", "%Y-%m-%d %H:%M")
        zone = ZoneInfo(words[2]) if len(words) == 3 else UTC
        return naive.replace(tzinfo=zone).astimezone(UTC)  # overflows at the ends of the calendar
    except Exception as exc:
        raise ChatError("Usage: :advance to YYYY-MM-DD HH:MM [Area/City]") from exc


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
