"""The Teams mount for ``coachbot serve``: ``POST /api/messages``, the transport, background work.

The HTTP handler authenticates before anything else (a forged request gets 401
and touches nothing), then runs the activity through the SDK's ``CloudAdapter``
and returns the invoke response, if any. Outbox delivery and roster syncs run as
background work (:class:`adapters.kit.BackgroundWork`) so Teams gets its answer quickly;
:meth:`TeamsMount.drain` lets tests wait for them instead of sleeping.
"""

from __future__ import annotations

import logging

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes

from adapters.kit import BackgroundWork, RosterSync, RunAgainJob
from adapters.teams import activities, cards, references
from adapters.teams.auth import authenticate, build_authentication
from adapters.teams.bot import Queueable, TeamsBot
from adapters.teams.roster import sync_rosters
from adapters.teams.settings import TeamsSettings
from adapters.teams.state import Seen
from adapters.teams.transport import TeamsTransport
from bot.core import Coachbot
from bot.dispatch import deliver_due
from bot.effects import Outcome
from bot.events import Event
from bot.i18n import N_, tr
from bot.ingress import GroupCommit, InboundQueue, Route, to_payload
from bot.ingress_worker import IngressWorker
from bot.messages import Para, Part, Reply, Transport, Unreachable
from bot.roster import SyncReport

log = logging.getLogger(__name__)

ROUTE = "/api/messages"
ROSTER_SECONDS = 6 * 3600.0
SORRY = N_("Sorry, something went wrong on my side. Please try again in a moment.")


