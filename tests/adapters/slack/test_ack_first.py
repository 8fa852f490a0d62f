"""Acknowledge first, work after (issue 8, item 6): Slack gets its 200 once the event is durably
queued; the ingress worker applies it off the request path and answers on ``response_url``.

Real sockets, real SQLite (and PostgreSQL where ``any_database`` is used), the hand-moved clock;
the worker is held off with :meth:`~bot.ingress_worker.IngressWorker.paused` instead of timing anything.
"""

from __future__ import annotations

import json
from datetime import timedelta

import aiohttp
from sqlalchemy import func, select

from adapters.slack.mount import SlackMount
from adapters.slack.settings import from_env
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.ingress import LEASE, MAX_ATTEMPTS
from bot.prompts import PromptLibrary
from storage.db import Database
from storage.models import InboundEvent, InboundQueueItem, Team
from tests.adapters.slack.conftest import TEAM, Harness, Sleeps, run_bot, sign, slack_env
from tests.adapters.slack.fake_slack import FakeSlack

FORM = "application/x-www-form-urlencoded"


def count(core: Coachbot, model: type) -> int:
    with core.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def queue_rows(core: Coachbot) -> list[InboundQueueItem]:
    with core.database.session() as session:
        rows = list(session.scalars(select(InboundQueueItem).order_by(InboundQueueItem.id)))
        session.expunge_all()
        return rows


def org(fake: FakeSlack) -> None:
    fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    fake.add_user("UMARIA", name="Maria", tz="America/New_York")


async def test_a_command_is_acknowledged_before_it_is_processed(slack: Harness) -> None:
    org(slack.fake)
    async with slack.mount.ingress.paused():
        status, body = await slack.post(
            slack.command_form("UADA", "team create atlas --manager <@UMARIA|maria>"), content_type=FORM
        )
        # The ack: 200, empty, and the event is already durable — but nothing has happened yet,
        # not even a profile look-up (those are the worker's, off the request path).
        assert (status, body) == (200, "")
        [row] = queue_rows(slack.core)
        assert row.done_at is None and row.payload["route"]["response_url"] == slack.fake.response_url
        assert count(slack.core, Team) == 0 and count(slack.core, InboundEvent) == 0
        assert slack.fake.responses == []
        assert slack.fake.called("users.info") == []
    await slack.mount.idle()
    [answer] = slack.fake.responses
    assert answer["response_type"] == "ephemeral" and "atlas" in answer["text"]
    assert count(slack.core, Team) == 1
    [row] = queue_rows(slack.core)
    assert row.done_at is not None and row.error is None
    assert {c.args["user"] for c in slack.fake.called("users.info")} == {"UADA", "UMARIA"}


async def test_a_known_person_costs_no_platform_call(slack: Harness) -> None:
    org(slack.fake)
    await slack.command("UADA", "status")
    calls = len(slack.fake.calls)
    for _ in range(3):
        status, answer = await slack.command("UADA", "status")
        assert status == 200 and answer["blocks"]
    assert len(slack.fake.calls) == calls, "answers go to response_url; no users.info, no chat.* call"


async def test_a_command_without_response_url_is_answered_by_dm(slack: Harness) -> None:
    org(slack.fake)
    status, body = await slack.post(slack.command_form("UADA", "help", response_url=False), content_type=FORM)
    assert (status, body) == (200, "")
    assert slack.fake.responses == []
    [dm] = slack.fake.dm("UADA")
    assert "cadence" in dm.all_text()


async def test_a_slack_retry_is_queued_and_processed_once(slack: Harness) -> None:
    org(slack.fake)
    event = {
        "type": "message",
        "channel": "DUADA",
        "channel_type": "im",
        "user": "UADA",
        "text": "help",
        "ts": "1764100000.000001",
    }
    async with slack.mount.ingress.paused():
        assert await slack.event(event, event_id="EvRETRY") == 200
        for retry in ("1", "2"):  # Slack did not see the first 200 in time and delivers again
            headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
            assert await slack.event(event, event_id="EvRETRY", headers=headers) == 200
        assert len(queue_rows(slack.core)) == 1
        assert slack.fake.dm("UADA") == []
    await slack.mount.idle()
    assert len(slack.fake.dm("UADA")) == 1, "answered once"
    assert count(slack.core, InboundEvent) == 1
    # A retry after it was processed is acknowledged and changes nothing either.
    headers = {"X-Slack-Retry-Num": "3", "X-Slack-Retry-Reason": "http_timeout"}
    assert await slack.event(event, event_id="EvRETRY", headers=headers) == 200
    assert len(slack.fake.dm("UADA")) == 1 and len(queue_rows(slack.core)) == 1


