"""The core's one entry point for adapters: events in, replies and outbox messages out.

Adapters only ever call :class:`Coachbot`:

* :meth:`Coachbot.apply` with a core event — returns immediate replies for the
  caller (a command's answer) and the effects of the event (:mod:`bot.effects`: a team
  was bound, an option was invalid …) for the adapter to act on; :meth:`Coachbot.handle`
  gives just the replies. Everything else the core wants to say goes to the outbox and
  leaves through :func:`bot.dispatch.deliver_due`.
* :meth:`Coachbot.tick` on a timer — opens due check-ins, sends reminders, closes
  windows and writes digests.

Both are synchronous database work; async adapters run them in a worker thread.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import checkins, followups, leases, onboarding, outbox, people, planner, reports, text
from bot.clock import Clock, SystemClock
from bot.commands import BY_PATH, CommandError, NeedsForm, read
from bot.context import Context
from bot.effects import CommandRefused, Outcome
from bot.events import (
    Actor,
    ChoiceMade,
    CommandIssued,
    Event,
    MessageEdited,
    MessagePosted,
    ProfileSeen,
)
from bot.handlers import run_command
from bot.holdings import Holding
from bot.i18n import Tr, tr
from bot.messages import Delivery, OutboundMessage, Para, Reply
from bot.prompt_store import LibraryCache
from bot.prompts import PromptLibrary
from bot.views import HomeView
from storage.db import Database
from storage.models import InboundEvent

log = logging.getLogger(__name__)

OUTBOX_LEASE = timedelta(seconds=30)
"""How long a sender owns a claimed outbox row without renewing it; a dead sender's rows move on after it."""


