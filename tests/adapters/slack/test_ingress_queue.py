"""The durable inbound queue (issue 8, item 6): JSON round trip, group commit, claims, crash recovery.

Real SQLite and PostgreSQL (``any_database``), the hand-moved clock; no sleeping on wall time.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from bot import text
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.effects import Outcome
from bot.events import Actor, ChoiceMade, CommandIssued, Event, MessageEdited, MessagePosted, ProfileSeen
from bot.ingress import LEASE, GroupCommit, InboundQueue, Route, from_payload, to_payload
from bot.ingress_worker import IngressWorker
from bot.messages import Reply
from bot.prompts import PromptLibrary
from storage.db import Database
from storage.models import InboundEvent, InboundQueueItem

ADA = Actor(platform="slack", workspace="T1", person="UADA")
EVENTS: list[Event] = [
    CommandIssued(event_id="cmd:1", actor=ADA, text="team add atlas <@UBEN|Ben> — Ärzte \u0000?"),
    MessagePosted(event_id="Ev1", actor=ADA, text="my answer", channel="D1", message_id="1.2", thread="1.1"),
    MessagePosted(event_id="Ev2", actor=ADA, text="help", channel="D1", message_id="1.3"),
    MessageEdited(event_id="Ev3", actor=ADA, channel="D1", message_id="1.2", text="edited"),
    ChoiceMade(event_id="choice:1", actor=ADA, value="7:0:4"),
    ProfileSeen(actor=ADA, display_name="Ada", timezone="Europe/London", locale="de-DE", platform_admin=True),
]


@pytest.fixture
def core(any_database: Database, clock: ManualClock, library: PromptLibrary) -> Coachbot:
    return Coachbot(database=any_database, clock=clock, library=library)


def command(n: int, text: str = "help") -> tuple[str, str, dict[str, object]]:
    event = CommandIssued(event_id=f"cmd:{n}", actor=ADA, text=text)
    return "slack", event.event_id, to_payload(event, {"response_url": f"http://127.0.0.1/r/{n}"})


def count(core: Coachbot, model: type) -> int:
    with core.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("event_", EVENTS, ids=lambda e: type(e).__name__)
def test_every_core_event_round_trips_through_json(event_: Event) -> None:
    import json

    route: Route = {"response_url": "http://x/1", "direct": True, "thread": None}
    payload = json.loads(json.dumps(to_payload(event_, route)))
    # What is queued is the event as the core will see it: people's text already cleaned.
    assert from_payload(payload) == (text.clean_event(event_), route)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"event": "x"},
        {"event": {"kind": "Nope", "actor": {}}},
        {"event": {"kind": "ChoiceMade", "actor": 1}},
    ],
)
def test_foreign_payloads_are_refused(payload: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        from_payload(payload)


async def test_requests_arriving_together_share_one_commit_and_retries_are_queued_once(
    core: Coachbot,
) -> None:
    commits: list[int] = []
    event.listen(core.database.engine, "commit", lambda _conn: commits.append(1))
    batcher = GroupCommit(InboundQueue(core))
    items = [command(n) for n in range(100)]
    results = await asyncio.gather(*(batcher.submit(*item) for item in items + items[:10]))
    assert results[:100] == [True] * 100 and results[100:] == [False] * 10
    assert count(core, InboundQueueItem) == 100
    assert batcher.batches <= 2 and len(commits) <= 2  # not one transaction per request
    # A later retry of an acknowledged event (Slack's X-Slack-Retry-Num) is not queued again.
    assert await batcher.submit(*items[0]) is False
    assert count(core, InboundQueueItem) == 100


async def test_the_worker_processes_each_event_once_and_answers_by_its_route(core: Coachbot) -> None:
    answered: list[tuple[Event, Route, Outcome]] = []

    async def answer(event_: Event, route: Route, outcome: Outcome) -> None:
        answered.append((event_, route, outcome))

    queue = InboundQueue(core)
    batcher = GroupCommit(queue)
    for item in (command(1, "help"), command(2, "status")):
        assert await batcher.submit(*item)
    worker = IngressWorker(queue, owner="w1", answer=answer)
    assert await worker.drain() == 2
    assert [route["response_url"] for _, route, _ in answered] == [
        "http://127.0.0.1/r/1",
        "http://127.0.0.1/r/2",
    ]
    assert all(outcome.replies for _, _, outcome in answered)
    assert await worker.drain() == 0 and queue.pending() == 0
    assert count(core, InboundEvent) == 2


async def test_a_crash_between_ack_and_processing_is_processed_exactly_once_by_a_new_core(
    core: Coachbot, clock: ManualClock, library: PromptLibrary
) -> None:
    queue = InboundQueue(core)
    assert await GroupCommit(queue).submit(*command(1, "team create atlas"))
    # The first replica claims the row and dies before processing it (never finishes it).
    [claimed] = queue.claim(owner="replica-that-died")
    assert claimed.event.event_id == "cmd:1"

    answered: list[tuple[Reply, ...]] = []

    async def answer(_event: Event, _route: Route, outcome: Outcome) -> None:
        answered.append(outcome.replies)

    restarted = Coachbot(database=core.database, clock=clock, library=library)
    worker = IngressWorker(InboundQueue(restarted), owner="replica-2", answer=answer)
    assert await worker.drain() == 0  # the dead owner's lease still holds
    clock.advance(LEASE + timedelta(seconds=1))
    assert await worker.drain() == 1
    assert await worker.drain() == 0
    assert len(answered) == 1 and answered[0]
    assert count(restarted, InboundEvent) == 1
    # The dead replica, were it to wake up, can no longer mark the row: it is not its own.
    queue.finish(claimed.id, owner="replica-that-died", error="late")
    with core.database.session() as session:
        row = session.scalars(select(InboundQueueItem)).one()
        assert row.claimed_by == "replica-2" and row.error is None and row.attempts == 2


async def test_concurrent_claimers_never_share_a_row(core: Coachbot) -> None:
    queue = InboundQueue(core)
    batcher = GroupCommit(queue)
    await asyncio.gather(*(batcher.submit(*command(n)) for n in range(120)))
    taken: dict[str, list[int]] = {"a": [], "b": [], "c": []}

    def claimer(owner: str) -> None:
        while items := queue.claim(owner=owner, limit=7):
            taken[owner].extend(item.id for item in items)

    threads = [threading.Thread(target=claimer, args=(owner,)) for owner in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [i for ids in taken.values() for i in ids]
    assert len(every) == len(set(every)) == 120
