"""Teams-bound teams follow their Teams rosters through the core's one roster loop
(bot.roster.sync_bound_teams): bots never enrolled, an empty or failed roster never empties a
team, one failing binding doesn't stop the others, and every alias of `team bind` syncs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import relationships
from storage.models import Person, Team
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.harness import TEAM_ID, TeamsHarness, person
from tests.adapters.teams.test_conversation import member, setup_pulse

MARIA = person("maria", "America/New_York")
BEN = person("ben", "America/New_York")
ZOE = person("zoe", "Europe/Berlin")
OTHER_TEAM = "19:team-other@thread.tacv2"
OTHER_BOT = {"id": "28:some-other-bot", "name": "Polly"}


def members_of(teams: TeamsHarness, team: str) -> set[str]:
    with teams.core.database.session() as session:
        found = session.scalar(select(Team).where(Team.name == team))
        assert found is not None, team
        return {p.platform_id for p in relationships.members_of(session, found)}


def roster_reads(teams: TeamsHarness, team_id: str = TEAM_ID) -> int:
    """How many times the roster was read (first pages; later pages carry a continuation token)."""
    return len(
        [
            c
            for c in teams.fake.state.calls
            if c.path.endswith("/pagedmembers")
            and c.conversation == team_id
            and not c.body.get("continuationToken")
        ]
    )


async def app_added_to(teams: TeamsHarness, team_id: str) -> None:
    activity = teams.activities.bot_added_to_team(ADA)
    activity["conversation"]["id"] = team_id
    activity["channelData"]["team"] = {"id": team_id, "name": team_id}
    status, _ = await teams.post(activity)
    assert status == 200


async def bound_atlas(teams: TeamsHarness, *roster: dict[str, Any]) -> None:
    teams.fake.state.rosters[TEAM_ID] = list(roster)
    await app_added_to(teams, TEAM_ID)
    await setup_pulse(teams)
    status, _ = await teams.post(teams.activities.channel_message(ADA, "team bind atlas here"))
    assert status == 200


async def test_bots_on_a_teams_roster_are_never_enrolled(teams: TeamsHarness) -> None:
    await bound_atlas(teams, member(MARIA), member(BEN), OTHER_BOT)
    assert members_of(teams, "atlas") == {BEN.id}  # Maria manages it; the bot is nobody's teammate
    with teams.core.database.session() as session:
        assert session.scalar(select(Person).where(Person.platform_id == OTHER_BOT["id"])) is None


async def test_an_empty_roster_leaves_the_team_as_it_is(teams: TeamsHarness) -> None:
    await bound_atlas(teams, member(MARIA), member(BEN), member(ZOE))
    assert members_of(teams, "atlas") == {BEN.id, ZOE.id}
    teams.fake.state.rosters[TEAM_ID] = []
    report = await teams.mount.sync_rosters()
    assert [b.team for b, _ in report.left_alone] == ["atlas"]
    assert members_of(teams, "atlas") == {BEN.id, ZOE.id}
    teams.fake.state.rosters[TEAM_ID] = [OTHER_BOT]  # only bots: as good as empty
    await teams.mount.sync_rosters()
    assert members_of(teams, "atlas") == {BEN.id, ZOE.id}


async def test_a_failed_roster_leaves_its_team_alone_and_the_others_still_sync(teams: TeamsHarness) -> None:
    await bound_atlas(teams, member(MARIA), member(BEN))
    teams.fake.state.rosters[OTHER_TEAM] = [member(MARIA), member(ZOE)]
    await app_added_to(teams, OTHER_TEAM)
    await teams.say(ADA, f"coach team create zeta --manager <@{MARIA.id}>")
    await teams.say(ADA, f"coach team bind zeta teams:{OTHER_TEAM}")
    assert members_of(teams, "zeta") == {ZOE.id}
    # Atlas's roster now fails (404), while zeta's gained Ben: zeta still syncs, atlas stays.
    del teams.fake.state.rosters[TEAM_ID]
    teams.fake.state.rosters[OTHER_TEAM] = [member(MARIA), member(ZOE), member(BEN)]
    report = await teams.mount.sync_rosters()
    assert [b.team for b, _ in report.failed] == ["atlas"]
    assert [b.team for b in report.synced] == ["zeta"]
    assert members_of(teams, "atlas") == {BEN.id}
    assert members_of(teams, "zeta") == {ZOE.id, BEN.id}


async def test_a_team_whose_teams_team_lacks_the_app_is_reported_not_emptied(teams: TeamsHarness) -> None:
    await setup_pulse(teams, BEN)
    await teams.say(ADA, f"coach team bind atlas teams:{OTHER_TEAM}")  # the app was never added there
    report = await teams.mount.sync_rosters()
    assert [b.team for b, _ in report.failed] == ["atlas"]
    assert members_of(teams, "atlas") == {BEN.id}


async def test_binding_by_any_alias_syncs_the_roster(teams: TeamsHarness) -> None:
    teams.fake.state.rosters[TEAM_ID] = [member(MARIA), member(BEN)]
    await app_added_to(teams, TEAM_ID)
    await setup_pulse(teams)
    status, _ = await teams.post(teams.activities.channel_message(ADA, "team link atlas here"))
    assert status == 200
    assert roster_reads(teams) == 1
    assert members_of(teams, "atlas") == {BEN.id}
    teams.fake.state.rosters[TEAM_ID] = [member(MARIA), member(BEN), member(ZOE)]
    await teams.say(ADA, f"team sync atlas teams:{TEAM_ID}")  # a 1:1 message without `coach`
    assert roster_reads(teams) == 2
    assert members_of(teams, "atlas") == {BEN.id, ZOE.id}


async def test_only_a_parsed_bind_syncs_never_the_words_alone(teams: TeamsHarness) -> None:
    await bound_atlas(teams, member(MARIA), member(BEN))
    before = roster_reads(teams)
    await teams.say(ADA, "coach team bind atlas")  # not a command: the source is missing
    await teams.say(ADA, "team bindings are great")  # not a command at all
    assert roster_reads(teams) == before
