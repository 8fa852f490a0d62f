"""The Teams activity handler: translate each activity into core events, nothing more.

Every inbound activity first refreshes what Teams lets us keep for later - the
sender's 1:1 ConversationReference (or the team's), and their profile (name,
``localTimezone``, locale, admin flag, and "reachable" when they write to the bot
or install the app, which releases messages the core held for them). Then:

* ``message`` → ``ChoiceMade`` for our card data (messageBack / Action.Submit),
  else ``CommandIssued`` (``/coach``, ``coach``, or ``@Coachbot`` in a channel) or
  ``MessagePosted`` (a 1:1 message: an answer, or a command when no check-in is open;
  a reply to one of the bot's messages carries that message's id as its thread);
* ``messageUpdate`` → ``MessageEdited``;
* ``invoke`` ``adaptiveCard/action`` → ``ChoiceMade`` and an invoke response that
  replaces the card; other invokes are acknowledged with 200 and ignored (the app
  declares no message extensions, task modules or tabs);
* ``conversationUpdate`` / ``installationUpdate`` → references and roster syncs;
* reactions, typing, deletes, meeting and other events are deliberately ignored.

Ack first, work after: a message or an edit is recorded durably in the inbound queue (group
commit) and the turn ends, so Teams gets its 200 before the core has looked at it; the ingress
worker applies it and :meth:`TeamsBot.answer` replies in the conversation it came from. Card
clicks are answered within the turn (the clicked card is replaced in place); outbox delivery
happens after the turn (``on_change``).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus

from botbuilder.core import ActivityHandler, InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ConversationAccount, ConversationReference

from adapters.teams import activities as A
from adapters.teams import cards, references
from adapters.teams.roster import BINDING_PREFIX
from adapters.teams.settings import TeamsSettings
from adapters.teams.state import Seen
from bot.core import Coachbot
from bot.effects import BindingChanged, Outcome
from bot.events import Actor, ChoiceMade, CommandIssued, Event, MessageEdited, MessagePosted
from bot.i18n import N_, tr
from bot.ingress import Route
from bot.messages import Para, Part

log = logging.getLogger(__name__)

Queueable = MessagePosted | MessageEdited | CommandIssued
"""What a turn records and leaves to the ingress worker (card clicks are answered within the turn)."""

WELCOME = N_(
    "Hi, I'm *Coachbot*. I'll send you short coaching check-ins here; answer them in this chat. "
    "Type `help` to see what I can do."
)
_REACHING = {
    ActivityTypes.message,
    ActivityTypes.message_update,
    ActivityTypes.invoke,
    ActivityTypes.conversation_update,
    ActivityTypes.installation_update,
}


class TeamsBot(ActivityHandler):  # type: ignore[misc]
    """Coachbot's Bot Framework bot; see the module docstring for the routing table."""

    def __init__(
        self,
        *,
        core: Coachbot,
        settings: TeamsSettings,
        seen: Seen,
        send_private: Callable[[str, str, tuple[Part, ...]], Awaitable[bool]],
        on_change: Callable[[], None],
        on_roster: Callable[[str | None], None],
        enqueue: Callable[[Queueable, Route], Awaitable[bool]],
        send_in: Callable[[ConversationReference, list[Activity]], Awaitable[None]],
    ) -> None:
        self._core = core
        self._settings = settings
        self._engine = core.database.engine
        self._seen = seen
        self._send_private = send_private
        self._on_change = on_change
        self._on_roster = on_roster
        self._enqueue = enqueue
        self._send_in = send_in

    async def on_turn(self, turn_context: TurnContext) -> None:
        await self._remember(turn_context.activity)
        await super().on_turn(turn_context)
        self._on_change()

    # -- what every activity tells us ---------------------------------------------------------

    async def _remember(self, activity: Activity) -> None:
        actor = A.actor_of(activity)
        tenant = A.tenant_of(activity)
        removing = activity.action in ("remove", "remove-upgrade") or bool(activity.members_removed)
        team_id = A.team_id_of(activity)
        if team_id and tenant and not removing:
            reference = TurnContext.get_conversation_reference(activity)
            reference.conversation = ConversationAccount(
                id=team_id, is_group=True, conversation_type="channel", tenant_id=tenant
            )
            reference.user = None
            reference.activity_id = None
            await self._save(tenant=tenant, kind="team", subject=team_id, reference=reference)
        reachable: bool | None = None
        if actor is not None and A.is_personal(activity) and not removing and activity.type in _REACHING:
            reference = TurnContext.get_conversation_reference(activity)
            reference.activity_id = None
            await self._save(tenant=actor.workspace, kind="person", subject=actor.person, reference=reference)
            reachable = True
        profile = A.profile_of(activity, admins=self._settings.admins, reachable=reachable)
        if profile is not None and self._seen.profile_changed(profile):
            await asyncio.to_thread(self._core.handle, profile)

    async def _save(
        self, *, tenant: str, kind: references.Kind, subject: str, reference: ConversationReference
    ) -> None:
        fingerprint = f"{reference.service_url}|{reference.conversation.id if reference.conversation else ''}"
        if self._seen.reference_changed(tenant, kind, subject, fingerprint):
            await asyncio.to_thread(
                references.save, self._engine, tenant=tenant, kind=kind, subject=subject, reference=reference
            )

    # -- messages -------------------------------------------------------------------------------

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        actor = A.actor_of(activity)
        if actor is None:
            return
        choice = cards.choice_from(activity.value)
        if choice is not None:
            outcome = await self._handle(
                ChoiceMade(event_id=self._event_id(activity), actor=actor, value=choice["value"])
            )
            if activity.reply_to_id:
                await self._replace_card(turn_context, activity.reply_to_id, choice)
            await self._reply(turn_context, outcome)
            return
        spoken = A.spoken_text(activity)
        if not spoken.text:
            return  # card data that isn't ours, files, stickers
        channel = activity.conversation.id if activity.conversation else ""

        def message(*, thread: str | None, direct: bool) -> MessagePosted:
            return MessagePosted(
                event_id=self._event_id(activity),
                actor=actor,
                text=spoken.text,
                channel=channel,
                message_id=activity.id or "",
                thread=thread,
                direct=direct,
            )

        event: Queueable
        if A.is_personal(activity):
            if A.is_command(spoken.text):
                event = CommandIssued(event_id=self._event_id(activity), actor=actor, text=spoken.text)
            else:
                # A quoted reply names the message it answers: only a check-in's messages take
                # answers, so a reply to a digest must not become one (the core decides by thread).
                event = message(thread=activity.reply_to_id or None, direct=True)
        elif spoken.addressed or A.is_command(spoken.text):
            for profile in A.mentioned_people(activity):
                if self._seen.profile_changed(profile):
                    await asyncio.to_thread(self._core.handle, profile)
            team_id = A.team_id_of(activity)
            here = f"{BINDING_PREFIX}{team_id}" if team_id else None  # `team bind <team> here`
            event = CommandIssued(event_id=self._event_id(activity), actor=actor, text=spoken.text, here=here)
        else:
            event = message(thread=A.thread_of(activity), direct=False)
        await self._queue(event, activity)

    async def on_message_update_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        actor = A.actor_of(activity)
        if actor is None or A.event_type_of(activity) not in (None, "editMessage") or not activity.id:
            return
        spoken = A.spoken_text(activity)
        if not spoken.text:
            return
        event = MessageEdited(
            event_id=A.edited_event_id(activity),
            actor=actor,
            channel=activity.conversation.id if activity.conversation else "",
            message_id=activity.id,
            text=spoken.text,
        )
        await self._queue(event, activity)

    # -- card clicks through invokes ---------------------------------------------------------------

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        actor = A.actor_of(activity)
        name = activity.name or ""
        choice = cards.choice_from(activity.value) if name in ("", "adaptiveCard/action") else None
        if actor is None or choice is None:
            if name == "adaptiveCard/action":
                t = tr(A.locale_of(activity))
                return InvokeResponse(
                    status=HTTPStatus.OK, body=cards.invoke_message_response(t._("Nothing to do."))
                )
            return InvokeResponse(status=HTTPStatus.OK)  # deliberately ignored: not a feature of this app
        outcome = await self._handle(
            ChoiceMade(event_id=self._event_id(activity), actor=actor, value=choice["value"])
        )
        await self._reply(turn_context, outcome)
        if name == "adaptiveCard/action":
            card = cards.answered_card(
                prompt=choice["prompt"], label=choice["label"], locale=A.locale_of(activity)
            )
            return InvokeResponse(status=HTTPStatus.OK, body=cards.invoke_card_response(card))
        if activity.reply_to_id:
            await self._replace_card(turn_context, activity.reply_to_id, choice)
        return InvokeResponse(status=HTTPStatus.OK)

    # -- membership -------------------------------------------------------------------------------

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        bot_id = activity.recipient.id if activity.recipient else None
        added = [m for m in activity.members_added or [] if m.id]
        removed = [m for m in activity.members_removed or [] if m.id]
        team_id = A.team_id_of(activity)
        tenant = A.tenant_of(activity)
        if team_id and tenant and any(m.id == bot_id for m in removed):
            await asyncio.to_thread(
                references.forget, self._engine, tenant=tenant, kind="team", subject=team_id
            )
            return
        if A.is_personal(activity) and any(m.id == bot_id for m in added):
            await turn_context.send_activity(cards.render((Para(tr(A.locale_of(activity))._(WELCOME)),)))
        if team_id and any(m.id != bot_id for m in added + removed):
            self._on_roster(team_id)

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        actor = A.actor_of(activity)
        tenant = A.tenant_of(activity)
        if activity.action in ("remove", "remove-upgrade"):
            if A.is_personal(activity) and actor is not None:
                self._seen.forget(actor.workspace, actor.person)
                await asyncio.to_thread(
                    references.forget,
                    self._engine,
                    tenant=actor.workspace,
                    kind="person",
                    subject=actor.person,
                )
            elif (team_id := A.team_id_of(activity)) and tenant:
                await asyncio.to_thread(
                    references.forget, self._engine, tenant=tenant, kind="team", subject=team_id
                )
            return
        if A.is_personal(activity):
            await turn_context.send_activity(cards.render((Para(tr(A.locale_of(activity))._(WELCOME)),)))
        elif team_id := A.team_id_of(activity):
            self._on_roster(team_id)

    # -- ack first, answer after ----------------------------------------------------------------------

    async def _queue(self, event: Queueable, activity: Activity) -> None:
        """Record the event durably and let the turn end: Teams gets its 200 at once, and the ingress
        worker applies the event and answers in this conversation (:meth:`answer`)."""
        reference = TurnContext.get_conversation_reference(activity)
        route: Route = {
            "reference": json.dumps(reference.serialize()),
            "personal": A.is_personal(activity),
            "locale": A.locale_of(activity) or "en",
        }
        await self._enqueue(event, route)

    async def answer(self, event: Event, route: Route, outcome: Outcome) -> None:
        """The replies to a queued event, in the conversation it came from; then its effects."""
        for effect in outcome.effects:
            if isinstance(effect, BindingChanged):  # by any of the command's names
                self._on_roster(_team_of_source(effect.binding))
        if not outcome.replies:
            return
        reference = ConversationReference().deserialize(json.loads(str(route.get("reference") or "{}")))
        activities = await self._answers(
            event.actor, outcome, shared=not route.get("personal"), locale=str(route.get("locale") or "en")
        )
        await self._send_in(reference, activities)

    async def _answers(self, actor: Actor, outcome: Outcome, *, shared: bool, locale: str) -> list[Activity]:
        """Answers go where they were asked, except private ones asked in a shared conversation: those
        go to the person's 1:1 chat, and the conversation gets a short note saying so."""
        private = [r for r in outcome.replies if r.private and shared]
        here = [cards.render(r.parts) for r in outcome.replies if r not in private]
        if private:
            parts = tuple(part for reply in private for part in reply.parts)
            delivered = await self._send_private(actor.workspace, actor.person, parts)
            t = tr(locale)
            note = (
                t._("I've answered you in our 1:1 chat.")
                if delivered
                else t._("I can't message you privately yet: open a chat with Coachbot, then try again.")
            )
            here.append(cards.render((Para(note),)))
        return here

    # -- helpers ------------------------------------------------------------------------------------

    async def _handle(self, event: Event) -> Outcome:
        return await asyncio.to_thread(self._core.apply, event)

    @staticmethod
    def _event_id(activity: Activity) -> str:
        return (
            activity.id or f"{activity.type}:{activity.timestamp.isoformat() if activity.timestamp else ''}"
        )

    async def _reply(self, turn_context: TurnContext, outcome: Outcome) -> None:
        """Answers within the turn (a card click, which also updates the card in place)."""
        activity = turn_context.activity
        actor = A.actor_of(activity)
        if actor is None:
            return
        shared = not A.is_personal(activity)
        for answer in await self._answers(
            actor, outcome, shared=shared, locale=A.locale_of(activity) or "en"
        ):
            await turn_context.send_activity(answer)

    async def _replace_card(
        self, turn_context: TurnContext, activity_id: str, choice: dict[str, str]
    ) -> None:
        """messageBack clicks get no invoke response, so the card is updated in place instead."""
        card = cards.answered_card(
            prompt=choice["prompt"], label=choice["label"], locale=A.locale_of(turn_context.activity)
        )
        update = cards.card_activity(card)
        update.id = activity_id
        try:
            await turn_context.update_activity(update)
        except Exception as exc:  # the answer is recorded; a stale card is cosmetic
            log.info("could not update the clicked card %s: %s", activity_id, exc)


def _team_of_source(source: str) -> str | None:
    """The Teams team a bind names; None (sync every binding) when the source isn't a Teams one."""
    if not source.startswith(BINDING_PREFIX):
        return None
    return source[len(BINDING_PREFIX) :].strip() or None
