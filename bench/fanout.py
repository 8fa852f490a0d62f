"""Fan-out: N people nudged by one cadence through Coachbot vs a bare ``AsyncWebClient`` loop.

    .venv/bin/python bench/fanout.py --people 10000 [--database postgresql://postgres@127.0.0.1/test]

Both post to the same fake Slack Web API (own process, 127.0.0.1) that answers every tenth
``chat.postMessage`` with 429 and ``Retry-After: 1``. Coachbot: a team of N people and one cadence
are set up through the core, then one tick opens the check-ins (nudge + first question per person
in the outbox) while the outbox is drained through the Slack transport. Bare: slack_sdk posts the
same 2N messages (nudge, then the question in its thread) with the same concurrency and slack_sdk's
own rate-limit retry handler. Prints JSON: msg/s for both, the ratio, time to the first message
(from the tick's start), lost and duplicated messages, and the accept-to-mark window (p50, p99).
Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import ClientSession, web
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from tests.adapters.slack.fake_slack import FakeSlack

START = datetime(2026, 11, 23, 9, 0, 30, tzinfo=UTC)  # a Monday, just after 09:00 UTC


class LimitedSlack(FakeSlack):
    """The fake Web API, refusing every ``every``-th ``chat.postMessage`` with 429."""

    def __init__(self, every: int, retry_after: str) -> None:
        super().__init__()
        self.every, self.retry_after, self.posts = every, retry_after, 0

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "chat.postMessage":
            self.posts += 1
            if self.every and self.posts % self.every == 0:
                await request.read()
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": self.retry_after},
                )
        return await super()._api(request)

    async def stats(self, _request: web.Request) -> web.Response:
        top = Counter(p.channel for p in self.posted if p.thread_ts is None)
        replies = Counter(p.channel for p in self.posted if p.thread_ts is not None)
        return web.json_response({"top": top, "replies": replies})

    async def reset(self, _request: web.Request) -> web.Response:
        self.posted.clear()
        self.calls.clear()
        return web.json_response({"ok": True})


def serve_fake(every: int, retry_after: str, port_queue: Any) -> None:
    async def main() -> None:
        fake = LimitedSlack(every, retry_after)
        app = web.Application()
        app.router.add_route("*", "/api/{method}", fake._api)
        app.router.add_get("/stats", fake.stats)
        app.router.add_post("/reset", fake.reset)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port_queue.put(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]
        await asyncio.Event().wait()

    asyncio.run(main())


class RunningClock:
    """Real time flowing from a fixed Monday morning, so the cadence is due and leases age in wall time."""

    def __init__(self, start: datetime) -> None:
        self.start, self.t0 = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


def open_fresh(url: str) -> Any:
    """SQLite: the new file; PostgreSQL: a throw-away schema (dropped by :func:`drop_schema`)."""
    from storage.db import database_url, open_database

    if not url.startswith("postgres"):
        return open_database(url)
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(database_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    database = open_database(url, connect_args={"options": f"-csearch_path={schema}"})
    database.bench_schema = schema
    return database


def drop_schema(url: str, database: Any) -> None:
    schema = getattr(database, "bench_schema", None)
    database.dispose()
    if schema:
        from sqlalchemy import create_engine, text

        from storage.db import database_url

        admin = create_engine(database_url(url))
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def setup_core(url: str, people: int) -> Any:
    from bot.core import Coachbot
    from bot.events import Actor, CommandIssued, ProfileSeen

    core = Coachbot(database=open_fresh(url), clock=RunningClock(START - timedelta(days=2)))
    admin = Actor("slack", "T1", "UADMIN")
    core.handle(ProfileSeen(admin, display_name="admin", platform_admin=True, timezone="UTC"))
    for n in range(people):
        core.handle(ProfileSeen(Actor("slack", "T1", f"U{n:06d}"), display_name=f"p{n}", timezone="UTC"))
    core.handle(CommandIssued("c0", admin, "team create big --manager @admin"))
    chunk = 300  # commands are limited in length
    for i in range(0, people, chunk):
        members = " ".join(f"@p{n}" for n in range(i, min(people, i + chunk)))
        core.handle(CommandIssued(f"a{i}", admin, f"team add big {members}"))
    core.handle(
        CommandIssued(
            "c1", admin, 'cadence add pulse --team big --audience members --every "weekly mon" --at 09:00'
        )
    )
    return core


async def fetch_stats(base: str) -> dict[str, dict[str, int]]:
    async with ClientSession() as http, http.get(base + "/stats") as response:
        return dict(await response.json())


async def reset(base: str) -> None:
    async with ClientSession() as http, http.post(base + "/reset") as response:
        await response.read()


def tally(stats: dict[str, dict[str, int]], people: int) -> dict[str, int]:
    lost = dup = 0
    for n in range(people):
        channel = f"DU{n:06d}"
        for kind in ("top", "replies"):
            got = stats[kind].get(channel, 0)
            lost += got == 0
            dup += max(0, got - 1)
    return {"lost": lost, "duplicated": dup}


async def run_coachbot(core: Any, api_url: str, people: int, concurrency: int, rate: float) -> dict[str, Any]:
    from adapters.slack.transport import FixedToken, SlackApi, SlackTransport
    from bot.dispatch import DeliveryStats, deliver_due

    core.clock.start, core.clock.t0 = START, time.monotonic()
    transport = SlackTransport(
        api=SlackApi(api_url=api_url, tokens=FixedToken("xoxb-bench"), per_second=rate)
    )
    # The team welcomes (due since the members' working day began) leave first, untimed.
    welcomed = await deliver_due(core, transport, concurrency=concurrency, batch=500, max_rounds=100_000)
    await reset(api_url.removesuffix("/api/"))
    stats = DeliveryStats()
    started = time.perf_counter()
    tick = asyncio.ensure_future(asyncio.to_thread(core.tick))
    ticked: list[float] = []
    tick.add_done_callback(lambda _: ticked.append(time.perf_counter() - started))
    tick_seconds: float | None = None
    while True:  # the scheduler keeps delivering while the tick opens check-ins
        sent = await deliver_due(
            core, transport, concurrency=concurrency, batch=500, max_rounds=100_000, stats=stats
        )
        if tick.done() and tick_seconds is None:
            tick.result()
            tick_seconds = time.perf_counter() - started
            continue
        if tick.done() and sent == 0:
            break
        if sent == 0:
            await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    window = sorted(stats.accept_to_mark)

    def pct(q: float) -> float | None:
        return round(window[min(len(window) - 1, int(q * len(window)))] * 1000, 2) if window else None

    return {
        "messages": stats.sent,
        "seconds": round(elapsed, 2),
        "msg_per_s": round(stats.sent / elapsed, 1),
        "tick_seconds": round(ticked[0], 2),
        "first_message_s": round((stats.first_sent_at or started) - started, 3),
        "accept_to_mark_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0)},
        "mark_failures": stats.mark_failures,
        "welcomes_sent_before": welcomed,
    }


async def run_bare(api_url: str, people: int, concurrency: int) -> dict[str, Any]:
    client = AsyncWebClient(
        token="xoxb-bare",
        base_url=api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=20)],
    )
    gate = asyncio.Semaphore(concurrency)
    first: list[float] = []

    async def one(n: int) -> None:
        async with gate:
            channel = f"DU{n:06d}"
            nudge = await client.chat_postMessage(channel=channel, text="Time for your weekly pulse.")
            first.append(time.perf_counter()) if not first else None
            await client.chat_postMessage(channel=channel, text="How was your week?", thread_ts=nudge["ts"])

    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(people)))
    elapsed = time.perf_counter() - started
    return {
        "messages": 2 * people,
        "seconds": round(elapsed, 2),
        "msg_per_s": round(2 * people / elapsed, 1),
        "first_message_s": round(first[0] - started, 3) if first else None,
    }


async def main(args: argparse.Namespace) -> None:
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    queue: Any = multiprocessing.Queue()
    server = multiprocessing.Process(
        target=serve_fake, args=(args.every, args.retry_after, queue), daemon=True
    )
    server.start()
    try:
        port = queue.get(timeout=30)
        base, api_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}/api/"
        setup_started = time.perf_counter()
        core = await asyncio.to_thread(setup_core, url, args.people)
        setup_seconds = time.perf_counter() - setup_started
        coachbot = await run_coachbot(core, api_url, args.people, args.concurrency, args.rate)
        coachbot.update(tally(await fetch_stats(base), args.people))
        await reset(base)
        bare = await run_bare(api_url, args.people, args.concurrency)
        bare.update(tally(await fetch_stats(base), args.people))
        drop_schema(url, core.database)
    finally:
        server.terminate()
        server.join()
    print(
        json.dumps(
            {
                "people": args.people,
                "database": "postgresql" if url.startswith("postgres") else "sqlite",
                "concurrency_per_workspace": args.concurrency,
                "pacing_per_s": args.rate,
                "limited": f"every {args.every}th chat.postMessage -> 429 Retry-After {args.retry_after}",
                "setup_seconds": round(setup_seconds, 1),
                "coachbot": coachbot,
                "bare_sdk": bare,
                "ratio": round(coachbot["msg_per_s"] / bare["msg_per_s"], 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="2 messages each (nudge, first question)")
    parser.add_argument("--database", default=None)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rate", type=float, default=1000.0, help="SLACK_MAX_MESSAGES_PER_SECOND")
    parser.add_argument("--every", type=int, default=10, help="every Nth chat.postMessage answers 429")
    parser.add_argument("--retry-after", default="1")
    asyncio.run(main(parser.parse_args()))