async def test_a_crash_between_ack_and_processing_is_processed_exactly_once_after_restart(
    any_database: Database, clock: ManualClock, library: PromptLibrary, fake_slack: FakeSlack, sleeps: Sleeps
) -> None:
    org(fake_slack)
    settings = from_env(slack_env(fake_slack))
    assert settings is not None
    first = Coachbot(database=any_database, clock=clock, library=library)
    mount = SlackMount(core=first, settings=settings, sleep=sleeps)
    runner, url = await run_bot(first, mount)
    async with aiohttp.ClientSession() as session, mount.ingress.paused():
        harness = Harness(mount=mount, fake=fake_slack, url=url, core=first)
        await harness.close()
        for n, text in enumerate(("team create atlas --manager <@UMARIA|maria>", "team list")):
            form = harness.command_form("UADA", text)
            headers = {"Content-Type": FORM, **sign(form)}
            async with session.post(url + "/slack/events", data=form, headers=headers) as response:
                assert response.status == 200 and await response.text() == ""
            if n == 0:
                # This one was even claimed by the replica that is about to die.
                [claimed] = mount.queue.claim(owner="replica-that-died")
        await runner.cleanup()  # the process goes away: acknowledged, not processed
    assert fake_slack.responses == [] and count(first, Team) == 0

    restarted = Coachbot(database=any_database, clock=clock, library=library)
    mount = SlackMount(core=restarted, settings=settings, sleep=sleeps)
    runner, _url = await run_bot(restarted, mount)
    try:
        await mount.idle()
        assert len(fake_slack.responses) == 1, "the unclaimed command at once"
        clock.advance(LEASE + timedelta(seconds=1))  # the dead replica's lease runs out
        await mount.idle()
        await mount.idle()
    finally:
        await runner.cleanup()
    texts = sorted(r["text"] for r in fake_slack.responses)
    assert len(texts) == 2, texts
    assert count(restarted, Team) == 1 and count(restarted, InboundEvent) == 2
    assert all(row.done_at is not None for row in queue_rows(restarted))
    assert claimed.event.event_id.startswith("cmd:")


async def test_a_command_that_keeps_failing_says_so_once(
    slack: Harness, clock: ManualClock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from adapters.slack.app import FAILED

    org(slack.fake)
    await slack.command("UADA", "status")  # profile known: only the command itself fails below

    def broken(event: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(slack.core, "apply", broken)
    status, body = await slack.post(slack.command_form("UADA", "status"), content_type=FORM)
    assert (status, body) == (200, "")
    answered = len(slack.fake.responses)
    for _ in range(MAX_ATTEMPTS - 1):  # each failure rests a little before the next attempt
        assert len(slack.fake.responses) == answered
        clock.advance(timedelta(minutes=1))
        await slack.mount.idle()
    [sorry] = slack.fake.responses[answered:]
    assert sorry["text"] == FAILED
    [_, row] = queue_rows(slack.core)
    assert row.done_at is not None and row.attempts == MAX_ATTEMPTS and "went away" in (row.error or "")


async def test_acks_share_commits_under_concurrency(slack: Harness) -> None:
    """Sixteen requests in flight together are recorded in far fewer than sixteen transactions."""
    import asyncio

    org(slack.fake)
    batches = slack.mount.commits.batches
    async with aiohttp.ClientSession() as session, slack.mount.ingress.paused():

        async def one(n: int) -> int:
            body = json.dumps(
                {
                    "type": "event_callback",
                    "team_id": TEAM,
                    "event_id": f"EvC{n}",
                    "event": {
                        "type": "message",
                        "channel": "DUADA",
                        "channel_type": "im",
                        "user": "UADA",
                        "text": "help",
                        "ts": f"1764100001.{n:06d}",
                    },
                }
            ).encode()
            headers = {"Content-Type": "application/json", **sign(body)}
            async with session.post(slack.url + "/slack/events", data=body, headers=headers) as response:
                return response.status

        assert await asyncio.gather(*(one(n) for n in range(16))) == [200] * 16
    assert len(queue_rows(slack.core)) == 16
    assert slack.mount.commits.batches - batches < 16
    await slack.mount.idle()
    assert len(slack.fake.dm("UADA")) == 16
