"""Fan N nudges out through the Slack transport to a local fake Slack and print messages/second.

Not a test: a quick way to see what pacing (SLACK_MAX_MESSAGES_PER_SECOND) and
429 handling cost on a fan-out. Run from the repo root:

    .venv/bin/python bench/slack_fanout.py --people 500 --rate 1000 --limit-every 0
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.slack.transport import FixedToken, SlackApi, SlackTransport
from bot.messages import Choice, Choices, OutboundMessage, Para
from tests.adapters.slack.fake_slack import FakeSlack


async def main(*, people: int, rate: float, concurrency: int, limited: int) -> None:
    fake = FakeSlack()
    await fake.start()
    if limited:
        fake.rate_limit("chat.postMessage", limited, retry_after="0")
    api = SlackApi(api_url=fake.url, tokens=FixedToken("xoxb-bench"), per_second=rate)
    transport = SlackTransport(api=api)
    gate = asyncio.Semaphore(concurrency)
    parts = (
        Para("Time for your *weekly pulse*."),
        Choices(tuple(Choice(str(n), f"1:0:{n}") for n in range(1, 6))),
    )

    async def one(i: int) -> None:
        message = OutboundMessage(
            id=i,
            platform="slack",
            workspace="T1",
            person=f"U{i:05d}",
            kind="nudge",
            parts=parts,
            opens_thread=True,
        )
        async with gate:
            await transport.send(message)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(people)))
    elapsed = time.perf_counter() - started
    posts = len(fake.called("chat.postMessage"))
    await fake.stop()
    print(
        f"{posts} nudges in {elapsed:.2f}s = {posts / elapsed:.0f} messages/second "
        f"(pacing {rate}/s, concurrency {concurrency}, {limited} answered 429 first)"
    )
    assert posts == people, "every nudge posted exactly once"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument(
        "--rate", type=float, default=1000.0, help="pacing, messages per second per workspace"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="like bot.dispatch.deliver_due")
    parser.add_argument("--limited", type=int, default=5, help="first N posts get HTTP 429 (Retry-After: 0)")
    args = parser.parse_args()
    asyncio.run(main(people=args.people, rate=args.rate, concurrency=args.concurrency, limited=args.limited))
