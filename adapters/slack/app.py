"""The bolt app: every Slack delivery → an acknowledgement now, core work right after.

Acknowledge first, work after (issue 8): a slash command, a DM or thread message, a Home
button, a shortcut or a submitted form becomes a core event that is written to the durable
inbound queue (:mod:`bot.ingress`, group commit: many requests per transaction) and only then
acknowledged — an empty 200, so Slack has its answer in milliseconds and a crash after the ack
loses nothing. The mount's :class:`~bot.ingress_worker.IngressWorker` applies queued events off
the request path and hands the replies to :mod:`adapters.slack.replies`: a command's answer goes
to its ``response_url`` (ephemeral, as before) or, without one, by DM; a message's to its
thread/DM. Profiles of people the adapter has not met are fetched there too, never in the request.

Two paths stay as they were. ``cadence add`` with no arguments opens a modal, and the
``trigger_id`` that needs expires three seconds after the click, so that command is handled in
the request (within :data:`COMMAND_BUDGET`). Rating buttons, mentions, Home opens and roster
events acknowledge at once and do their work in :class:`~adapters.kit.BackgroundWork` (not queued).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck

from adapters.slack import modal
from adapters.slack.render import answered_blocks, replies_payload
from adapters.slack.replies import FAILED, Replies
from adapters.slack.settings import Mode
from adapters.slack.translate import (
    actor,
    body_hash,
    choice_event,
    command_event,
    message_event,
    workspace_of,
)
from bot.effects import Effect, Outcome
from bot.events import Actor, CommandIssued, MessagePosted
from bot.i18n import N_
from bot.ingress import Route
from bot.messages import Para, Reply

if TYPE_CHECKING:
    from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

    from adapters.slack.mount import SlackMount

log = logging.getLogger(__name__)

COMMAND_BUDGET = 2.0
"""Seconds a slash command may take before it is acknowledged with a holding note (Slack allows 3)."""

WORKING = N_("Working on it — I'll send you the answer in a direct message.")
MENTION_HINT = N_("Hi! I work in direct messages: send me `help`, or type `/coach help` anywhere.")


def _hash(body: dict[str, Any]) -> str:
    return body_hash(json.dumps(body, sort_keys=True))


class Listeners:
    """Bolt listeners bound to one mount; each acknowledges and schedules the work."""

    def __init__(self, mount: SlackMount) -> None:
        self.m = mount
        self.core = mount.core
        self.replies = Replies(mount)

    # -- events ------------------------------------------------------------------------------------

    async def on_message(self, body: dict[str, Any], context: dict[str, Any]) -> None:
        event = message_event(body, bot_user_id=context.get("bot_user_id"), raw=_hash(body))
        if event is None:
            return
        inner = (body.get("event") or {}).get("message") or {}
        thread = event.thread if isinstance(event, MessagePosted) else inner.get("thread_ts")
        direct = (
            event.direct
            if isinstance(event, MessagePosted)
            else (body.get("event") or {}).get("channel_type") == "im"
        )
        # Durable before the 200: a failure here is a 500, and Slack delivers the event again.
        await self.m.enqueue(event, {"channel": event.channel, "thread": thread, "direct": direct})

    async def _after(self, effects: tuple[Effect, ...]) -> None:
        """What a command handled here caused: its effects (a new roster binding), queued messages."""
        await self.replies.react(effects)
        await self.m.deliver()

    async def on_home_opened(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home" and event.get("user"):
            self.m.work.spawn(
                self.replies.publish_home(actor(workspace_of(body), str(event["user"]))), name="home"
            )

    async def on_user_change(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        user = event.get("user")
        if isinstance(user, dict) and user.get("id"):
            self.m.work.spawn(self._user_changed(workspace_of(body), user), name="user_change")

    async def _user_changed(self, workspace: str, user: dict[str, Any]) -> None:
        await self.m.people.apply_user(workspace, user)

    async def on_roster_change(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        source = event.get("channel") or event.get("subteam_id")
        workspace = workspace_of(body)
        sync = self.m.people.sync_bindings(workspace=workspace, source=str(source) if source else None)
        self.m.rosters.request(sync, why=str(event.get("type") or "roster event"))

    async def on_uninstalled(self, body: dict[str, Any]) -> None:
        """``app_uninstalled``: forget the workspace and (OAuth) delete its installation."""
        workspace = workspace_of(body)
        self.m.api.forget_workspace(workspace)
        store = self.m.installations
        if store is not None:
            self.m.work.spawn(store.async_delete_all(enterprise_id=None, team_id=workspace), name="uninstall")

    async def on_tokens_revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        """``tokens_revoked``: drop exactly the revoked tokens (the bot's, or some people's user tokens)."""
        tokens = event.get("tokens") or {}
        workspace = workspace_of(body)
        if tokens.get("bot"):
            self.m.api.forget_workspace(workspace)
        store = self.m.installations
        if store is not None:
            self.m.work.spawn(
                self._revoke(
                    store, workspace, users=list(tokens.get("oauth") or []), bot=bool(tokens.get("bot"))
                ),
                name="tokens revoked",
            )

    @staticmethod
    async def _revoke(store: AsyncInstallationStore, workspace: str, *, users: list[str], bot: bool) -> None:
        for user in users:
            await store.async_delete_installation(enterprise_id=None, team_id=workspace, user_id=str(user))
        if bot:
            await store.async_delete_bot(enterprise_id=None, team_id=workspace)

    async def on_mention(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        channel, user = event.get("channel"), event.get("user")
        if channel and user and not event.get("bot_id"):
            who = actor(workspace_of(body), str(user))
            self.m.work.spawn(self._mention(who, str(channel), event), name="mention")

    async def _mention(self, who: Actor, channel: str, event: dict[str, Any]) -> None:
        t = await self.m.people.translator(who)
        hint = Reply((Para(t._(MENTION_HINT)),))
        thread = str(event.get("thread_ts") or event.get("ts") or "") or None
        await self.replies.reply(who, [hint], channel=channel, thread=thread, direct=False)

    async def on_other_event(self) -> None:
        """Every other event is acknowledged (200) and ignored, so Slack never disables the subscription."""

    # -- slash command -----------------------------------------------------------------------------

    async def on_command(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        event = command_event(body, raw=_hash(body))
        if not event.actor.person:
            await ack()
            return
        trigger = body.get("trigger_id")
        if trigger and self.core.wants_form(event.text):
            await self._form_command(ack, event, trigger=str(trigger), channel=body.get("channel_id"))
            return
        route: Route = {"response_url": body.get("response_url"), "channel": body.get("channel_id")}
        try:
            await self.m.enqueue(event, route)
        except Exception:  # the database is away: say so now, Slack never retries a command
            log.exception("/coach could not be queued")
            await ack(text=self.m.people.cached_translator(event.actor)._(FAILED), response_type="ephemeral")
            return
        await ack()  # empty: the answer follows on response_url

    async def _form_command(
        self, ack: AsyncAck, event: CommandIssued, *, trigger: str, channel: str | None
    ) -> None:
        """``cadence add`` without arguments, in the request: ``views.open`` needs the trigger now."""
        work = asyncio.ensure_future(self._command(event, trigger=trigger, channel=channel))
        try:
            outcome = await asyncio.wait_for(asyncio.shield(work), timeout=self.m.command_budget)
        except TimeoutError:
            t = self.m.people.cached_translator(event.actor)
            await ack(text=t._(WORKING), response_type="ephemeral")
            self.m.work.spawn(self._late_command(event, work), name="slow command")
            return
        except Exception:
            log.exception("/coach failed")
            await ack(text=self.m.people.cached_translator(event.actor)._(FAILED), response_type="ephemeral")
            return
        if outcome is None:  # a modal was opened instead
            await ack()
        else:
            private = all(r.private for r in outcome.replies)
            await ack(
                response_type="ephemeral" if private else "in_channel",
                **replies_payload(
                    [r.parts for r in outcome.replies], t=self.m.people.cached_translator(event.actor)
                ),
            )
        self.m.work.spawn(self._after(outcome.effects if outcome else ()), name="after command")

    async def _command(
        self, event: CommandIssued, *, trigger: str | None, channel: str | None
    ) -> Outcome | None:
        await self.m.people.ensure(event.actor)
        if (
            trigger
            and self.core.wants_form(event.text)
            and await asyncio.to_thread(self.core.may_run, event.actor, modal.COMMAND.path)
        ):
            self.m.work.spawn(self._open_modal(event.actor, trigger, channel), name="open modal")
            return None
        await self.m.people.ensure_mentioned(event.actor.workspace, event.text)
        return await asyncio.to_thread(self.core.apply, event)

    async def _late_command(self, event: CommandIssued, work: asyncio.Future[Outcome | None]) -> None:
        """The answer to a command that outran the ack budget, by DM; then what it caused, as usual."""
        try:
            outcome = await work or Outcome()
        except Exception:
            log.exception("/coach failed after its holding note")
            t = await self.m.people.translator(event.actor)
            outcome = Outcome((Reply((Para(t._(FAILED)),)),))
        if outcome.replies:
            replies = list(outcome.replies)
            await self.replies.reply(event.actor, replies, channel=None, thread=None, direct=True)
        await self._after(outcome.effects)

    async def _open_modal(self, who: Actor, trigger: str, channel: str | None) -> None:
        client = await self.m.api.for_workspace(who.workspace)
        t = await self.m.people.translator(who)
        await client.views_open(trigger_id=trigger, view=modal.cadence_modal(t, channel=channel))

    # -- interactivity -----------------------------------------------------------------------------

    async def on_choice(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        event = choice_event(body, action, raw=_hash(body))
        if event.actor.person and event.value:
            self.m.work.spawn(self._choice(body, action, event), name="choice")

    async def _choice(self, body: dict[str, Any], action: dict[str, Any], event: Any) -> None:
        await self.m.people.ensure(event.actor)
        replies = await asyncio.to_thread(self.core.handle, event)
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        ts = container.get("message_ts") or message.get("ts")
        label = str((action.get("text") or {}).get("text") or action.get("value"))
        client = await self.m.api.for_workspace(event.actor.workspace)
        if channel and ts and not container.get("is_ephemeral"):
            await client.chat_update(
                channel=channel,
                ts=ts,
                text=message.get("text") or label,
                blocks=answered_blocks(
                    message.get("blocks") or [], label=label, t=await self.m.people.translator(event.actor)
                ),
            )
        thread = message.get("thread_ts") or ts
        await self.replies.reply(event.actor, replies, channel=channel, thread=thread, direct=True)
        await self.m.deliver()

    async def on_home_button(self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        user = (body.get("user") or {}).get("id")
        text = str(action.get("value") or "")
        if user and text:
            who = actor(workspace_of(body), str(user))
            event = CommandIssued(
                event_id="home:" + str(body.get("trigger_id") or _hash(body)), actor=who, text=text
            )
            await self.m.enqueue(event, {"direct": True, "home": True})

    async def on_status_shortcut(self, ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        user = (body.get("user") or {}).get("id")
        if user:
            who = actor(workspace_of(body), str(user))
            event = CommandIssued(
                event_id="shortcut:" + str(body.get("trigger_id") or _hash(body)), actor=who, text="status"
            )
            await self.m.enqueue(event, {"direct": True})

    async def on_cadence_submit(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = (body.get("user") or {}).get("id")
        who = actor(workspace_of(body), str(user or ""))
        # Errors are due in the acknowledgement: the locale the adapter already knows, else English.
        t = self.m.people.cached_translator(who)
        values = modal.submitted_values(view)
        errors = modal.field_errors(values, t)
        text = ""
        if not errors:
            text = modal.command_line(values)
            refused = self.core.check_command(text)
            if refused is not None:
                errors[modal.field_for(refused.option)] = refused.message.render(t)[:150]
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        if user:
            event = CommandIssued(
                event_id="view:" + str(body.get("trigger_id") or _hash(body)), actor=who, text=text
            )
            await self.m.enqueue(event, {"direct": True})

    async def on_view_closed(self, ack: AsyncAck) -> None:
        await ack()


def build_bolt(mount: SlackMount, on: Listeners) -> AsyncApp:
    """The bolt app with every listener Coachbot needs; unknown actions get bolt's 404."""
    settings = mount.settings
    oauth = None
    if settings.mode is Mode.OAUTH:
        from adapters.slack.oauth import oauth_settings

        assert mount.installations is not None
        oauth = oauth_settings(
            settings=settings, engine=mount.core.database.engine, store=mount.installations
        )
    app = AsyncApp(
        client=mount.api.client(None if oauth else settings.bot_token),
        process_before_response=True,
        request_verification_enabled=False,  # the mount verifies the raw body before bolt sees it
        oauth_settings=oauth,
        installation_store=mount.installations,
        name="coachbot",
    )
    # Bolt tries listeners in this order, evaluating every matcher on the way: the two hot
    # paths (slash commands, messages) come first so they cost one or two matches, not twelve.
    app.command(re.compile(".*"))(on.on_command)  # /coach, under whatever name the workspace gave it
    app.event("message")(on.on_message)
    app.event("app_home_opened")(on.on_home_opened)
    app.event("user_change")(on.on_user_change)
    for name in ("member_joined_channel", "member_left_channel", "subteam_members_changed"):
        app.event(name)(on.on_roster_change)
    app.event("app_uninstalled")(on.on_uninstalled)
    app.event("tokens_revoked")(on.on_tokens_revoked)
    app.event("app_mention")(on.on_mention)
    app.event(re.compile(".*"))(on.on_other_event)
    app.action(re.compile("^coach_choice"))(on.on_choice)
    app.action(re.compile("^coach_home"))(on.on_home_button)
    app.shortcut("coach_status")(on.on_status_shortcut)
    app.view(modal.CALLBACK_ID)(on.on_cadence_submit)
    app.view_closed(modal.CALLBACK_ID)(on.on_view_closed)
    return app
