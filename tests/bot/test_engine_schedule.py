"""Who is nudged when: quiet hours, working days, vacation, skip, pause/resume and `cadence run`.

The clock starts on Saturday 2026-11-21 12:00 UTC; Monday is 2026-11-23.
"""

from __future__ import annotations

from adapters.local import LocalChat
from bot.core import Coachbot
from tests.bot.test_engine_helpers import checkins, last_reply, local, nudge_times, org, received, run

NY = "America/New_York"


def team_with(chat: LocalChat, *extra: str, members: str = "") -> None:
    people = {"mo": NY, **{m: NY for m in members.split()}}
    org(chat, people, extra=("team create t --manager @mo", *extra))
    if members:
        run(chat, "team add t " + " ".join(f"@{m}" for m in members.split()))


def days(chat: LocalChat, person: str = "mo") -> list[str]:
    return [f"{t:%a %d %H:%M}" for t in nudge_times(chat, person, NY)]


# -- quiet hours -------------------------------------------------------------------------------------


def test_nudge_inside_quiet_hours_waits_until_they_end(chat: LocalChat) -> None:
    team_with(chat, "quiet-hours 20:00-07:00")
    # A one-day window: Monday's check-in has closed when Tuesday's comes (an open one would fold it).
    run(chat, "cadence add early --team t --audience manager --every weekdays --at 06:30 --window 1d")
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    assert days(chat) == ["Mon 23 07:00", "Tue 24 07:00"]


def test_without_quiet_hours_the_nudge_keeps_its_time(chat: LocalChat) -> None:
    team_with(chat, "quiet-hours off")
    run(chat, "cadence add early --team t --audience manager --every weekdays --at 06:30")
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")
    assert days(chat) == ["Mon 23 06:30"]


def test_questions_of_a_deferred_nudge_also_wait(chat: LocalChat) -> None:
    team_with(chat, "quiet-hours 20:00-07:00")
    run(chat, "cadence add early --team t --audience manager --every weekdays --at 06:30")
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")
    sent = [(m.kind, local(m.at, NY)) for m in received(chat, "mo")]
    assert sent == [
        ("nudge", "2026-11-23 07:00"),
        ("question", "2026-11-23 07:00"),
        ("reminder", "2026-11-23 11:00"),  # four working hours later
    ]


# -- working days ------------------------------------------------------------------------------------


def test_daily_skips_the_weekend_by_default(chat: LocalChat) -> None:
    team_with(chat)
    run(chat, "cadence add d --team t --audience manager --every daily --at 09:00 --window 2h")
    run(chat, ":advance to 2026-12-01 12:00 America/New_York")
    assert days(chat) == [
        "Mon 23 09:00",
        "Tue 24 09:00",
        "Wed 25 09:00",
        "Thu 26 09:00",
        "Fri 27 09:00",
        "Mon 30 09:00",
        "Tue 01 09:00",
    ]


def test_workdays_sun_thu(chat: LocalChat) -> None:
    team_with(chat, "workdays sun-thu")
    run(chat, "cadence add d --team t --audience manager --every daily --at 09:00 --window 2h")
    run(chat, ":advance to 2026-11-28 23:00 America/New_York")
    assert days(chat) == ["Sun 22 09:00", "Mon 23 09:00", "Tue 24 09:00", "Wed 25 09:00", "Thu 26 09:00"]


# -- vacation and skip -------------------------------------------------------------------------------


def test_vacation_week_has_no_nudge_then_it_resumes(chat: LocalChat) -> None:
    team_with(chat)
    run(chat, "cadence add d --team t --audience manager --every daily --at 09:00 --window 2h")
    run(chat, ":as mo", "vacation 2026-11-23 2026-11-27")
    assert "Enjoy your time off" in last_reply(chat)
    run(chat, ":advance to 2026-12-01 12:00 America/New_York")
    assert days(chat) == ["Mon 30 09:00", "Tue 01 09:00"]


def test_vacation_of_one_member_leaves_the_others_alone(chat: LocalChat) -> None:
    team_with(chat, members="bo cy")
    run(chat, 'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 2h')
    run(chat, ":as bo", "vacation 2026-11-23 2026-11-23")
    run(chat, ":advance to 2026-12-01 12:00 America/New_York")
    assert days(chat, "bo") == ["Mon 30 09:00"]
    assert days(chat, "cy") == ["Mon 23 09:00", "Mon 30 09:00"]


def test_skip_skips_the_next_one_only(chat: LocalChat) -> None:
    team_with(chat)
    run(chat, 'cadence add w --team t --audience manager --every "weekly mon" --at 09:00 --window 2h')
    run(chat, ":as mo", "skip w")
    assert "Skipped your *w* check-in of Mon, Nov 23" in last_reply(chat)
    assert "next one is on Mon, Nov 30" in last_reply(chat)
    run(chat, ":advance to 2026-12-08 12:00 America/New_York")
    assert days(chat) == ["Mon 30 09:00", "Mon 07 09:00"]


def test_skip_survives_a_schedule_refresh(chat: LocalChat) -> None:
    team_with(chat)
    run(chat, 'cadence add w --team t --audience manager --every "weekly mon" --at 09:00 --window 2h')
    run(chat, ":as mo", "skip w", ":as ada", "quiet-hours 21:00-06:00")  # recomputes every slot
    run(chat, ":advance to 2026-12-01 12:00 America/New_York")
    assert days(chat) == ["Mon 30 09:00"]


# -- pause, resume, run ------------------------------------------------------------------------------


def test_pause_stops_nudges_and_resume_does_not_send_missed_ones(chat: LocalChat) -> None:
    team_with(chat)
    run(chat, "cadence add d --team t --audience manager --every weekdays --at 09:00 --window 2h")
    run(chat, ":advance to 2026-11-23 12:00 America/New_York")
    run(chat, "cadence pause d")
    run(chat, ":advance to 2026-11-25 12:00 America/New_York")
    assert days(chat) == ["Mon 23 09:00"]
    run(chat, "cadence resume d")
    run(chat, ":advance to 2026-11-26 12:00 America/New_York")
    assert days(chat) == ["Mon 23 09:00", "Thu 26 09:00"]


def test_cadence_run_sends_now_and_twice_does_not_double(chat: LocalChat, core: Coachbot) -> None:
    team_with(chat, "quiet-hours off", members="bo cy")
    run(chat, 'cadence add p --team t --audience both --every "weekly mon" --at 09:00')
    run(chat, "cadence run p")
    assert "Started *p* for 3 people." in last_reply(chat)
    run(chat, ":advance 1h", "cadence run p")
    assert "Started *p* for 0 people. 3 already had today's check-in." in last_reply(chat)
    for who in ("mo", "bo", "cy"):
        assert len(received(chat, who, "nudge")) == 1, who
    assert len(checkins(core)) == 3


def test_cadence_run_then_scheduled_time_same_day_does_not_double(chat: LocalChat) -> None:
    team_with(chat, "quiet-hours off")
    run(chat, ":advance to 2026-11-23 06:00 America/New_York")
    run(chat, "cadence add d --team t --audience manager --every weekdays --at 09:00 --window 4h")
    run(chat, "cadence run d")
    run(chat, ":advance to 2026-11-24 12:00 America/New_York")
    assert days(chat) == ["Mon 23 06:00", "Tue 24 09:00"]
