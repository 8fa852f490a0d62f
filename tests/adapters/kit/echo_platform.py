"""A third platform, as small as one can be: what a new package under ``adapters/`` provides.

``ECHO_TOKEN`` turns it on. ``POST /echo/commands`` with ``{"id", "person", "text"}`` runs a command as
that person and answers with the replies' text; messages from the outbox land in ``EchoTransport.sent``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from adapters.kit import ConfigError, EnvReader
from bot.core import Coachbot
from bot.events import Actor, CommandIssued, ProfileSeen
from bot.messages import Delivery, OutboundMessage

SETTINGS_HINT = "ECHO_TOKEN (Echo)"
PLATFORM = "echo"


@dataclass(frozen=True, kw_only=True)
class EchoSettings:
    token: str
    workspace: str = "echo-org"


def from_env(env: Mapping[str, str]) -> EchoSettings | None:
    read = EnvReader(env)
    if not read.any_set(["ECHO_TOKEN", "ECHO_WORKSPACE"]):
        return None
    token = read.text("ECHO_TOKEN")
    if token is None:
        raise ConfigError("ECHO_TOKEN is missing: ECHO_WORKSPACE alone cannot reach Echo")
    return EchoSettings(token=token, workspace=read.text_or("ECHO_WORKSPACE", "echo-org"))


class EchoTransport:
    platform = PLATFORM

    def __init__(self) -> None:
        self.sent: list[OutboundMessage] = []

    async def send(self, message: OutboundMessage) -> Delivery:
        self.sent.append(message)
        return Delivery(message_id=f"echo-{len(self.sent)}", channel=message.person, thread=None)


class EchoMount:
    name = PLATFORM

    def __init__(self, *, core: Coachbot, settings: EchoSettings) -> None:
        self.core = core
        self.settings = settings
        self.transport = EchoTransport()
        self.lifecycle: list[str] = []

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/echo/commands", self.handle)

    async def start(self) -> None:
        self.lifecycle.append("start")

    async def stop(self) -> None:
        self.lifecycle.append("stop")

    async def handle(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.settings.token}":
            return web.json_response({"error": "unauthorized"}, status=401)
        body = await request.json()
        actor = Actor(PLATFORM, self.settings.workspace, str(body["person"]))
        admin = bool(body.get("admin"))
        self.core.handle(ProfileSeen(actor, display_name=actor.person, timezone="UTC", platform_admin=admin))
        replies = self.core.handle(CommandIssued(str(body["id"]), actor, str(body["text"])))
        return web.json_response({"replies": [reply.text for reply in replies]})


def configure(core: Coachbot, env: Mapping[str, str]) -> EchoMount | None:
    settings = from_env(env)
    return None if settings is None else EchoMount(core=core, settings=settings)
