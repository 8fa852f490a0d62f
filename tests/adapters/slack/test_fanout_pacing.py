"""Fan-out pacing: Slack's per-channel limit (about one message a second, short bursts) and the
workspace spacing from SLACK_MAX_MESSAGES_PER_SECOND, on a hand-moved clock."""

from __future__ import annotations

import asyncio

from adapters.slack.pacing import Pacer


class Time:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_a_nudge_and_its_question_leave_together_but_a_burst_to_one_channel_is_spread() -> None:
    time = Time()
    pacer = Pacer(per_second=1000.0, sleep=time.sleep, clock=lambda: time.now)

    async def send(channel: str) -> None:
        await pacer.wait("T1", channel)

    async def scenario() -> None:
        for channel in ("D1", "D1", "D2", "D2", "D3"):  # nudge + question each: no waiting
            time.now += 0.01
            await send(channel)
        assert time.slept == []
        await send("D1")  # a third message to D1 within a second: within the burst
        await send("D1")  # a fourth: waits for the channel's next token (about a second)
        channel_waits = [s for s in time.slept if s > 0.01]  # not the workspace's 1 ms spacing
        assert len(channel_waits) == 1 and 0.9 <= channel_waits[0] <= 1.0

    asyncio.run(scenario())


def test_workspaces_are_spaced_independently() -> None:
    time = Time()
    pacer = Pacer(per_second=2.0, sleep=time.sleep, clock=lambda: time.now)

    async def scenario() -> None:
        await pacer.wait("T1", "D1")
        await pacer.wait("T2", "D1")  # another workspace: its own spacing, no wait
        assert time.slept == []
        await pacer.wait("T1", "D2")  # same workspace: half a second later
        assert time.slept == [0.5]

    asyncio.run(scenario())
