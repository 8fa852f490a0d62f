"""Commands, check-ins, card clicks, edits and reachability, through the running app and fake connector."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from adapters.teams import references
from bot import relationships
from storage.models import Answer, OutboxMessage, Person, Team
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.fakes import TENANT, Call
from tests.adapters.teams.harness import TEAM_ID, TeamsHarness, person

MARIA = person("maria", "America/New_York")
BEN = person("ben", "America/New_York")
ZOE = person("zoe", "Europe/Berlin")


def text_of(call: Call) -> str:
    """What a person sees in a posted message: its text, or the text blocks and runs of its card."""
    body = call.body
    if body.get("text"):
        return str(body["text"])
    chunks: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("TextBlock", "TextRun"):
                chunks.append(str(node.get("text", "")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for attachment in body.get("attachments") or []:
        walk(attachment.get("content"))
    return "\n".join(chunks)


WELCOME = "You're now in team"  # the one welcome a new team member gets (bot/welcome.py)


def checkin_posts(teams: TeamsHarness, who: Any) -> list[Call]:
    """What was posted in someone's 1:1 chat, without the team welcome that precedes the first nudge."""
    return [c for c in teams.fake.state.posts(who.id) if WELCOME not in text_of(c)]


def card_of(call: Call) -> dict[str, Any]:
    [attachment] = call.body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return dict(attachment["content"])


def execute_data(call: Call, label: str) -> dict[str, Any]:
    card = card_of(call)
    for block in card["body"]:
        for action in block.get("actions", []):
            if action["title"] == label:
                assert action["type"] == "Action.Execute" and action["verb"] == "coachbot.choice"
                return dict(action["data"])
    raise AssertionError(f"no button {label!r}")


async def setup_pulse(teams: TeamsHarness, *members: Any) -> None:
    """Admin creates a team and a members cadence by 1:1 commands; every person has written to the bot."""
    for who in (MARIA, *members):
        await teams.say(who, "hello")
    mentions = " ".join(f"<@{m.id}>" for m in members)
    for line in (
        f"coach team create atlas --manager <@{MARIA.id}>",
        f"coach team add atlas {mentions}",
        'coach cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00'
        " --questions 3",
    ):
        await teams.say(ADA, line)


async def test_commands_in_personal_chat_are_answered_in_it(teams: TeamsHarness) -> None:
    await teams.say(ADA, "coach team list")
    await teams.say(ADA, "/coach help cadence add")
    replies = [text_of(c) for c in teams.fake.state.posts(ADA.id)]
    assert len(replies) == 2
    assert "team" in replies[0].lower()
    assert "cadence add" in replies[1]


async def test_channel_mention_is_stripped_and_people_mentions_resolve(teams: TeamsHarness) -> None:
    await teams.say(MARIA, "hello")
    activity = teams.activities.channel_message(
        ADA, "team create atlas --manager <at>Maria</at>", mentions=(MARIA,)
    )
    status, _ = await teams.post(activity)
    assert status == 200
    with teams.core.database.session() as session:
        team = session.scalar(select(Team).where(Team.name == "atlas"))
        assert team is not None
        assert [p.platform_id for p in relationships.leads_of(session, team)] == [MARIA.id]
    # The answer is private: it goes to Ada's 1:1 chat (created on the fly), the channel gets a pointer.
    [private] = teams.fake.state.posts(ADA.id)
    assert "atlas" in text_of(private)
    in_channel = [c for c in teams.fake.state.posts() if c.conversation.startswith(TEAM_ID)]
    assert [text_of(c) for c in in_channel] == ["I've answered you in our 1:1 chat."]


async def test_people_mentioned_in_a_channel_can_be_named_before_they_ever_wrote(teams: TeamsHarness) -> None:
    await teams.say(MARIA, "hello")
    await teams.say(ADA, f"coach team create atlas --manager <@{MARIA.id}>")
    activity = teams.activities.channel_message(ADA, "team add atlas <at>Zoe</at>", mentions=(ZOE,))
    assert (await teams.post(activity))[0] == 200
    with teams.core.database.session() as session:
        zoe = session.scalar(select(Person).where(Person.platform_id == ZOE.id))
        assert zoe is not None and zoe.display_name == "Zoe"
    assert "Zoe" in text_of(teams.fake.state.posts(ADA.id)[-1])


async def test_a_non_admin_is_refused_admin_commands(teams: TeamsHarness) -> None:
    await teams.say(BEN, "coach threshold 3")
    [reply] = teams.fake.state.posts(BEN.id)
    assert "admin" in text_of(reply).lower()


