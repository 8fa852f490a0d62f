"""Pathways through Teams: a lead puts a member on the new-hire pathway by typing the command, the
member is told and gets the onboarding check-in at 10:00 in their zone, and answers it with a card
button (the same conversation as any check-in)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Answer, Checkin
from tests.adapters.teams.harness import TeamsHarness
from tests.adapters.teams.test_conversation import text_of
from tests.adapters.teams.test_scenario import BEN, FARID, MARIA, click, setup


async def test_a_lead_sets_a_new_hire_pathway_and_the_onboarding_is_answered_with_a_button(
    teams: TeamsHarness,
) -> None:
    await setup(teams)
    await teams.say(MARIA, f"coach pathway set <@{FARID.id}|Farid> specialist --until 2020-01-01")
    await teams.say(MARIA, f"coach pathway set <@{BEN.id}|Ben> new-hire --from 2026-11-23")
    said_to_maria = " ".join(text_of(c) for c in teams.fake.state.posts(MARIA.id))
    assert "already be over" in said_to_maria
    assert "Ben is now on the pathway" in said_to_maria
    await teams.advance_to(datetime(2026, 11, 23, 10, 30, tzinfo=ZoneInfo(BEN.timezone)))
    to_ben = [text_of(c) for c in teams.fake.state.posts(BEN.id)]
    assert any("Maria put you on a pathway" in text for text in to_ben)
    assert any("short onboarding check-in for the first day" in text for text in to_ben)
    await click(teams, BEN, "4")
    with teams.core.database.session() as session:
        onboarding = session.scalars(select(Checkin).where(Checkin.kind == "onboarding")).all()
        assert len(onboarding) == 2  # Ben and Maria, his lead
        rated = session.scalars(select(Answer).where(Answer.rating == 4)).all()
        assert [a.checkin_id for a in rated] == [c.id for c in onboarding if c.person.platform_id == BEN.id]
