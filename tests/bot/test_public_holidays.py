"""Public holidays of each person's country are days off: a nudge that falls on one moves to the
person's next working day, reminders wait them out, and `holidays off` turns it all off.

Easter Monday (2027-03-29) is a public holiday in Germany and not in the United States; the
United States' Thanksgiving (2026-11-26) is not one in Germany.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from adapters.local import LocalChat
from bot.clock import ManualClock
from bot.core import Coachbot
from bot.domain import Recurrence
from bot.prompts import PromptLibrary
from bot.schedule import LocalPolicy, add_working_time, next_occurrence, next_working_moment
from storage.db import Database
from tests.bot.test_engine_helpers import last_reply, nudge_times, run
from tests.conftest import Transcript

BERLIN, NEW_YORK = "Europe/Berlin", "America/New_York"
SATURDAY_BEFORE_EASTER = datetime(2027, 3, 27, 12, 0, tzinfo=UTC)
WEEKLY_MON = Recurrence(kind="weekly", weekday=0)
DAILY = Recurrence(kind="daily")


@pytest.fixture
def easter_chat(any_database: Database, library: PromptLibrary, transcript: Transcript) -> LocalChat:
    clock = ManualClock(SATURDAY_BEFORE_EASTER)
    core = Coachbot(database=any_database, clock=clock, library=library)
    chat = LocalChat(core=core, clock=clock, org="acme", output=transcript.append)
    run(
        chat,
        ":person ada tz=UTC admin",
        f":person lena tz={BERLIN} country=DE",
        f":person sam tz={NEW_YORK} country=US",
        f":person kai tz={BERLIN} country=DE",
        ":as ada",
        "team create berlin --manager @lena",
        "team add berlin @kai",
        "team create boston --manager @sam",
        "team add boston @kai",
        'cadence add sync-de --team berlin --audience manager --every "weekly mon" --at 09:00',
        'cadence add sync-us --team boston --audience manager --every "weekly mon" --at 09:00',
    )
    return chat


def test_a_nudge_on_a_german_holiday_moves_to_the_next_working_day_only_for_the_person_in_germany(
    easter_chat: LocalChat,
) -> None:
    run(easter_chat, ":advance to 2027-04-01 12:00")
    assert [f"{t:%a %Y-%m-%d %H:%M}" for t in nudge_times(easter_chat, "lena", BERLIN)] == [
        "Tue 2027-03-30 09:00"  # Easter Monday in Germany: the next working day, same time
    ]
    assert [f"{t:%a %Y-%m-%d %H:%M}" for t in nudge_times(easter_chat, "sam", NEW_YORK)] == [
        "Mon 2027-03-29 09:00",  # Easter Monday is not a holiday in the United States
    ]
    # The following Monday is a working day in Germany again.
    run(easter_chat, ":advance to 2027-04-06 12:00")
    assert len(nudge_times(easter_chat, "lena", BERLIN)) == 2


def test_holidays_off_turns_it_off_and_on_again(easter_chat: LocalChat) -> None:
    run(easter_chat, "holidays")
    assert "Public holidays are days off." in last_reply(easter_chat)
    assert "3 people have a country set." in last_reply(easter_chat)
    run(easter_chat, "holidays off")
    assert "no longer days off" in last_reply(easter_chat)
    run(easter_chat, "holidays off")
    assert "already not days off" in last_reply(easter_chat)
    run(easter_chat, ":advance to 2027-03-29 12:00")
    assert [f"{t:%a %H:%M}" for t in nudge_times(easter_chat, "lena", BERLIN)] == ["Mon 09:00"]
    run(easter_chat, "holidays on")
    assert "now days off" in last_reply(easter_chat)


def test_holidays_is_for_admins_and_takes_only_on_or_off(easter_chat: LocalChat) -> None:
    run(easter_chat, "holidays maybe")
    assert "`holidays on` or `holidays off`" in last_reply(easter_chat)
    run(easter_chat, ":as sam", "holidays off")
    assert "Only Coachbot admins" in last_reply(easter_chat)
    run(easter_chat, ":as ada", "holidays")
    assert "Public holidays are days off." in last_reply(easter_chat)


def test_a_bad_country_in_the_local_chat_is_refused(easter_chat: LocalChat, transcript: Transcript) -> None:
    assert easter_chat.run_line(":person zed country=XX")
    assert any("XX is not a country code" in line for line in transcript)


# -- the pure maths -----------------------------------------------------------------------------------

GERMANY = LocalPolicy(BERLIN, quiet_start=time(20), quiet_end=time(7), holiday_country="DE")


def _after(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def test_a_daily_cadence_passes_over_the_holiday_instead_of_doubling_the_next_day() -> None:
    occurrence = next_occurrence(
        DAILY, time(9), policy=GERMANY, anchor=date(2027, 1, 1), after=_after(2027, 3, 28, 12)
    )
    assert (occurrence.local_date, occurrence.skipped) == (date(2027, 3, 29), "public holiday")
    following = next_occurrence(
        DAILY,
        time(9),
        policy=GERMANY,
        anchor=date(2027, 1, 1),
        after=_after(2027, 3, 28, 12),
        last_local_date=occurrence.local_date,
    )
    assert (following.local_date, following.skipped) == (date(2027, 3, 30), None)


def test_a_moved_nudge_is_still_found_after_its_original_time_has_passed() -> None:
    # Recomputed on the holiday itself at noon: Tuesday's moved nudge must not be lost.
    occurrence = next_occurrence(
        WEEKLY_MON, time(9), policy=GERMANY, anchor=date(2027, 1, 1), after=_after(2027, 3, 29, 12)
    )
    assert occurrence.local_date == date(2027, 3, 30)
    assert occurrence.due_at == datetime(2027, 3, 30, 7, 0, tzinfo=UTC)  # 09:00 CEST


def test_holidays_then_vacation_move_the_nudge_past_both() -> None:
    policy = LocalPolicy(BERLIN, holiday_country="DE", vacations=((date(2027, 3, 30), date(2027, 3, 31)),))
    occurrence = next_occurrence(
        WEEKLY_MON, time(9), policy=policy, anchor=date(2027, 1, 1), after=_after(2027, 3, 27)
    )
    assert (occurrence.local_date, occurrence.skipped) == (date(2027, 4, 1), None)


def test_reminders_and_working_moments_wait_out_a_holiday() -> None:
    # Good Friday 2027-03-26 and Easter Monday 2027-03-29 around a weekend: Thursday evening's
    # two working hours end on Tuesday.
    thursday_evening = datetime(2027, 3, 25, 18, 0, tzinfo=UTC)  # 19:00 CET, one hour before quiet hours
    due = add_working_time(thursday_evening, timedelta(hours=2), GERMANY)
    assert due == datetime(2027, 3, 30, 6, 0, tzinfo=UTC)  # Tuesday 08:00 CEST: 1 h Thu + 1 h Tue
    assert next_working_moment(datetime(2027, 3, 26, 10, tzinfo=UTC), GERMANY) == datetime(
        2027, 3, 30, 5, 0, tzinfo=UTC
    )  # Tuesday 07:00 CEST, when quiet hours end
    # Thanksgiving is no holiday in Germany.
    thanksgiving = datetime(2026, 11, 26, 10, tzinfo=UTC)
    assert next_working_moment(thanksgiving, GERMANY) == thanksgiving
