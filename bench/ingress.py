"""Ingress: signed Slack requests against Coachbot's aiohttp app vs a bare slack-bolt app, same run.

Three workloads, each for ``--duration`` seconds at ``--connections`` concurrent connections:
``status`` (a read slash command), ``team_add`` (a write slash command) and ``dm_answer``
(Events API ``message`` events answering an open check-in in its thread). Each server runs in
its own process (as ``coachbot serve`` would), the fake Slack Web API that receives the replies
(``response_url``, ``chat.postMessage``) in another, the load generator in this one. The bare app
is an ``AsyncApp`` verifying signatures whose listeners only ``ack()``, served by bolt's aiohttp
adapter. For Coachbot, "processed" counts inbound queue rows finished, from the first request
until the queue is empty again. ``BENCH_SWITCH_INTERVAL=0.0005`` sets the Coachbot server's GIL
switch interval (diagnosis: how much of the gap is GIL hand-off to the commit thread). ``--no-worker``
measures acknowledgements alone. Prints JSON. Not a test. From the repo root:

    .venv/bin/python bench/ingress.py --database sqlite --duration 10 --connections 16
    .venv/bin/python bench/ingress.py --database postgresql --pg-url postgresql://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from aiohttp import web

SECRET = "bench-signing-secret"
TEAM = "T1"
ADMIN = "UADMIN"
WORKLOADS = ("status", "team_add", "dm_answer")


# -- the servers (each in its own process) ---------------------------------------------------------


def _serve_fake(conn: Connection) -> None:
    from tests.adapters.slack.fake_slack import FakeSlack

    async def main() -> None:
        fake = FakeSlack(team=TEAM)
        await fake.start()
        conn.send(fake.port)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # until told to stop
        await fake.stop()

    asyncio.run(main())


def _database(kind: str, pg_url: str | None, tmp: str) -> Any:
    from sqlalchemy import create_engine, text

    from storage.db import database_url, open_database

    if kind == "sqlite":
        return open_database(f"sqlite:///{tmp}/bench-{uuid.uuid4().hex[:8]}.db")
    assert pg_url
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url(pg_url))
    with admin.begin() as c:
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return open_database(database_url(pg_url), connect_args={"options": f"-csearch_path={schema}"})


def _seed(core: Any, people: int) -> None:
    """An admin, ``people`` members in one team, a 5-question pulse run now."""
    from adapters.slack.translate import actor
    from bot.events import CommandIssued, ProfileSeen

    def profile(user: str, admin: bool = False) -> None:
        core.handle(
            ProfileSeen(actor=actor(TEAM, user), display_name=user, timezone="UTC", platform_admin=admin)
        )

    profile(ADMIN, admin=True)
    for n in range(people):
        profile(f"U{n:05d}")
    ids = itertools.count()

    def command(text: str) -> None:
        replies = core.handle(
            CommandIssued(event_id=f"seed:{next(ids)}", actor=actor(TEAM, ADMIN), text=text)
        )
        assert replies, text

    command(f"team create atlas --manager <@{ADMIN}>")
    for start in range(0, people, 100):
        command("team add atlas " + " ".join(f"<@U{n:05d}>" for n in range(start, min(people, start + 100))))
    command('cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --questions 5')
    command("cadence run pulse")


def _threads(core: Any) -> list[tuple[str, str]]:
    """``(user, thread ts)`` of every open check-in whose nudge was sent."""
    from sqlalchemy import select

    from storage.models import Checkin, Person

    with core.database.session() as session:
        rows = session.execute(
            select(Person.platform_id, Checkin.thread).join(Person, Person.id == Checkin.person_id)
        ).all()
    return [(str(u), str(t)) for u, t in rows if t]


def _serve_coachbot(
    conn: Connection, fake_url: str, database: str, pg_url: str | None, people: int, worker: bool
) -> None:
    import os
    from datetime import UTC, datetime

    from adapters.server import build_app
    from adapters.slack.mount import SlackMount
    from adapters.slack.settings import from_env
    from bot.clock import ManualClock
    from bot.core import Coachbot

    if os.environ.get("BENCH_SWITCH_INTERVAL"):
        sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))

    async def main() -> None:
        with tempfile.TemporaryDirectory() as tmp:
            clock = ManualClock(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # a Monday, outside quiet hours
            core = Coachbot(database=_database(database, pg_url, tmp), clock=clock)
            env = {
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake_url,
                "SLACK_MAX_MESSAGES_PER_SECOND": "100000",
            }
            settings = from_env(env)
            assert settings is not None
            mount = SlackMount(core=core, settings=settings)
            await asyncio.to_thread(_seed, core, people)
            while await mount.deliver():
                pass
            app = build_app(core, [mount], tick_seconds=None)

            async def stats(_request: web.Request) -> web.Response:
                pending = await asyncio.to_thread(mount.queue.pending)
                return web.json_response({"processed": mount.ingress.processed, "pending": pending})

            app.router.add_get("/bench/stats", stats)
            async with contextlib.AsyncExitStack() as stack:
                if not worker:  # diagnosis: acknowledgements alone, nothing processed
                    await stack.enter_async_context(mount.ingress.paused())
                await _run(app, conn, extra=_threads(core))

    asyncio.run(main())


def _serve_bare(conn: Connection, fake_url: str) -> None:
    import re

    from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    async def main() -> None:
        bolt = AsyncApp(
            client=AsyncWebClient(token="xoxb-bench", base_url=fake_url),
            signing_secret=SECRET,
            process_before_response=True,
        )

        @bolt.command(re.compile(".*"))
        async def command(ack: Any) -> None:
            await ack()

        @bolt.event("message")
        async def message(ack: Any) -> None:
            await ack()

        async def endpoint(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

        app = web.Application()
        app.router.add_post("/slack/events", endpoint)
        await _run(app, conn, extra=[])

    asyncio.run(main())


async def _run(app: web.Application, conn: Connection, *, extra: list[tuple[str, str]]) -> None:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    conn.send((site._server.sockets[0].getsockname()[1], extra))  # type: ignore[union-attr]
    await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    await runner.cleanup()


# -- the load ------------------------------------------------------------------------------------


def _signed(body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + digest}


class Requests:
    """Unique, signed request bodies for one workload."""

    def __init__(self, workload: str, response_url: str, threads: list[tuple[str, str]], people: int) -> None:
        self.workload, self.response_url, self.threads, self.people = workload, response_url, threads, people
        self.ids = itertools.count()
        self.process = True

    def next(self) -> tuple[bytes, dict[str, str]]:
        n = next(self.ids)
        run = uuid.uuid4().hex[:8]
        if self.workload == "dm_answer":
            user, thread = self.threads[n % len(self.threads)] if self.threads else (f"U{n % 100:05d}", "1.1")
            body = json.dumps(
                {
                    "token": "legacy",
                    "team_id": TEAM,
                    "api_app_id": "A1",
                    "type": "event_callback",
                    "event_id": f"Ev{run}{n}",
                    "event_time": int(time.time()),
                    "event": {
                        "type": "message",
                        "channel": "D" + user,
                        "channel_type": "im",
                        "user": user,
                        "text": f"answer {n}: things went fine",
                        "ts": f"1764100000.{n:06d}",
                        "thread_ts": thread,
                    },
                }
            ).encode()
            return body, {"Content-Type": "application/json", **_signed(body)}
        text = "status" if self.workload == "status" else f"team add atlas <@U{n % self.people:05d}>"
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "channel_id": "C0GENERAL",
            "user_id": ADMIN,
            "command": "/coach",
            "text": text,
            "api_app_id": "A1",
            "response_url": self.response_url,
            "trigger_id": f"{run}.{n}.trigger",
        }
        body = urlencode(form).encode()
        return body, {"Content-Type": "application/x-www-form-urlencoded", **_signed(body)}


async def _load(url: str, requests: Requests, *, duration: float, connections: int) -> dict[str, Any]:
    latencies: list[float] = []
    failures = 0
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        deadline = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal failures
            while time.perf_counter() < deadline:
                body, headers = requests.next()
                started = time.perf_counter()
                async with session.post(url + "/slack/events", data=body, headers=headers) as response:
                    await response.read()
                    if response.status != 200:
                        failures += 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "failures": failures,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 2),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 2),
    }


async def _stats(url: str) -> dict[str, int]:
    async with aiohttp.ClientSession() as session, session.get(url + "/bench/stats") as response:
        result: dict[str, int] = await response.json()
        return result


async def _measure(
    url: str, requests: Requests, *, coachbot: bool, duration: float, connections: int
) -> dict[str, Any]:
    before = await _stats(url) if coachbot else None
    started = time.perf_counter()
    result = await _load(url, requests, duration=duration, connections=connections)
    if before is not None and requests.process:
        while (now := await _stats(url))["pending"]:
            await asyncio.sleep(0.05)
        processed = now["processed"] - before["processed"]
        result["processed"] = processed
        result["processed_per_s"] = round(processed / (time.perf_counter() - started), 1)
    return result


def _start(target: Any, *args: Any) -> tuple[multiprocessing.Process, Connection, Any]:
    ours, theirs = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=target, args=(theirs, *args), daemon=True)
    process.start()
    return process, ours, ours.recv()


def _stop(process: multiprocessing.Process, conn: Connection) -> None:
    conn.send("stop")
    process.join(timeout=30)


async def bench(database: str, args: argparse.Namespace) -> dict[str, Any]:
    fake_process, fake_conn, fake_port = _start(_serve_fake)
    fake_url = f"http://127.0.0.1:{fake_port}/api/"
    response_url = f"http://127.0.0.1:{fake_port}/respond/hook"
    results: dict[str, Any] = {}
    try:
        for name in ("bare", "coachbot"):
            if name == "bare":
                process, conn, (port, threads) = _start(_serve_bare, fake_url)
            else:
                process, conn, (port, threads) = _start(
                    _serve_coachbot, fake_url, database, args.pg_url, args.people, not args.no_worker
                )
            url = f"http://127.0.0.1:{port}"
            try:
                for workload in WORKLOADS:
                    requests = Requests(workload, response_url, threads, args.people)
                    requests.process = not args.no_worker
                    results.setdefault(workload, {})[name] = await _measure(
                        url,
                        requests,
                        coachbot=name == "coachbot",
                        duration=args.duration,
                        connections=args.connections,
                    )
            finally:
                _stop(process, conn)
    finally:
        _stop(fake_process, fake_conn)
    for figures in results.values():
        bare, ours = figures["bare"], figures["coachbot"]
        figures["throughput_ratio"] = round(ours["requests_per_s"] / bare["requests_per_s"], 2)
        figures["p99_ratio"] = round(ours["p99_ms"] / bare["p99_ms"], 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per workload and server")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-worker", action="store_true", help="diagnosis: ack only, process nothing")
    parser.add_argument("--people", type=int, default=500, help="check-ins open for the DM answers")
    args = parser.parse_args()
    databases = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    out = {
        "duration_s": args.duration,
        "connections": args.connections,
        "people": args.people,
        "results": {db: asyncio.run(bench(db, args)) for db in databases},
        "targets": {"throughput_ratio": ">= 0.8", "p99_ratio": "<= 2.0", "processed_per_s": ">= 1000"},
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
