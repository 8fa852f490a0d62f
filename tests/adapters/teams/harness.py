"""Driving the Teams adapter like Teams does: the real aiohttp app on 127.0.0.1, signed activities.

``TeamsHarness`` owns a core (SQLite file, hand-moved clock), the app built by
``adapters.server.build_app`` with the Teams mount, and an HTTP client. Activity
builders produce the JSON Teams sends; ``post`` signs it with a token from the
fake OpenID key unless told otherwise, and waits for the adapter's background
work (``mount.drain``) so tests never sleep.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from adapters.server import build_app, pump
from adapters.teams.mount import TeamsMount
from adapters.teams.settings import TeamsSettings
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.events import Actor
from bot.prompts import PromptLibrary
from storage.db import open_database
from tests.adapters.teams.fakes import APP_ID, APP_PASSWORD, TENANT, Call, FakeMicrosoft

BOT_ID = f"28:{APP_ID}"
TEAM_ID = "19:team-general@thread.tacv2"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    timezone: str
    aad: str
    locale: str = "en-US"

    @property
    def chat(self) -> str:
        return f"a:1on1-{self.id}"


def person(handle: str, timezone: str = "Europe/London", locale: str = "en-US") -> Person:
    return Person(
        id=f"29:{handle}", name=handle.capitalize(), timezone=timezone, aad=f"aad-{handle}", locale=locale
    )


class Activities:
    """Builders for the activities Teams sends (shapes taken from recorded traffic)."""

    def __init__(self, service_url: str) -> None:
        self.service_url = service_url
        self._ids = itertools.count(1)

    def _base(self, kind: str, who: Person, *, conversation: dict[str, Any]) -> dict[str, Any]:
        number = next(self._ids)
        return {
            "type": kind,
            "id": f"1:in-{number}",
            "timestamp": f"2026-11-23T09:{number // 60 % 60:02d}:{number % 60:02d}.000Z",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": who.id, "name": who.name, "aadObjectId": who.aad},
            "recipient": {"id": BOT_ID, "name": "Coachbot"},
            "conversation": conversation,
            "channelData": {"tenant": {"id": TENANT}},
            "locale": who.locale,
            "localTimezone": who.timezone,
            "entities": [{"type": "clientInfo", "locale": who.locale, "timezone": who.timezone}],
        }

    def personal(self, kind: str, who: Person) -> dict[str, Any]:
        return self._base(
            kind, who, conversation={"conversationType": "personal", "tenantId": TENANT, "id": who.chat}
        )

    def message(self, who: Person, text: str, *, reply_to: str | None = None) -> dict[str, Any]:
        """A 1:1 message; ``reply_to`` makes it a reply to that activity (Teams sets ``replyToId``)."""
        activity = self.personal("message", who)
        activity.update(text=text, textFormat="plain")
        if reply_to is not None:
            activity["replyToId"] = reply_to
        return activity

    def channel_message(
        self, who: Person, text: str, *, mentions: tuple[Person, ...] = (), root: str = "1700000000000"
    ) -> dict[str, Any]:
        conversation = {
            "isGroup": True,
            "conversationType": "channel",
            "tenantId": TENANT,
            "id": f"{TEAM_ID};messageid={root}",
        }
        activity = self._base("message", who, conversation=conversation)
        entities = [
            {"type": "mention", "text": "<at>Coachbot</at>", "mentioned": {"id": BOT_ID, "name": "Coachbot"}}
        ]
        for other in mentions:
            entities.append(
                {
                    "type": "mention",
                    "text": f"<at>{other.name}</at>",
                    "mentioned": {"id": other.id, "name": other.name},
                }
            )
        activity.update(
            text=f"<at>Coachbot</at> {text}",
            textFormat="plain",
            entities=activity["entities"] + entities,
            channelData={
                "tenant": {"id": TENANT},
                "team": {"id": TEAM_ID, "name": "Atlas"},
                "channel": {"id": TEAM_ID, "name": "General"},
            },
        )
        return activity

    def edit(self, original: dict[str, Any], text: str) -> dict[str, Any]:
        activity = dict(original)
        activity.update(
            type="messageUpdate",
            text=text,
            timestamp="2026-11-23T23:59:59.000Z",
            channelData={"tenant": {"id": TENANT}, "eventType": "editMessage"},
        )
        return activity

    def execute(self, who: Person, data: dict[str, Any], *, reply_to: str = "1:msg-1") -> dict[str, Any]:
        activity = self.personal("invoke", who)
        activity.update(
            name="adaptiveCard/action",
            replyToId=reply_to,
            value={
                "action": {"type": "Action.Execute", "verb": "coachbot.choice", "data": data},
                "trigger": "manual",
            },
        )
        return activity

    def message_back(self, who: Person, data: dict[str, Any], *, reply_to: str = "1:msg-1") -> dict[str, Any]:
        activity = self.personal("message", who)
        activity.update(replyToId=reply_to, value=data)
        return activity

    def installed(self, who: Person) -> dict[str, Any]:
        activity = self.personal("installationUpdate", who)
        activity.update(action="add")
        return activity

    def bot_added_to_chat(self, who: Person) -> dict[str, Any]:
        activity = self.personal("conversationUpdate", who)
        activity.update(membersAdded=[{"id": BOT_ID}])
        return activity

    def bot_added_to_team(self, who: Person) -> dict[str, Any]:
        conversation = {"isGroup": True, "conversationType": "channel", "tenantId": TENANT, "id": TEAM_ID}
        activity = self._base("conversationUpdate", who, conversation=conversation)
        activity.update(
            membersAdded=[{"id": BOT_ID}],
            channelData={
                "tenant": {"id": TENANT},
                "team": {"id": TEAM_ID, "name": "Atlas"},
                "eventType": "teamMemberAdded",
            },
        )
        return activity


class TeamsHarness:
    """The running app plus the fake Microsoft services; use as ``async with``."""

    def __init__(
        self,
        *,
        fake: FakeMicrosoft,
        tmp_path: Path,
        clock: ManualClock,
        admins: frozenset[str] = frozenset(),
        settings: TeamsSettings | None = None,
    ) -> None:
        self.fake = fake
        self.clock = clock
        self.core = Coachbot(
            database=open_database("sqlite:///" + str(tmp_path / "teams.db")),
            clock=clock,
            library=PromptLibrary.load(),
        )
        self.settings = settings or TeamsSettings(
            app_id=APP_ID,
            app_password=APP_PASSWORD,
            admins=admins,
            openid_metadata_url=fake.openid_url,
            token_url=fake.token_url,
        )
        self.mount = TeamsMount(core=self.core, settings=self.settings, roster_seconds=None)
        self.app = build_app(self.core, [self.mount], tick_seconds=None)
        self.runner = web.AppRunner(self.app)
        self.activities = Activities(fake.service_url)
        self.url = ""
        self.http: aiohttp.ClientSession | None = None
        self.timeline: list[tuple[datetime, Call]] = []  # every connector call, with the core's clock then

    async def __aenter__(self) -> TeamsHarness:
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        server: Any = site._server
        port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/api/messages"
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self.http is not None:
            await self.http.close()
        await self.runner.cleanup()
        self.core.database.dispose()

    async def post(
        self, activity: dict[str, Any], *, token: str | None = "valid", headers: dict[str, str] | None = None
    ) -> tuple[int, Any]:
        """POST an activity as Teams would; ``token="valid"`` mints a good one, ``None`` sends none."""
        assert self.http is not None
        conversation = activity.get("conversation") or {}
        if conversation.get("conversationType") == "personal" and activity.get("from"):
            self.fake.state.owners[conversation["id"]] = activity["from"]["id"]
        sent_headers = {"Content-Type": "application/json"}
        if token == "valid":
            token = self.fake.mint(service_url=activity.get("serviceUrl") or self.fake.service_url)
        if token is not None:
            sent_headers["Authorization"] = f"Bearer {token}"
        sent_headers.update(headers or {})
        async with self.http.post(self.url, json=activity, headers=sent_headers) as response:
            body = (
                await response.json()
                if response.content_type == "application/json"
                else await response.text()
            )
            status = response.status
        await self.mount.drain()
        self._stamp()
        return status, body

    async def say(self, who: Person, text: str, *, reply_to: str | None = None) -> dict[str, Any]:
        """A 1:1 message (a reply to ``reply_to`` if given); asserts Teams got a 2xx."""
        activity = self.activities.message(who, text, reply_to=reply_to)
        status, _ = await self.post(activity)
        assert status in (200, 201, 202), status
        return activity

    @staticmethod
    def actor(who: Person) -> Actor:
        return Actor(platform="teams", workspace=TENANT, person=who.id)

    async def pump(self) -> int:
        sent = await pump(self.core, [self.mount.transport])
        await self.mount.drain()
        self._stamp()
        return sent

    def _stamp(self) -> None:
        seen = {id(call) for _, call in self.timeline}
        now = self.clock.now()
        self.timeline.extend((now, call) for call in self.fake.state.calls if id(call) not in seen)

    async def advance_to(self, target: datetime) -> None:
        """Move the clock to ``target`` through every wake-up the core asks for, pumping at each."""
        for _ in range(500):
            wakeup = self.core.next_wakeup()
            if wakeup is None or wakeup > target:
                break
            self.clock.set(max(wakeup, self.clock.now()))
            await self.pump()
            if wakeup <= self.clock.now() and self.core.next_wakeup() == wakeup:
                break  # nothing moved; don't spin
        self.clock.set(target)
        await self.pump()
