"""A fake Slack Web API on a real socket: answers like Slack and records every call.

The bot under test reaches it through ``SLACK_API_URL``; tests read ``calls`` to
see what the bot asked Slack to do, and the conformance suite checks every
recorded call against Slack's OpenAPI spec.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    status: int = 200

    def blocks(self) -> list[dict[str, Any]]:
        raw = self.args.get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else list(raw)

    def view(self) -> dict[str, Any]:
        raw = self.args.get("view") or {}
        return json.loads(raw) if isinstance(raw, str) else dict(raw)


@dataclass
class Posted:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    thread_ts: str | None = None
    updates: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None
    deleted: bool = False

    def all_text(self) -> str:
        """Fallback text plus every section text: what a person would read."""
        parts = [self.text]
        for block in self.blocks:
            text = block.get("text")
            if isinstance(text, dict):
                parts.append(str(text.get("text", "")))
            for element in block.get("elements") or []:
                if isinstance(element, dict) and isinstance(element.get("text"), str):
                    parts.append(element["text"])
        return "\n".join(parts)


class FakeSlack:
    """aiohttp app serving ``/api/<method>`` and ``/respond/<id>`` on 127.0.0.1."""

    def __init__(self, *, team: str = "T1", bot_user: str = "UBOT") -> None:
        self.team = team
        self.bot_user = bot_user
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []  # bodies POSTed to response_url
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, list[str]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self.failing: dict[str, str] = {}  # channel or user group id -> the error Slack answers with
        self.posted: list[Posted] = []
        self._limits: dict[str, int] = {}
        self.fault: Callable[[str], web.Response | None] | None = None
        """Asked before each call with its method: a response to answer with instead (a 429, a 500
        — nothing is posted), or None to answer normally."""
        self._retry_after = "1"
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.connections_url = "ws://127.0.0.1:1/link"

    # -- setup ----------------------------------------------------------------------------------------

    def add_user(
        self, user: str, *, name: str, tz: str, admin: bool = False, locale: str = "en-US", **extra: Any
    ) -> None:
        self.users[user] = {
            "id": user,
            "team_id": self.team,
            "name": name.lower(),
            "real_name": name,
            "tz": tz,
            "tz_offset": 0,
            "locale": locale,
            "is_admin": admin,
            "is_owner": False,
            "is_bot": False,
            "deleted": False,
            "profile": {"display_name": name, "real_name": name},
            **extra,
        }

    def rate_limit(self, method: str, times: int, *, retry_after: str = "1") -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 with ``Retry-After``."""
        self._limits[method] = times
        self._retry_after = retry_after

    # -- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{hook}", self._respond)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    @property
    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/respond/hook"

    # -- queries --------------------------------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    def dm(self, user: str) -> list[Posted]:
        return [p for p in self.posted if p.channel == "D" + user]

    def message(self, ts: str) -> Posted:
        return next(p for p in self.posted if p.ts == ts)

    def nudges(self, user: str) -> list[Posted]:
        """Top-level DMs that opened a thread (check-in nudges; not welcomes or digests)."""
        return [p for p in self.dm(user) if p.thread_ts is None and self.thread(p.ts)]

    def thread(self, ts: str) -> list[Posted]:
        """The replies in a message's thread, oldest first, without deleted ones."""
        return [p for p in self.posted if p.thread_ts == ts and p.ts != ts and not p.deleted]

    # -- handlers -------------------------------------------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                args.update(json.loads(raw))
            else:
                args.update(parse_qsl(raw.decode()))
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or args.get("token")
        if self._limits.get(method, 0) > 0:
            self._limits[method] -= 1
            self.calls.append(Call(method, args, token, status=429))
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": self._retry_after}
            )
        injected = self.fault(method) if self.fault is not None else None
        if injected is not None:
            self.calls.append(Call(method, args, token, status=injected.status))
            return injected
        self.calls.append(Call(method, args, token))
        return web.json_response(self._answer(method, args))

    def _next_ts(self) -> str:
        return f"1764000000.{next(self._ts):06d}"

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        ok: dict[str, Any] = {"ok": True}
        if method == "auth.test":
            return {
                **ok,
                "url": "https://acme.slack.com/",
                "team": "Acme",
                "user": "coachbot",
                "team_id": self.team,
                "user_id": self.bot_user,
                "bot_id": "BBOT",
            }
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                user = {
                    "id": args.get("user"),
                    "name": "someone",
                    "tz": "UTC",
                    "locale": "en-US",
                    "profile": {"display_name": "Someone"},
                }
            return {**ok, "user": user}
        if method == "users.lookupByEmail":
            email = str(args.get("email", "")).lower()
            found = [u for u in self.users.values() if u.get("profile", {}).get("email", "").lower() == email]
            return {**ok, "user": found[0]} if found else {"ok": False, "error": "users_not_found"}
        if method == "conversations.open":
            users = str(args.get("users", ""))
            return {**ok, "channel": {"id": "D" + users.split(",")[0]}}
        if method == "chat.postMessage":
            blocks = args.get("blocks") or []
            blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            assert len(blocks) <= 50, f"Slack refuses more than 50 blocks ({len(blocks)})"
            metadata = args.get("metadata")
            posted = Posted(
                channel=str(args["channel"]),
                ts=self._next_ts(),
                text=str(args.get("text", "")),
                blocks=blocks,
                thread_ts=args.get("thread_ts"),
                metadata=json.loads(metadata) if isinstance(metadata, str) else metadata,
            )
            self.posted.append(posted)
            return {
                **ok,
                "channel": posted.channel,
                "ts": posted.ts,
                "message": {"text": posted.text, "ts": posted.ts, "blocks": blocks},
            }
        if method == "chat.update":
            target = next((p for p in self.posted if p.ts == str(args["ts"]) and not p.deleted), None)
            if target is None:
                return {"ok": False, "error": "message_not_found"}
            blocks = args.get("blocks") or []
            target.blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
            assert len(target.blocks) <= 50, f"Slack refuses more than 50 blocks ({len(target.blocks)})"
            if "text" in args:
                target.text = str(args["text"])
            target.updates.append(args)
            return {**ok, "channel": args["channel"], "ts": args["ts"], "text": args.get("text", "")}
        if method == "chat.delete":
            gone = next((p for p in self.posted if p.ts == str(args["ts"]) and not p.deleted), None)
            if gone is None:
                return {"ok": False, "error": "message_not_found"}
            gone.deleted = True
            return {**ok, "channel": args["channel"], "ts": args["ts"]}
        if method == "conversations.replies":
            root = str(args["ts"])
            thread = [p for p in self.posted if (p.ts == root or p.thread_ts == root) and not p.deleted]
            with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
            return {
                **ok,
                "messages": [
                    {
                        "type": "message",
                        "ts": p.ts,
                        "text": p.text,
                        "thread_ts": p.thread_ts or root,
                        "bot_id": "BBOT",
                        **({"metadata": p.metadata} if with_metadata and p.metadata else {}),
                    }
                    for p in thread
                ],
                "has_more": False,
                "response_metadata": {"next_cursor": ""},
            }
        if method == "conversations.history":
            channel = str(args["channel"])
            with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
            limit = int(args.get("limit") or 100)
            top = [p for p in self.posted if p.channel == channel and p.thread_ts is None and not p.deleted]
            return {
                **ok,
                "messages": [
                    {
                        "type": "message",
                        "ts": p.ts,
                        "text": p.text,
                        "bot_id": "BBOT",
                        **({"metadata": p.metadata} if with_metadata and p.metadata else {}),
                    }
                    for p in reversed(top[-limit:])
                ],
                "has_more": len(top) > limit,
                "response_metadata": {"next_cursor": ""},
            }
        if method == "chat.postEphemeral":
            return {**ok, "message_ts": self._next_ts()}
        if method in ("views.publish", "views.open", "views.update"):
            return {**ok, "view": {"id": "V" + str(next(self._ts)), "type": "home"}}
        if method in ("conversations.members", "usergroups.users.list"):
            source = str(args.get("channel") or args.get("usergroup"))
            if source in self.failing:
                return {"ok": False, "error": self.failing[source]}
        if method == "conversations.members":
            return {
                **ok,
                "members": self.channels.get(str(args.get("channel")), []),
                "response_metadata": {"next_cursor": ""},
            }
        if method == "apps.connections.open":
            return {**ok, "url": self.connections_url}
        if method == "oauth.v2.access":
            return {
                **ok,
                "app_id": "A1",
                "authed_user": {"id": "UADMIN2"},
                "scope": "chat:write,commands",
                "token_type": "bot",
                "access_token": "xoxb-installed",
                "bot_user_id": "UBOT2",
                "team": {"id": "T2", "name": "Beta"},
                "enterprise": None,
                "is_enterprise_install": False,
            }
        if method == "usergroups.users.list":
            return {**ok, "users": self.usergroups.get(str(args.get("usergroup")), [])}
        return ok
