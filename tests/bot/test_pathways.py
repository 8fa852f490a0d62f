"""Pathways per person: who may set them, the new hire's onboarding sequence, one question in three
from the pathway in regular check-ins, and digests that never tell who is on which pathway.

The clock starts on Saturday 2026-11-21 12:00 UTC. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import Pathway, PromptAudience
from bot.pathways import pathway_prompts
from bot.prompts import PromptLibrary
from storage.models import CadenceRun
from storage.pathways import PersonPathway
from tests.bot.conversation_kit import on_both_backends
from tests.bot.test_engine_helpers import checkins, last_reply, org, received, run

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL

NY = "America/New_York"
SYDNEY = "Australia/Sydney"
MONDAY_9 = ":advance to 2026-11-23 09:00 America/New_York"


def team(chat: LocalChat, members: dict[str, str], *extra: str) -> None:
    """Lead mo in New York and the given members (handle -> zone) in team t."""
    org(chat, {"mo": NY, **members}, extra=extra)
    run(chat, "team create t --manager @mo", "team add t " + " ".join(f"@{m}" for m in members))


def pathways_of(core: Coachbot, who: str) -> list[PersonPathway]:
    from storage.models import Person

    with core.database.session() as session:
        query = select(PersonPathway).join(Person, Person.id == PersonPathway.person_id)
        return list(session.scalars(query.where(Person.platform_id == who).order_by(PersonPathway.id)))


# -- who may set a pathway ---------------------------------------------------------------------------


def test_a_member_cannot_set_pathways_and_nothing_changes(chat: LocalChat, core: Coachbot) -> None:
    team(chat, {"bo": NY, "ben": NY})
    run(chat, ":as bo", "pathway set @ben new-hire")
    assert "only for the members of teams you lead" in last_reply(chat)
    run(chat, "pathway clear @ben")
    assert "only for the members of teams you lead" in last_reply(chat)
    assert pathways_of(core, "ben") == []
    assert received(chat, "ben", "notice") == []


def test_a_lead_sets_pathways_only_for_their_own_teams_members(chat: LocalChat, core: Coachbot) -> None:
    team(chat, {"ben": NY}, ":person zed tz=UTC")
    run(chat, "team create other --manager @ada", "team add other @zed")
    run(chat, ":as mo", "pathway set @zed specialist")
    assert "only for the members of teams you lead" in last_reply(chat)
    run(chat, "pathway set @ben specialist")
    assert "ben is now on the pathway *specialist* since" in last_reply(chat)
    assert [p.pathway for p in pathways_of(core, "ben")] == [Pathway.SPECIALIST]
    assert pathways_of(core, "zed") == []
    # The person is told, in a message of their own (on Monday: Saturday is no working day), and sees
    # it in `status`.
    assert received(chat, "ben", "notice") == []
    run(chat, MONDAY_9)
    told = received(chat, "ben", "notice")
    assert len(told) == 1 and "mo put you on a pathway" in told[0].text
    assert told[0].at.astimezone(ZoneInfo(NY)).weekday() == 0
    run(chat, ":as ben", "status")
    assert "Pathway: *specialist*" in last_reply(chat)
    run(chat, ":as mo", "pathway clear @ben")
    assert "no longer on the specialist pathway" in last_reply(chat)
    run(chat, ":as ben", "status")
    assert "Pathway" not in last_reply(chat)


def test_an_admin_sets_anyones_pathway_and_bad_input_changes_nothing(chat: LocalChat, core: Coachbot) -> None:
    team(chat, {"ben": NY})
    run(chat, "pathway set @ben rockstar")
    assert "`rockstar` is not a pathway" in last_reply(chat)
    run(chat, "pathway set @ben new-hire --until 2020-01-01")
    assert "already be over" in last_reply(chat)
    run(chat, "pathway set @nobody new-hire")
    assert "don't know nobody" in last_reply(chat)
    run(chat, "pathway length new-hire forever")
    assert "isn't a length I can use" in last_reply(chat)
    assert pathways_of(core, "ben") == []
    run(chat, "pathway length new-hire 120d", "pathway set @ben new-hire --from 2026-11-23")
    (row,) = pathways_of(core, "ben")
    assert (row.starts, row.ends) == (date(2026, 11, 23), date(2026, 11, 23) + timedelta(days=120))


# -- the new hire's onboarding ------------------------------------------------------------------------


def test_a_new_hires_sequence_lands_on_working_days_in_each_zone_and_ends_by_itself(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    team(chat, {"ben": SYDNEY})
    run(chat, "pathway set @ben new-hire --from 2026-11-23")
    assert "10 onboarding check-ins are planned" in last_reply(chat)
    # Day 1, week 1, day 30, day 60, day 90 from Monday 23 November; a weekend moves to Monday.
    expected = [
        date(2026, 11, 23),
        date(2026, 11, 30),
        date(2026, 12, 22),
        date(2027, 1, 21),
        date(2027, 2, 22),
    ]
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    for who in ("ben", "mo"):  # the first milestone is answered in the usual conversation
        run(chat, f":as {who}", "> 4", "> 4")  # a number answers a rating and a text question alike
        assert [c.state for c in checkins(core, who)] == ["done"]
        assert len(received(chat, who, "thanks")) == 1
    run(chat, ":advance 100d")
    for who, zone, role in (("ben", SYDNEY, PromptAudience.MEMBER), ("mo", NY, PromptAudience.MANAGER)):
        nudges = [m for m in received(chat, who, "nudge")]
        assert len(nudges) == 5, [m.text for m in nudges]
        local = [m.at.astimezone(ZoneInfo(zone)) for m in nudges]
        assert [at.date() for at in local] == expected
        assert all(at.weekday() < 5 and (at.hour, at.minute) == (10, 0) for at in local)
        onboarding = [c for c in checkins(core, who) if c.kind == "onboarding"]
        assert len(onboarding) == 5 and all(c.cadence_id is None and c.run_id is None for c in onboarding)
        asked = [p for c in onboarding for p in c.prompt_ids or []]
        pool = {p.id for p in pathway_prompts(library, Pathway.NEW_HIRE, role)}
        assert set(asked) <= pool
        assert len(set(asked)) == len(asked) == 10  # no question twice in the five milestones
    assert "nobody else sees them" in received(chat, "ben", "nudge")[0].text
    assert "ben is new in your team" in received(chat, "mo", "nudge")[0].text
    # 90 days after 23 November the pathway is over without anyone clearing it.
    run(chat, ":as ben", "status")
    assert "Pathway" not in last_reply(chat)


def test_clearing_a_new_hire_stops_the_rest_of_the_sequence(chat: LocalChat, core: Coachbot) -> None:
    team(chat, {"ben": NY})
    run(chat, "pathway set @ben new-hire --from 2026-11-23", ":advance to 2026-11-24 12:00 America/New_York")
    assert len(received(chat, "ben", "nudge")) == 1
    run(chat, "pathway clear @ben", ":advance 60d")
    assert len(received(chat, "ben", "nudge")) == 1
    assert len(received(chat, "mo", "nudge")) == 1


# -- one question in three, and what a digest shows ---------------------------------------------------


def test_one_question_in_three_comes_from_the_pathway_and_rotates(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    team(chat, {"bo": NY, "ben": NY})
    run(
        chat,
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d',
        "pathway set @ben high-performer",
        MONDAY_9,
        ":advance to 2026-11-30 09:00 America/New_York",
    )
    pool = {p.id for p in pathway_prompts(library, Pathway.HIGH_PERFORMER, PromptAudience.MEMBER)}
    bens, bos = checkins(core, "ben"), checkins(core, "bo")
    assert len(bens) == len(bos) == 2
    for ben, bo in zip(bens, bos, strict=True):
        assert bo.prompt_ids is None  # not on a pathway: the run's questions
        assert ben.prompt_ids is not None
        with core.database.session() as session:
            shared = session.get_one(CadenceRun, bo.run_id).prompt_ids
        assert ben.run_id == bo.run_id and ben.prompt_ids[:2] == shared[:2] and ben.prompt_ids[2] in pool
    assert bens[0].prompt_ids[2] != bens[1].prompt_ids[2]  # no repeat while the set lasts


def test_a_digest_never_shows_a_pathway_question_fewer_than_k_people_answered(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    members = ["bo", "cy", "di", "ben"]
    team(chat, dict.fromkeys(members, NY), "threshold 3")
    run(
        chat,
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d'
        " --anonymous no",
        "pathway set @ben high-performer",
        MONDAY_9,
    )
    for who in members:
        run(chat, f":as {who}", "> 4", f"> comment from {who}", "> 3")
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    (sent,) = received(chat, "mo", "digest")
    (ben,) = checkins(core, "ben")
    assert ben.prompt_ids is not None
    pathway_question = library.get(ben.prompt_ids[2]).text_for("en")
    assert pathway_question not in sent.text
    assert "comment from bo" in sent.text  # the shared questions are shown as usual
    assert "high" not in sent.text.lower() and "pathway" not in sent.text.lower()


def test_a_milestone_waits_for_time_off_taken_after_it_was_planned(chat: LocalChat, core: Coachbot) -> None:
    team(chat, {"ben": NY})
    run(chat, "pathway set @ben new-hire --from 2026-11-23", ":as ben", "vacation 2026-11-30 2026-12-02")
    run(chat, ":advance to 2026-12-04 12:00 America/New_York")
    days = [m.at.astimezone(ZoneInfo(NY)).date() for m in received(chat, "ben", "nudge")]
    assert days == [date(2026, 11, 23), date(2026, 12, 3)]  # week 1 comes on the first day back
    assert len(received(chat, "mo", "nudge")) == 2  # mo is not away: his came on Monday 30th


def test_a_pathway_question_enough_people_answered_is_shown_without_names(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    members = ["bo", "cy", "di"]
    team(chat, dict.fromkeys(members, NY), "threshold 3")
    run(
        chat,
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d'
        " --anonymous no",
        *(f"pathway set @{m} high-performer" for m in members),
        MONDAY_9,
    )
    for who in members:
        run(chat, f":as {who}", "> 4", f"> comment from {who}", "> 2")
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    (sent,) = received(chat, "mo", "digest")
    (bo,) = checkins(core, "bo")
    assert bo.prompt_ids is not None
    assert library.get(bo.prompt_ids[2]).text_for("en") in sent.text  # three answered it: K is met
    assert "comment from bo" in sent.text  # a shared question of a named cadence, as promised
