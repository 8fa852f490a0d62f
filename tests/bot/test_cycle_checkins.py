"""The business cycle through the core, on the hand-moved clock: which questions a cadence asks in each
phase, rotation per phase, prompts that suit the cadence's length, and a team's own cycle."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import CadenceLength, Phase
from bot.prompts import PromptLibrary
from storage.cycles import BusinessCycle
from storage.models import Cadence, CadenceRun
from tests.bot.test_engine_helpers import last_reply, org, received, run


def asked(core: Coachbot, cadence: str) -> dict[date, list[str]]:
    """The prompt ids of each run of a cadence, by occurrence date."""
    with core.database.session() as session:
        rows = session.execute(
            select(CadenceRun.occurrence_date, CadenceRun.prompt_ids)
            .join(Cadence, Cadence.id == CadenceRun.cadence_id)
            .where(Cadence.name == cadence)
            .order_by(CadenceRun.occurrence_date)
        ).tuples()
        return {day: [str(p) for p in ids] for day, ids in rows}


def phases(library: PromptLibrary, ids: list[str]) -> set[Phase | None]:
    return {library.get(i).phase for i in ids}


def manager_cadence(chat: LocalChat, team: str, manager: str, *, every: str = "weekly mon") -> None:
    run(
        chat,
        f"team create {team} --manager @{manager}",
        f"cadence add {team}-sync --team {team} --audience manager"
        f' --every "{every}" --at 09:00 --questions 2',
    )


def test_a_quarter_asks_plan_questions_first_and_review_questions_last(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    org(chat, {"mo": "UTC"})
    run(chat, ":advance to 2026-12-31 12:00")
    manager_cadence(chat, "atlas", "mo")
    run(chat, "cycle set quarterly --plan 2w --review 2w", ":advance to 2027-04-13 12:00")

    runs = asked(core, "atlas-sync")
    plan_weeks = [date(2027, 1, 4), date(2027, 1, 11)]
    review_weeks = [date(2027, 3, 22), date(2027, 3, 29)]
    execute_weeks = [d for d in runs if date(2027, 1, 18) <= d <= date(2027, 3, 15)]
    assert len(execute_weeks) == 9
    for day in plan_weeks:
        assert phases(library, runs[day]) == {Phase.PLAN}, day
    for day in review_weeks:
        assert phases(library, runs[day]) == {Phase.REVIEW}, day
    for day in execute_weeks:
        assert phases(library, runs[day]) == {Phase.EXECUTE}, day
    # The Monday nudge of the first week asks the first plan question of the set.
    first_question = next(m for m in received(chat, "mo", "question") if m.at.date() == date(2027, 1, 4))
    assert library.get(runs[plan_weeks[0]][0]).text_for("en") in first_question.text

    # No repeats within a phase: plan and review weeks ask four different questions each, and the
    # plan weeks of the next quarter carry on where January stopped.
    january = runs[plan_weeks[0]] + runs[plan_weeks[1]]
    march = runs[review_weeks[0]] + runs[review_weeks[1]]
    assert len(set(january)) == 4 and len(set(march)) == 4
    april = runs[date(2027, 4, 5)]
    assert phases(library, april) == {Phase.PLAN} and not set(april) & set(january)
    # Execute has fewer prompts than its weeks need: it rotates through all of them before any repeats.
    sequence = [prompt for day in execute_weeks for prompt in runs[day]]
    pool = {p.id for p in library.set("manager-core").prompts if p.phase is Phase.EXECUTE}
    for start in range(0, len(sequence) - len(pool) + 1):
        assert set(sequence[start : start + len(pool)]) == pool


def test_a_monthly_cadence_never_gets_weekly_wording(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    org(chat, {"mo": "UTC", "mi": "UTC"})
    manager_cadence(chat, "atlas", "mo", every="monthly first mon")
    manager_cadence(chat, "zeta", "mi", every="weekly mon")
    run(chat, ":advance to 2027-03-01 12:00")  # four months without a cycle (Dec to Mar)
    run(chat, "cycle set quarterly", ":advance to 2027-07-01 12:00")  # then three with one

    monthly = [prompt for ids in asked(core, "atlas-sync").values() for prompt in ids]
    assert len(monthly) == 2 * 7  # first Mondays: Dec 7 to Mar 1, then Apr 5, May 3, Jun 7
    weekly_only = {p.id for p in library.set("manager-core").prompts if CadenceLength.MONTHLY not in p.suits}
    assert weekly_only and not weekly_only & set(monthly)
    assert not any("week" in library.get(p).text_for("en") for p in monthly)
    # The weekly cadence of the same set does ask them.
    weekly = {prompt for ids in asked(core, "zeta-sync").values() for prompt in ids}
    assert weekly_only & weekly


def test_a_team_cycle_beats_the_workspace_cycle_until_it_is_cleared(
    chat: LocalChat, core: Coachbot, library: PromptLibrary
) -> None:
    org(chat, {"mo": "UTC", "mi": "UTC"})
    manager_cadence(chat, "atlas", "mo")
    manager_cadence(chat, "zeta", "mi")
    run(
        chat,
        "cycle set quarterly --plan 2w --review 2w",
        "cycle set plan 2027-01-04 execute 2027-01-11 review 2027-01-25 end 2027-02-07 --team zeta",
        ":advance to 2027-02-02 12:00",
        "cycle clear --team zeta",
        ":advance to 2027-02-09 12:00",
    )
    atlas, zeta = asked(core, "atlas-sync"), asked(core, "zeta-sync")
    assert phases(library, atlas[date(2027, 2, 1)]) == {Phase.EXECUTE}
    assert phases(library, zeta[date(2027, 2, 1)]) == {Phase.REVIEW}
    assert phases(library, zeta[date(2027, 1, 11)]) == {Phase.EXECUTE}
    assert phases(library, atlas[date(2027, 1, 11)]) == {Phase.PLAN}
    # Cleared: zeta follows the workspace again.
    assert phases(library, zeta[date(2027, 2, 8)]) == {Phase.EXECUTE}


def cycles_stored(core: Coachbot) -> list[tuple[int | None, str]]:
    with core.database.session() as session:
        return [
            (c.team_id, c.kind) for c in session.scalars(select(BusinessCycle).order_by(BusinessCycle.id))
        ]


def test_cycle_commands_say_what_is_in_force_and_refuse_bad_input(chat: LocalChat, core: Coachbot) -> None:
    org(chat, {"mo": "UTC", "bo": "Australia/Sydney"})
    run(chat, "team create atlas --manager @mo", "team add atlas @bo", "cycle")
    assert "No business cycle is set" in last_reply(chat)

    run(chat, "cycle set sprints 2w --from 2026-11-23")
    reply = last_reply(chat)
    assert "sprints of 2 weeks" in reply and "No phase is in force yet; plan starts on" in reply

    for bad in (
        "cycle set quarterly --plan 9w",
        "cycle set sprints 2d",
        "cycle set monthly",
        "cycle set plan 2027-01-04 execute 2027-01-01 review 2027-03-22",
        "cycle set quarterly --from 2027-01-01",
        "cycle set quarterly --team nowhere",
        "cycle clear --team nowhere",
    ):
        run(chat, bad)
        assert cycles_stored(core) == [(None, "sprints")], bad

    run(chat, "cycle set sprints 2w --from 2026-11-23")
    assert "already" in last_reply(chat)

    # A member sees their team's phase, in their own date (Sydney is already Monday 23 Nov).
    run(chat, ":advance to 2026-11-22 20:00", ":as bo", "cycle")
    assert "*atlas*: Now: *plan* until" in last_reply(chat)
    run(chat, "cycle set quarterly")
    assert "Only Coachbot admins" in last_reply(chat)
    assert cycles_stored(core) == [(None, "sprints")]

    run(chat, ":as ada", "cycle set quarterly --plan 1w --review 10d --team atlas", ":as bo", "cycle")
    assert (
        "*atlas* has its own cycle: quarterly (1 week of plan at the start of each quarter, 10 days of review"
        in last_reply(chat)
    )
    run(chat, ":as ada", "cycle clear --team atlas")
    assert "follows the workspace's cycle again" in last_reply(chat)
    run(chat, "cycle clear", "cycle clear")
    assert "There is no business cycle to clear." in last_reply(chat)
    assert cycles_stored(core) == []


def test_cycle_replies_in_german(chat: LocalChat) -> None:
    org(chat, {"mo": "UTC"}, admin="ada")
    run(
        chat,
        ":person ute tz=Europe/Berlin locale=de admin",
        ":as ute",
        "cycle set quarterly --plan 2w --review 2w",
    )
    reply = last_reply(chat)
    assert "Der Geschäftszyklus ist jetzt quartalsweise" in reply and "Jetzt: *Umsetzung*" in reply