async def test_checkin_in_personal_chat_with_typed_answers_clicks_and_an_edit(teams: TeamsHarness) -> None:
    await setup_pulse(teams, BEN)
    teams.fake.state.calls.clear()
    teams.clock.advance(timedelta(days=2, hours=2))  # Saturday 12:00 UTC -> Monday 14:00 UTC = 09:00 New York
    await teams.pump()
    ben = checkin_posts(teams, BEN)
    assert len(ben) == 2, [text_of(c) for c in ben]  # the nudge and the first question, as new messages
    nudge, question = ben
    assert nudge.path == f"/v3/conversations/{BEN.chat}/activities"  # a new message, not a reply
    assert "pulse" in text_of(nudge)
    assert question.body["attachments"], "a rating question comes as a card"

    # A click through Action.Execute: the invoke response replaces the card with the choice.
    data = execute_data(question, "4")
    status, body = await teams.post(teams.activities.execute(BEN, data))
    assert status == 200
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.card.adaptive"
    assert "Your answer:" in str(body["value"]) and "'4'" in str(body["value"])
    assert "Action.Execute" not in str(body["value"])

    # The next question arrives as a new 1:1 message; a typed answer answers it.
    second = checkin_posts(teams, BEN)[-1]
    assert second is not question
    typed = await teams.say(BEN, "More focus time, fewer meetings")
    # Edits replace the stored answer.
    status, _ = await teams.post(teams.activities.edit(typed, "Fewer meetings on Fridays"))
    assert status == 200

    with teams.core.database.session() as session:
        texts = [a.text for a in session.scalars(select(Answer))]
    assert "4" in texts
    assert "Fewer meetings on Fridays" in texts
    assert "More focus time, fewer meetings" not in texts


async def test_a_message_back_click_is_an_answer_and_updates_the_card(teams: TeamsHarness) -> None:
    await setup_pulse(teams, BEN)
    teams.fake.state.calls.clear()
    teams.clock.advance(timedelta(days=2, hours=2))
    await teams.pump()
    question = checkin_posts(teams, BEN)[1]
    data = execute_data(question, "2")
    status, _ = await teams.post(teams.activities.message_back(BEN, data, reply_to="1:msg-question"))
    assert status == 200
    [update] = teams.fake.state.updates()
    assert update.path.endswith("/activities/1:msg-question")
    assert "Your answer:" in text_of(update)
    with teams.core.database.session() as session:
        assert [a.text for a in session.scalars(select(Answer))] == ["2"]


def member(who: Any) -> dict[str, str]:
    return {"id": who.id, "name": who.name, "aadObjectId": who.aad, "tenantId": TENANT}


async def test_a_team_bound_to_a_teams_roster_follows_it(teams: TeamsHarness) -> None:
    teams.fake.state.rosters[TEAM_ID] = [member(MARIA), member(BEN), member(ZOE)]
    status, _ = await teams.post(teams.activities.bot_added_to_team(ADA))
    assert status == 200
    await setup_pulse(teams)
    status, _ = await teams.post(teams.activities.channel_message(ADA, "team bind atlas here"))
    assert status == 200
    pages = [c for c in teams.fake.state.calls if c.path.endswith("/pagedmembers")]
    assert len(pages) == 2  # three members, two per page: the continuation token was followed
    assert all(c.conversation == TEAM_ID for c in pages)
    with teams.core.database.session() as session:
        team = session.scalar(select(Team).where(Team.name == "atlas"))
        assert team is not None and team.binding == f"teams:{TEAM_ID}"
    # Someone leaves the Teams team: the next sync drops them.
    teams.fake.state.rosters[TEAM_ID] = [member(MARIA), member(BEN)]
    assert [b.team for b in (await teams.mount.sync_rosters()).synced] == ["atlas"]
    await teams.say(MARIA, "coach team show atlas")
    shown = text_of(teams.fake.state.posts(MARIA.id)[-1])
    assert "Ben" in shown and "Zoe" not in shown


