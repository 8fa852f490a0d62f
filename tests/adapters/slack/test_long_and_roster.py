"""Slack: long messages continue in their thread, updates rewrite in place, rosters sync safely."""

from __future__ import annotations

from sqlalchemy import select

from bot.messages import OutboundMessage, Para, Quote
from storage.models import OutboxMessage, Person
from tests.adapters.slack.conftest import TEAM, Harness
from tests.adapters.slack.test_http import org
from tests.bot.test_engine_helpers import team_member_ids


def _long_digest(n: int, *, locale: str = "en") -> OutboundMessage:
    parts = (Para("*pulse* — team results"), *(Quote(f"comment {i}") for i in range(n)))
    return OutboundMessage(1, "slack", TEAM, "UMARIA", "digest", parts, locale=locale)


def _shown(slack: Harness, ts: str) -> list[str]:
    """Every section of a message and of its thread, in order, as a person scrolls through it."""
    messages = [slack.fake.message(ts), *slack.fake.thread(ts)]
    return [b["text"]["text"] for m in messages for b in m.blocks if b.get("type") == "section"]


async def test_a_digest_too_long_for_one_message_continues_in_its_thread(slack: Harness) -> None:
    org(slack)
    delivery = await slack.mount.transport.send(_long_digest(120))
    first = slack.fake.message(delivery.message_id)
    assert first.thread_ts is None and len(first.blocks) == 50
    assert "continued in the thread" in first.blocks[-1]["elements"][0]["text"]
    rest = slack.fake.thread(first.ts)
    assert len(rest) == 2 and all(len(p.blocks) <= 50 for p in rest)
    assert _shown(slack, first.ts) == ["*pulse* — team results", *(f"&gt; comment {i}" for i in range(120))]


async def test_the_continuation_note_is_in_the_readers_language(slack: Harness) -> None:
    org(slack)
    delivery = await slack.mount.transport.send(_long_digest(60, locale="de-DE"))
    note = slack.fake.message(delivery.message_id).blocks[-1]["elements"][0]["text"]
    assert "Fortsetzung im Thread" in note


async def test_an_update_rewrites_the_message_and_its_continuations(slack: Harness) -> None:
    org(slack)
    before = await slack.mount.transport.send(_long_digest(120))
    # Someone replies in the digest's thread; an update must leave their message alone.
    slack.fake.posted.append(
        type(slack.fake.posted[0])(
            channel="DUMARIA",
            ts="1764999999.000001",
            text="thanks all",
            blocks=[],
            thread_ts=before.message_id,
        )
    )
    shorter = (Para("*pulse* — team results"), *(Quote(f"comment {i}") for i in range(60)))
    update = OutboundMessage(2, "slack", TEAM, "UMARIA", "update", shorter, replaces=before)
    after = await slack.mount.transport.send(update)
    assert after.message_id == before.message_id
    assert slack.fake.called("chat.update")
    continuation = [p for p in slack.fake.thread(before.message_id) if p.metadata]
    assert len(continuation) == 1  # the second continuation was no longer needed: deleted
    assert _shown(slack, before.message_id) == [
        "*pulse* — team results",
        *(f"&gt; comment {i}" for i in range(60)),
    ]
    assert any(p.text == "thanks all" for p in slack.fake.thread(before.message_id))
    assert len(slack.fake.called("chat.postMessage")) == 3  # nothing new was posted for the update


async def test_an_update_of_a_message_that_is_gone_is_done(slack: Harness) -> None:
    from bot.messages import Delivery

    org(slack)
    update = OutboundMessage(
        2, "slack", TEAM, "UMARIA", "update", (Para("x"),), replaces=Delivery("1.000", "DUMARIA")
    )
    assert (await slack.mount.transport.send(update)).message_id == "1.000"


async def test_binding_by_any_alias_syncs_and_bots_are_never_members(slack: Harness) -> None:
    org(slack)
    slack.fake.add_user("UNEW", name="Newbie", tz="Europe/Paris")
    slack.fake.add_user("UHELPER", name="Polly", tz="UTC", is_bot=True)
    slack.fake.channels["CTEAM"] = ["UBEN", "UNEW", "UHELPER"]
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    await slack.command(
        "UADA", 'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00'
    )
    status, _ = await slack.command("UADA", "team link atlas <#CTEAM|team-atlas>")
    assert status == 200
    assert team_member_ids(slack.core, "atlas") == {"UBEN", "UNEW"}
    # The newcomers are welcomed (by DM, at their next working moment).
    with slack.core.database.session() as session:
        welcomed = set(
            session.scalars(
                select(Person.platform_id)
                .join(OutboxMessage, OutboxMessage.person_id == Person.id)
                .where(OutboxMessage.kind == "welcome")
            )
        )
    assert welcomed == {"UBEN", "UNEW"}


async def test_an_empty_or_failing_channel_never_empties_a_team_nor_stops_the_others(slack: Harness) -> None:
    org(slack)
    slack.fake.add_user("UNEW", name="Newbie", tz="Europe/Paris")
    slack.fake.channels["CATLAS"] = ["UBEN"]
    slack.fake.channels["CHARBOR"] = ["UNEW"]
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        "team create harbor --manager <@UADA|ada>",
        "team bind atlas <#CATLAS|atlas>",
        "team sync harbor <#CHARBOR|harbor>",
    ):
        assert (await slack.command("UADA", line))[0] == 200
    assert (team_member_ids(slack.core, "atlas"), team_member_ids(slack.core, "harbor")) == (
        {"UBEN"},
        {"UNEW"},
    )
    slack.fake.channels["CATLAS"] = []  # e.g. the bot was removed from the channel
    slack.fake.channels["CHARBOR"] = ["UNEW", "UBEN"]
    report = await slack.mount.people.sync_bindings()
    assert team_member_ids(slack.core, "atlas") == {"UBEN"} and [b.team for b, _ in report.left_alone] == [
        "atlas"
    ]
    assert team_member_ids(slack.core, "harbor") == {"UNEW", "UBEN"}
    slack.fake.failing["CATLAS"] = "channel_not_found"
    slack.fake.channels["CHARBOR"] = ["UBEN"]
    report = await slack.mount.people.sync_bindings()
    assert team_member_ids(slack.core, "atlas") == {"UBEN"} and [b.team for b, _ in report.failed] == [
        "atlas"
    ]
    assert team_member_ids(slack.core, "harbor") == {"UBEN"}