class Coachbot:
    """The coaching core, bound to one database, one clock and one prompt library."""

    def __init__(
        self,
        *,
        database: Database,
        clock: Clock | None = None,
        library: PromptLibrary | None = None,
        outbox_lease: timedelta = OUTBOX_LEASE,
    ):
        self.database = database
        self.clock: Clock = clock or SystemClock()
        self.library = library or PromptLibrary.load()
        """The library from the files; what runs is this with the database's versions over it."""
        self.prompts = LibraryCache(self.library)
        self.outbox_lease = outbox_lease
        """How long this replica owns a claimed outbox row between renewals (``COACHBOT_OUTBOX_LEASE``)."""
        self.holdings: list[Holding] = []

    def register_holding(self, holding: Holding) -> None:
        """An adapter declares data it keeps about people, so `privacy` export and delete cover it."""
        self.holdings.append(holding)

    # -- inbound -------------------------------------------------------------------------------

    def handle(self, event: Event) -> list[Reply]:
        """Apply one event exactly once and return the replies (:meth:`apply` gives its effects too)."""
        return list(self.apply(event).replies)

    def apply(self, event: Event) -> Outcome:
        """Apply one event exactly once; a repeated ``event_id`` returns nothing and changes nothing."""
        # People's text is cleaned once, here, for every adapter: no NUL (PostgreSQL refuses it), no
        # lone surrogates (no database stores them), no field longer than its column.
        event = text.clean_event(event)
        if isinstance(event, ProfileSeen):
            with self.database.session() as session:
                people.apply_profile(session, event, now=self.clock.now())
            return Outcome()
        try:
            with self.database.session() as session:
                session.add(
                    InboundEvent(
                        platform=event.actor.platform, event_id=event.event_id, received_at=self.clock.now()
                    )
                )
                session.flush()
                return self._apply(session, event)
        except IntegrityError:
            if self._seen(event):
                log.info("duplicate delivery of %s ignored", event.event_id)
                return Outcome()
            raise

    def _seen(self, event: MessagePosted | MessageEdited | ChoiceMade | CommandIssued) -> bool:
        with self.database.session() as session:
            return (
                session.scalar(
                    select(InboundEvent.id).where(
                        InboundEvent.platform == event.actor.platform, InboundEvent.event_id == event.event_id
                    )
                )
                is not None
            )

    def _apply(
        self, session: Session, event: MessagePosted | MessageEdited | ChoiceMade | CommandIssued
    ) -> Outcome:
        now = self.clock.now()
        person = people.ensure_person(session, event.actor, now=now)
        library = self.prompts.current(session)
        ctx = Context(session=session, person=person, now=now, library=library, holdings=self.holdings)
        if isinstance(event, CommandIssued):
            ctx.here = event.here
        replies = self._replies(ctx, event)
        return Outcome(tuple(replies), tuple(ctx.effects))

    def _replies(
        self, ctx: Context, event: MessagePosted | MessageEdited | ChoiceMade | CommandIssued
    ) -> list[Reply]:
        if isinstance(event, CommandIssued):
            return self._command(ctx, event.text)
        if isinstance(event, MessageEdited):
            return checkins.apply_edit(ctx, message_id=event.message_id, text=event.text)
        if isinstance(event, ChoiceMade):
            return checkins.apply_choice(ctx, value=event.value, message_id=None)
        handled = checkins.apply_message(
            ctx, text=event.text, thread=event.thread, direct=event.direct, message_id=event.message_id
        )
        if handled is not None:
            return handled
        if event.direct:
            # A direct message that is not an answer is read as a command, as in the local chat.
            return self._command(ctx, event.text)
        return []

    def _command(self, ctx: Context, text: str) -> list[Reply]:
        try:
            parsed = read(text)
        except CommandError as exc:
            ctx.report(_refused(exc))
            return [Reply((Para(exc.render(ctx.t)),))]
        return run_command(ctx, parsed)

    @staticmethod
    def wants_form(text: str) -> bool:
        """Whether a command line asks for a form rather than running (``cadence add`` alone), for
        adapters that can show one (the Slack modal)."""
        try:
            read(text)
        except NeedsForm:
            return True
        except CommandError:
            return False
        return False

    def may_run(self, actor: Actor, command: str) -> bool:
        """Whether this person may run the command at ``command`` (a path such as "cadence add"), as
        its declaration says: for adapters that offer a command's form before it runs."""
        with self.database.session() as session:
            person = people.find_person(session, actor)
            return BY_PATH[command].permission.allows(is_admin=bool(person and person.is_admin))

    @staticmethod
    def check_command(text: str) -> CommandRefused | None:
        """What would stop this command line from running as written, without running it (no
        database, nothing recorded): for forms that must answer at once (the Slack modal)."""
        try:
            read(text)
        except CommandError as exc:
            return _refused(exc)
        return None

    # -- time ----------------------------------------------------------------------------------

    def tick(self, *, on_batch: Callable[[int], None] | None = None) -> None:
        """Advance the world to ``clock.now()``: nudges, reminders, closings, digests.

        Safe on several replicas at once: every step claims its rows with ``FOR UPDATE SKIP LOCKED``
        (PostgreSQL). ``on_batch`` hears of each committed batch of opened check-ins (from this
        thread), so a server can start sending them while the rest are still being opened.
        """
        now = self.clock.now()
        with self.database.session() as session:
            library = self.prompts.current(session)
        planner.open_due_checkins(self.database, library, now=now, on_batch=on_batch)
        onboarding.open_due_steps(self.database, library, now=now)
        followups.send_due_reminders(self.database, now=now)
        followups.close_expired(self.database, library, now=now)

    def next_wakeup(self, *, later: bool = False) -> datetime | None:
        """When something is next due, so a local clock can jump straight there; with ``later``, the
        next thing due after now (what is due already is passed over)."""
        now = self.clock.now()
        with self.database.session() as session:
            return planner.next_wakeup(session, now=now, after=now if later else None)

    # -- outbox --------------------------------------------------------------------------------

    @functools.cached_property
    def replica_id(self) -> str:
        """This core's name as the owner of outbox rows and replica leases (unique per instance)."""
        return leases.new_replica_id()

    @functools.cached_property
    def outbox_journal(self) -> dict[int, Delivery]:
        """Outbox rows the platform accepted whose ``sent`` mark is not committed yet.

        Kept in memory so that a database blip between the platform's acceptance and the mark
        never causes a resend: :meth:`claim_due` first marks what is here, and the rows stay
        leased (renewed) until they are marked.
        """
        return {}

    def claim_due(
        self, *, platform: str, limit: int = 100, lease: timedelta | None = None
    ) -> list[OutboundMessage]:
        """Lease due messages for this replica; first reconciles :attr:`outbox_journal` (raises,
        claiming nothing, if those marks cannot be written)."""
        self.reconcile_outbox()
        with self.database.session() as session:
            return outbox.claim_due(
                session,
                platform=platform,
                now=self.clock.now(),
                limit=limit,
                lease=lease or self.outbox_lease,
                owner=self.replica_id,
            )

    def renew_outbox_leases(self, ids: list[int], *, lease: timedelta | None = None) -> set[int]:
        """Extend this replica's leases on ``ids``; returns those still ours."""
        with self.database.session() as session:
            return outbox.renew(
                session,
                ids=ids,
                owner=self.replica_id,
                now=self.clock.now(),
                lease=lease or self.outbox_lease,
            )

    def message_sent(self, outbox_id: int, delivery: Delivery) -> None:
        """The platform accepted a message: journal it, then mark it (the journal keeps it if the
        mark fails, and the next :meth:`claim_due` or :meth:`reconcile_outbox` retries)."""
        self.outbox_journal[outbox_id] = delivery
        self.reconcile_outbox()

    def messages_sent(self, deliveries: dict[int, Delivery]) -> set[int]:
        """Mark a batch of accepted messages in one transaction; returns the ids marked.

        They leave the journal once the transaction committed (a row that is no longer ours, or
        gone, leaves it too: there is nothing left for us to mark).
        """
        if not deliveries:
            return set()
        self.outbox_journal.update(deliveries)
        with self.database.session() as session:
            marked = outbox.mark_sent_many(
                session, deliveries=deliveries, now=self.clock.now(), owner=self.replica_id
            )
        for outbox_id in deliveries:
            self.outbox_journal.pop(outbox_id, None)
        lost = set(deliveries) - marked
        if lost:
            log.info("outbox rows %s were accepted but are no longer ours to mark", sorted(lost)[:20])
        return marked

    def reconcile_outbox(self) -> set[int]:
        """Mark everything in :attr:`outbox_journal` (one transaction); raises if the database is down."""
        return self.messages_sent(dict(self.outbox_journal))

    def message_retry(self, outbox_id: int, *, after: timedelta, error: str) -> None:
        with self.database.session() as session:
            outbox.mark_retry(
                session,
                outbox_id=outbox_id,
                after=after,
                error=error,
                now=self.clock.now(),
                owner=self.replica_id,
            )

    def message_unreachable(self, outbox_id: int, *, error: str) -> None:
        with self.database.session() as session:
            outbox.mark_unreachable(session, outbox_id=outbox_id, error=error, owner=self.replica_id)

    # -- views for adapters ----------------------------------------------------------------------

    def home(self, actor: Actor) -> HomeView:
        """What App Home (or any dashboard) shows this person; thresholds already applied."""
        with self.database.session() as session:
            person = people.ensure_person(session, actor, now=self.clock.now())
            library = self.prompts.current(session)
            return reports.home(session, person, now=self.clock.now(), library=library)

    def translator(self, actor: Actor) -> Tr:
        """Sentences in this person's language (English if unknown).

        For adapters that show a :class:`~bot.commands.CommandError` themselves (a form field):
        ``exc.render_message(core.translator(who))``.
        """
        with self.database.session() as session:
            person = people.find_person(session, actor)
            return tr(person.locale if person else None)

    def knows(self, actor: Actor) -> bool:
        """Whether this person has a profile yet (adapters fetch one from the platform if not)."""
        with self.database.session() as session:
            return people.find_person(session, actor) is not None

    def team_bindings(self, *, platform: str) -> list[tuple[str, str, str]]:
        """``(workspace, team name, binding)`` for every team bound to a platform roster."""
        with self.database.session() as session:
            return people.team_bindings(session, platform=platform)

    def sync_team(self, *, platform: str, workspace: str, team: str, members: list[str]) -> None:
        """Make a bound team's members exactly these platform ids (profiles must exist)."""
        with self.database.session() as session:
            people.sync_team(
                session,
                platform=platform,
                workspace=workspace,
                team=team,
                members=members,
                now=self.clock.now(),
            )


def _refused(error: CommandError) -> CommandRefused:
    return CommandRefused(option=error.option, message=error.msg)
