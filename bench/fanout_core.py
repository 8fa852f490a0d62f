"""How fast the core opens and delivers check-ins for a large team (prints figures; not a test).

    .venv/bin/python bench/fanout_core.py --people 5000 [--database postgresql://postgres@127.0.0.1/test]

Measures the two halves of a fan-out separately: the tick that records every nudge
(database work) and the outbox drain through a no-op transport (the core's own
overhead per message, without any platform latency).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.core import Coachbot
from bot.dispatch import deliver_due
from bot.events import Actor, CommandIssued, ProfileSeen
from bot.messages import Delivery, OutboundMessage
from storage.db import open_database

ZONES = ["America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"]


class NullTransport:
    """Accepts everything instantly, so only the core is measured."""

    platform = "bench"

    async def send(self, message: OutboundMessage) -> Delivery:
        return Delivery(message_id=f"b{message.id}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    url = args.database or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    clock = ManualClock(datetime(2026, 11, 21, 12, tzinfo=UTC))
    core = Coachbot(database=open_database(url), clock=clock)

    started = time.perf_counter()
    core.handle(ProfileSeen(Actor("bench", "w", "admin"), display_name="admin", platform_admin=True))
    for n in range(args.people):
        core.handle(
            ProfileSeen(Actor("bench", "w", f"p{n}"), display_name=f"p{n}", timezone=ZONES[n % len(ZONES)])
        )
    admin = Actor("bench", "w", "admin")
    core.handle(CommandIssued("c1", admin, "team create big --manager @admin"))
    members = " ".join(f"@p{n}" for n in range(args.people))
    core.handle(CommandIssued("c2", admin, f"team add big {members}"))
    core.handle(
        CommandIssued(
            "c3", admin, 'cadence add pulse --team big --audience members --every "weekly mon" --at 09:00'
        )
    )
    print(f"setup of {args.people} people: {time.perf_counter() - started:.2f}s")

    clock.set(datetime(2026, 11, 24, 0, tzinfo=UTC))  # Monday 09:00 has passed everywhere
    started = time.perf_counter()
    core.tick()
    tick = time.perf_counter() - started
    print(f"tick recording {args.people} check-ins: {tick:.2f}s ({args.people / tick:.0f}/s)")

    started = time.perf_counter()
    sent = asyncio.run(deliver_due(core, NullTransport(), concurrency=32, batch=500))  # type: ignore[arg-type]
    drain = time.perf_counter() - started
    print(f"outbox drain of {sent} messages: {drain:.2f}s ({sent / drain:.0f}/s)")
    clock.advance(timedelta(minutes=1))


if __name__ == "__main__":
    main()
