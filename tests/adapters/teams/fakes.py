"""Microsoft's side, faked on 127.0.0.1: Bot Connector, Entra token endpoint, OpenID metadata + JWKS.

The fake runs its own aiohttp server in a background thread with its own event
loop, because the Bot Framework SDK calls the token endpoint and the OpenID
metadata with blocking ``requests`` from the bot's event loop: a fake on that
same loop could never answer.

It answers like the real services (ids, 201s, paged members, the 403
``BotNotInConversationRoster`` error body, 429 with ``Retry-After``) and records
every call the bot makes, with the ``Authorization`` header it carried.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"
APP_ID = "a3c7e1f0-5b2d-4c8e-9f10-2b3c4d5e6f70"
APP_PASSWORD = "test-secret-not-real"
TENANT = "72f988bf-0000-4000-8000-000000000001"
KID = "test-key-1"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Call:
    method: str
    path: str
    conversation: str
    body: dict[str, Any]
    authorization: str
    activity_id: str = ""  # the id the connector gave a posted message (or the one updated)


@dataclass
class ConnectorState:
    """What the fake Bot Connector knows and has seen; tests read and steer it."""

    calls: list[Call] = field(default_factory=list)
    not_installed: set[str] = field(default_factory=set)  # person ids answered with 403
    rate_limited: int = 0  # answer this many next sends with 429
    gone: set[str] = field(default_factory=set)  # activity ids deleted in Teams: updates get 404
    owners: dict[str, str] = field(default_factory=dict)  # personal conversation id -> person id
    rosters: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # team id -> members
    tokens_issued: int = 0
    require_token: bool = True

    def posts(self, person: str | None = None) -> list[Call]:
        """Messages the bot posted (not updates), optionally only those in one person's 1:1 chat."""
        found = [c for c in self.calls if c.method == "POST" and "/activities" in c.path]
        if person is not None:
            found = [c for c in found if self.owners.get(c.conversation) == person]
        return found

    def posted(self, activity_id: str) -> Call:
        """The posted message the connector gave this id."""
        [found] = [c for c in self.posts() if c.activity_id == activity_id]
        return found

    def updates(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PUT"]

    def reset(self) -> None:
        self.calls.clear()
        self.not_installed.clear()
        self.rate_limited = 0
        self.owners.clear()
        self.rosters.clear()
        self.gone.clear()
        self.require_token = True


class FakeMicrosoft:
    """The fake services, started on a free port of 127.0.0.1 in a thread of their own."""

    def __init__(self) -> None:
        self.key = new_key()
        self.state = ConnectorState()
        self._ids = itertools.count(1)
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-microsoft", daemon=True)

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FakeMicrosoft:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake Microsoft services did not start")
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            if self._runner is not None:
                await self._runner.cleanup()

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def boot() -> None:
            app = web.Application()
            app.router.add_get("/openid/.well-known/openid-configuration", self._openid)
            app.router.add_get("/openid/keys", self._keys)
            app.router.add_post("/token", self._token)
            app.router.add_post("/v3/conversations", self._create)
            app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
            app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._post)
            app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._put)
            app.router.add_get("/v3/conversations/{conversation}/pagedmembers", self._paged_members)
            app.router.add_get("/v3/conversations/{conversation}/members", self._members)
            self._runner = web.AppRunner(app)
            await self._runner.setup()
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            await site.start()
            server: Any = site._server
            self.port = server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(boot())
        self._loop.run_forever()

    # -- addresses ------------------------------------------------------------------------------

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def service_url(self) -> str:
        return self.base + "/"

    @property
    def openid_url(self) -> str:
        return self.base + "/openid/.well-known/openid-configuration"

    @property
    def token_url(self) -> str:
        return self.base + "/token"

    # -- tokens the "channel" sends to the bot ------------------------------------------------------

    def mint(
        self,
        *,
        audience: str = APP_ID,
        issuer: str = ISSUER,
        service_url: str | None = None,
        expires_in: int = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str = KID,
    ) -> str:
        now = int(time.time())
        claims = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url or self.service_url,
            "nbf": now - 60,
            "exp": now + expires_in,
        }
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})

    def unsigned(self, *, audience: str = APP_ID) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": audience,
            "serviceurl": self.service_url,
            "nbf": now - 60,
            "exp": now + 600,
        }
        return jwt.encode(claims, "", algorithm="none", headers={"kid": KID})

    # -- OpenID / JWKS / token endpoint ---------------------------------------------------------------

    async def _openid(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": ISSUER,
                "jwks_uri": self.base + "/openid/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(
            {"kid": KID, "use": "sig", "endorsements": ["msteams", "emulator", "webchat", "directline"]}
        )
        return web.json_response({"keys": [jwk]})

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != APP_ID
            or form.get("client_secret") != APP_PASSWORD
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        self.state.tokens_issued += 1
        token = f"outbound-{self.state.tokens_issued}"
        return web.json_response({"token_type": "Bearer", "expires_in": 3600, "access_token": token})

    # -- Bot Connector ----------------------------------------------------------------------------------

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return not self.state.require_token or header.startswith("Bearer outbound-")

    def _record(self, request: web.Request, body: dict[str, Any], *, activity_id: str = "") -> None:
        self.state.calls.append(
            Call(
                method=request.method,
                path=request.path,
                conversation=request.match_info.get("conversation", ""),
                body=body,
                authorization=request.headers.get("Authorization", ""),
                activity_id=activity_id,
            )
        )

    @staticmethod
    def _roster_error() -> web.Response:
        return web.json_response(
            {
                "error": {
                    "code": "BotNotInConversationRoster",
                    "message": "The bot is not part of the conversation roster.",
                }
            },
            status=403,
        )

    async def _create(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(
                {"message": "Authorization has been denied for this request."}, status=401
            )
        body = await request.json()
        self._record(request, body)
        members = body.get("members") or []
        person = members[0]["id"] if members else ""
        if not person or person in self.state.not_installed:
            return self._roster_error()
        conversation = f"a:1on1-{person}"
        self.state.owners[conversation] = person
        return web.json_response({"id": conversation, "serviceUrl": self.service_url}, status=201)

    async def _post(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(
                {"message": "Authorization has been denied for this request."}, status=401
            )
        body = await request.json()
        conversation = request.match_info["conversation"]
        if self.state.owners.get(conversation) in self.state.not_installed:
            return self._roster_error()
        if self.state.rate_limited > 0:
            self.state.rate_limited -= 1
            return web.json_response(
                {"error": {"code": "TooManyRequests", "message": "Slow down"}},
                status=429,
                headers={"Retry-After": "7"},
            )
        activity_id = f"1:msg-{next(self._ids)}"
        self._record(request, body, activity_id=activity_id)
        return web.json_response({"id": activity_id}, status=201)

    async def _put(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response(
                {"message": "Authorization has been denied for this request."}, status=401
            )
        body = await request.json()
        if request.match_info["activity"] in self.state.gone:
            return web.json_response(
                {"error": {"code": "ActivityNotFoundInConversation", "message": "Unknown activity"}},
                status=404,
            )
        self._record(request, body, activity_id=request.match_info["activity"])
        return web.json_response({"id": request.match_info["activity"]})

    async def _paged_members(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({}, status=401)
        members = self.state.rosters.get(request.match_info["conversation"])
        if members is None:
            return web.json_response({"error": {"code": "NotFound", "message": "no such team"}}, status=404)
        self._record(request, dict(request.query))
        start = int(request.query.get("continuationToken") or 0)
        page = members[start : start + 2]  # tiny pages, so paging is exercised
        token = str(start + 2) if start + 2 < len(members) else None
        return web.json_response({"members": page, "continuationToken": token})

    async def _members(self, request: web.Request) -> web.Response:
        members = self.state.rosters.get(request.match_info["conversation"], [])
        return web.json_response(members)