async def test_someone_without_the_app_is_reported_and_served_after_installing(teams: TeamsHarness) -> None:
    # Ben and Zoe are known only from the Teams roster; neither has a 1:1 chat with the bot.
    teams.fake.state.rosters[TEAM_ID] = [member(MARIA), member(BEN), member(ZOE)]
    teams.fake.state.not_installed.add(ZOE.id)
    await teams.post(teams.activities.bot_added_to_team(ADA))
    await setup_pulse(teams)
    await teams.post(teams.activities.channel_message(ADA, "team bind atlas here"))
    teams.clock.advance(timedelta(days=2, hours=2))  # Monday 14:00 UTC: past 09:00 everywhere here
    await teams.pump()
    # Ben's chat is created through the team's serviceUrl; Zoe's is refused with 403.
    creates = sorted(
        c.body["members"][0]["id"] for c in teams.fake.state.calls if c.path == "/v3/conversations"
    )
    assert creates == sorted([BEN.id, ZOE.id])
    assert any("pulse" in text_of(c) for c in teams.fake.state.posts(BEN.id))
    assert teams.fake.state.posts(ZOE.id) == []
    assert "Zoe" in teams.core.home(teams.actor(ADA)).needs_app
    await teams.say(ADA, "coach status")
    assert "Zoe" in text_of(teams.fake.state.posts(ADA.id)[-1])
    # Pumping again neither retries forever nor crashes.
    await teams.pump()
    assert len([c for c in teams.fake.state.calls if c.path == "/v3/conversations"]) == 2

    # Zoe installs the app: her reference is stored and the held nudge goes out.
    teams.fake.state.not_installed.discard(ZOE.id)
    status, _ = await teams.post(teams.activities.installed(ZOE))
    assert status == 200
    stored = references.load(teams.core.database.engine, tenant=TENANT, kind="person", subject=ZOE.id)
    assert stored is not None and stored.service_url == teams.fake.service_url
    texts = [text_of(c) for c in teams.fake.state.posts(ZOE.id)]
    assert any("pulse" in t for t in texts), texts
    assert "Zoe" not in teams.core.home(teams.actor(ADA)).needs_app


async def test_no_known_service_url_means_unreachable_without_a_request(teams: TeamsHarness) -> None:
    teams.fake.state.rosters[TEAM_ID] = [member(MARIA), member(ZOE)]
    await teams.post(teams.activities.bot_added_to_team(ADA))
    await setup_pulse(teams)
    await teams.post(teams.activities.channel_message(ADA, "team bind atlas here"))
    teams.fake.state.calls.clear()
    # Then every stored reference is lost: Zoe has no 1:1 chat and no serviceUrl is known.
    with teams.core.database.engine.begin() as conn:
        conn.execute(references.references.delete())
    teams.clock.advance(timedelta(days=2))
    await teams.pump()
    assert teams.fake.state.calls == []
    with teams.core.database.session() as session:
        zoe = session.scalar(select(Person).where(Person.platform_id == ZOE.id))
        assert zoe is not None and zoe.reachable is False


async def test_429_is_retried_later_not_dropped(teams: TeamsHarness) -> None:
    await setup_pulse(teams, BEN)
    teams.fake.state.calls.clear()
    teams.fake.state.rate_limited = 1
    teams.clock.advance(timedelta(days=2, hours=2))
    await teams.pump()
    assert teams.fake.state.posts(BEN.id) == []
    with teams.core.database.session() as session:
        errors = [m.error for m in session.scalars(select(OutboxMessage)) if m.error]
    assert any("retry after 7" in (e or "") for e in errors), errors
    teams.clock.advance(timedelta(seconds=8))
    await teams.pump()
    assert len(checkin_posts(teams, BEN)) == 2


async def test_a_403_on_a_known_chat_holds_messages_until_the_person_writes_again(
    teams: TeamsHarness,
) -> None:
    await setup_pulse(teams, BEN)
    teams.fake.state.calls.clear()
    teams.fake.state.not_installed.add(BEN.id)  # Ben removed the app after chatting with the bot
    teams.clock.advance(timedelta(days=2, hours=2))
    await teams.pump()
    assert teams.fake.state.posts(BEN.id) == []
    with teams.core.database.session() as session:
        ben = session.scalar(select(Person).where(Person.platform_id == BEN.id))
        assert ben is not None and ben.reachable is False
        held = [m for m in session.scalars(select(OutboxMessage)) if m.status == "held"]
    assert held and all("BotNotInConversationRoster" in (m.error or "") for m in held)
    teams.fake.state.not_installed.discard(BEN.id)
    status, _ = await teams.post(teams.activities.bot_added_to_chat(BEN))  # reinstalled: Teams says hello
    assert status == 200
    texts = [text_of(c) for c in teams.fake.state.posts(BEN.id)]
    assert any("Coachbot" in t and "help" in t for t in texts)  # the welcome
    assert any("pulse" in t for t in texts)  # and the held nudge