class TeamsMount:
    """One Teams bot, as :class:`adapters.kit.Mount`."""

    name: str = "teams"

    def __init__(
        self, *, core: Coachbot, settings: TeamsSettings, roster_seconds: float | None = ROSTER_SECONDS
    ):
        self.core = core
        self.settings = settings
        self.adapter = CloudAdapter(build_authentication(settings))
        self.adapter.on_turn_error = self._on_turn_error
        self.seen = Seen()
        self.teams_transport = TeamsTransport(
            adapter=self.adapter,
            engine=core.database.engine,
            app_id=settings.app_id,
            on_unreachable=self.seen.forget,
        )
        self.transport: Transport = self.teams_transport  # what the server pumps
        # The 1:1 addresses are data about people: `privacy` shows, exports and erases them.
        self.holding = references.ConversationHolding(core.database.engine, on_erase=self.seen.forget)
        self._registered = False
        self.bot = TeamsBot(
            core=core,
            settings=settings,
            seen=self.seen,
            send_private=self._send_private,
            on_change=self.kick,
            on_roster=self.request_roster,
            enqueue=self.enqueue,
            send_in=self.teams_transport.send_in,
        )
        self._roster_seconds = roster_seconds
        self.work = BackgroundWork(label="teams")
        self._after_turn = RunAgainJob(self.work, self._deliver, name="deliver after a turn")
        self.rosters = RosterSync(
            core=core, platform=activities.PLATFORM, sync_all=self.sync_rosters, work=self.work
        )
        # Ack first, work after: messages and edits are recorded durably (group commit) and the turn
        # ends; the worker applies them and answers in their conversation (``TeamsBot.answer``).
        self.queue = InboundQueue(core, platform=activities.PLATFORM)
        self.ingress = IngressWorker(
            self.queue,
            owner=f"{core.replica_id}:teams",
            answer=self.bot.answer,
            give_up=self._give_up,
            settled=self._settled,
        )
        self.commits = GroupCommit(self.queue, on_commit=self.ingress.wake)

    # -- Mount protocol ---------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(ROUTE, self.handle)

    async def start(self) -> None:
        if not self._registered:
            self.core.register_holding(self.holding)
            self._registered = True
        if not self.settings.auth_enabled:
            log.warning(
                "Teams adapter is running WITHOUT authentication (COACHBOT_TEAMS_INSECURE_DEV=1): "
                "anyone who can reach %s can act as any Teams user. "
                "Use this only with the Bot Framework Emulator or local tests.",
                ROUTE,
            )
        if self._roster_seconds:
            self.rosters.sync_every(self._roster_seconds)
        self.ingress.start()

    async def stop(self) -> None:
        await self.ingress.stop()  # queued rows stay queued: the next start applies them
        await self.rosters.stop()
        await self.work.cancel()

    # -- HTTP ---------------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """``POST /api/messages``: the token first, then the body, then the turn.

        The token is checked against the few fields it vouches for (``serviceUrl``, ``channelId``),
        read from the raw JSON without deserialising the activity, so a request without a valid
        token is a 401 whatever its body. Only then is the activity deserialised and checked; a
        malformed one is a 400. Each refusal writes one log line and stores nothing.
        """
        raw = await request.read()
        body = activities.loads(raw)
        try:
            auth = await authenticate(
                self.adapter.bot_framework_authentication,
                activity=activities.auth_envelope(body),
                header=request.headers.get("Authorization"),
            )
        except PermissionError as exc:
            log.info("refused a Teams request from %s: %s", request.remote, exc)
            return web.json_response({"error": "unauthorized"}, status=401)
        if "application/json" not in request.headers.get("Content-Type", ""):
            log.info("refused a Teams request from %s: not application/json", request.remote)
            return web.json_response({"error": "expected application/json"}, status=415)
        try:
            activity = activities.parse_activity(body)
        except activities.Malformed as exc:
            log.info("refused a Teams request from %s: %s", request.remote, exc)
            return web.json_response({"error": "not an activity"}, status=400)
        invoke: InvokeResponse | None = await self.adapter.process_activity(auth, activity, self.bot.on_turn)
        if invoke is None:
            return web.Response(status=200)
        if invoke.body is None:
            return web.Response(status=int(invoke.status or 200))
        return web.json_response(invoke.body, status=int(invoke.status or 200))

    async def _on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """A failing turn is logged; the person hears that something went wrong, Teams gets a 200."""
        log.error("Teams turn failed for a %s activity", context.activity.type, exc_info=error)
        sorry = tr(activities.locale_of(context.activity))._(SORRY)
        try:
            if context.activity.type == ActivityTypes.invoke:
                await context.send_activity(
                    Activity(
                        type=ActivityTypes.invoke_response,
                        value=InvokeResponse(status=200, body=cards.invoke_message_response(sorry)),
                    )
                )
            elif context.activity.type == ActivityTypes.message:
                await context.send_activity(cards.render((Para(sorry),)))
        except Exception:  # the connector itself may be what failed
            log.exception("could not tell the person that the turn failed")

    # -- background work ------------------------------------------------------------------------------

    def kick(self) -> None:
        """Deliver whatever the last turn made due (next question, released messages), in the background."""
        self._after_turn.request()

    async def _deliver(self) -> None:
        await deliver_due(self.core, self.transport)

    def request_roster(self, team_id: str | None) -> None:
        self.rosters.request(self.sync_rosters(only_team=team_id), why="Teams team changed")

    async def sync_rosters(self, *, only_team: str | None = None) -> SyncReport:
        return await sync_rosters(
            self.core, adapter=self.adapter, app_id=self.settings.app_id, only_team=only_team
        )

    async def drain(self) -> None:
        """Wait until every queued activity is applied and answered and no background delivery or
        roster sync is running (tests use this, not sleep)."""
        await self.ingress.drain()
        await self.work.idle()

    async def enqueue(self, event: Queueable, route: Route) -> bool:
        """Record ``event`` durably (shared commit); True if new, False for a retry already queued."""
        return await self.commits.submit(activities.PLATFORM, event.event_id, to_payload(event, route))

    async def _settled(self) -> None:
        """After a worker round: send what those events queued."""
        self.kick()

    async def _give_up(self, event: Event, route: Route) -> None:
        """An event that failed every attempt: the person hears so where they wrote."""
        t = tr(str(route.get("locale") or "en"))
        await self.bot.answer(event, route, Outcome((Reply((Para(t._(SORRY)),)),)))

    async def _send_private(self, tenant: str, person: str, parts: tuple[Part, ...]) -> bool:
        try:
            await self.teams_transport.send_parts(tenant=tenant, person=person, parts=parts)
        except Unreachable:
            return False
        except Exception as exc:
            log.warning("private reply to %s failed: %s", person, exc)
            return False
        return True
