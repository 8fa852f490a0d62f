"""Admin commands say what actually happened, warn about configurations that cannot work, and
`cadence run` behaves like the scheduled run (issue 7, items 7, 10 and 11)."""

from __future__ import annotations

from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import Role
from storage.models import Person, Workspace
from storage.relations import Membership
from tests.bot.test_engine_helpers import checkins, last_reply, org, received, run

NY = "America/New_York"


def team(chat: LocalChat, members: str = "bo cy dd ee fa") -> None:
    org(chat, {"mo": NY, **dict.fromkeys(members.split(), NY)})
    run(chat, "team create t --manager @mo", "team add t " + " ".join(f"@{m}" for m in members.split()))


def members(core: Coachbot) -> set[str]:
    with core.database.session() as session:
        rows = session.scalars(
            select(Person.platform_id)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.role == Role.MEMBER)
        ).all()
        return set(rows)


# -- item 10: say what actually happened -----------------------------------------------------------


def test_team_remove_of_someone_not_in_the_team_says_so_and_removes_the_others(
    chat: LocalChat, core: Coachbot
) -> None:
    team(chat, "bo cy")
    run(chat, ":person zed tz=UTC", "team remove t @bo @zed")
    reply = last_reply(chat)
    assert "Removed bo from *t*; it now has 1 member." in reply
    assert "zed is not in *t*, so there was nothing to remove." in reply
    assert members(core) == {"cy"}
    run(chat, "team remove t @bo")
    assert "bo is not in *t*" in last_reply(chat)
    assert "Removed" not in last_reply(chat)


def test_team_add_of_the_manager_says_they_manage_it_and_adds_the_others(
    chat: LocalChat, core: Coachbot
) -> None:
    team(chat, "bo")
    run(chat, ":person cy tz=UTC", "team add t @mo @cy @bo")
    reply = last_reply(chat)
    assert "Added cy to *t*; it now has 2 members." in reply
    assert "bo is already in *t*." in reply
    assert "mo manages *t*, so they are not one of its members" in reply
    assert members(core) == {"bo", "cy"}


def test_plurals_in_team_replies(chat: LocalChat) -> None:
    team(chat, "bo")
    assert "it now has 1 member." in last_reply(chat)
    run(chat, "team list")
    assert "*t* — mo, 1 member" in last_reply(chat)
    run(chat, ":person cy tz=UTC", ":person dd tz=UTC", "team add t @cy @dd")
    assert "Added cy and dd to *t*; it now has 3 members." in last_reply(chat)
    run(chat, "team show t")
    assert "3 members: bo, cy, and dd" in last_reply(chat)


def test_admin_add_twice_and_removing_a_non_admin_say_so(chat: LocalChat, core: Coachbot) -> None:
    team(chat, "bo")
    run(chat, "admin add @bo")
    assert "bo is now a Coachbot admin." in last_reply(chat)
    run(chat, "admin add @bo")
    assert "bo is already a Coachbot admin." in last_reply(chat)
    run(chat, "admin remove @mo")
    assert "mo is not a Coachbot admin, so there was nothing to remove." in last_reply(chat)
    run(chat, "admin remove @ada")  # ada is an admin on the platform, which only the platform changes
    assert "only the platform can change that" in last_reply(chat)
    run(chat, "admin remove @bo")
    assert "bo is no longer a Coachbot admin." in last_reply(chat)
    with core.database.session() as session:
        assert session.scalar(select(Person.granted_admin).where(Person.platform_id == "bo")) is False


def test_pausing_a_paused_cadence_and_resuming_a_running_one_say_already(chat: LocalChat) -> None:
    team(chat, "bo")
    run(chat, 'cadence add p --team t --audience manager --every "weekly mon" --at 09:00', "cadence resume p")
    assert "*p* is already running." in last_reply(chat)
    run(chat, "cadence pause p", "cadence pause p")
    assert "*p* is already paused; `cadence resume p` starts it again." in last_reply(chat)
    run(chat, "cadence resume p")
    assert "Resumed *p*." in last_reply(chat)


def test_policy_commands_say_already(chat: LocalChat) -> None:
    team(chat, "bo")
    run(chat, "threshold 5")
    assert "The threshold is already 5." in last_reply(chat)
    run(chat, "workdays mon-fri")
    assert "Working days are already Monday, Tuesday, Wednesday, Thursday, and Friday." in last_reply(chat)
    run(chat, "quiet-hours 20:00-07:00")
    assert "Quiet hours are already" in last_reply(chat)
    run(chat, "quiet-hours off", "quiet-hours off")
    assert "Quiet hours are already off." in last_reply(chat)


# -- item 11: warn about configurations that cannot work ------------------------------------------------


def test_a_cadence_on_a_day_off_warns_when_added_and_when_shown(chat: LocalChat) -> None:
    team(chat)
    run(chat, 'cadence add sat --team t --audience manager --every "weekly sat" --at 10:00')
    warning = "*sat* will never run: it falls on Saturday, which is not a working day"
    assert warning in last_reply(chat)
    run(chat, "cadence show sat")
    assert warning in last_reply(chat)
    run(chat, "status")  # the admin's overview says so too
    assert "*Will not work as set up*" in last_reply(chat)
    assert warning in last_reply(chat)
    run(chat, 'cadence add mon --team t --audience manager --every "weekly mon" --at 10:00')
    assert "never run" not in last_reply(chat)


def test_workdays_that_stop_cadences_list_them(chat: LocalChat) -> None:
    team(chat)
    run(
        chat,
        'cadence add a --team t --audience manager --every "weekly mon" --at 10:00',
        'cadence add b --team t --audience manager --every "monthly first mon" --at 10:00',
        'cadence add c --team t --audience manager --every "weekly thu" --at 10:00',
        "workdays tue-fri",
    )
    reply = last_reply(chat)
    assert "Working days are now Tuesday, Wednesday, Thursday, and Friday." in reply
    assert "These cadences will never run on these days: *a* and *b*." in reply
    run(chat, "workdays wed-fri")
    assert "never run" in last_reply(chat)
    run(chat, "workdays mon-fri")
    assert "never run" not in last_reply(chat)


def test_a_members_cadence_on_a_team_smaller_than_k_says_nobody_will_see_a_figure(chat: LocalChat) -> None:
    team(chat, "bo cy")
    run(chat, 'cadence add p --team t --audience members --every "weekly mon" --at 10:00')
    reply = last_reply(chat)
    assert "Team t has 2 members, fewer than the threshold of 5: nobody will ever see a figure" in reply
    run(chat, 'cadence add m --team t --audience manager --every "weekly mon" --at 10:00')
    assert "fewer than the threshold" not in last_reply(chat)  # the manager's own check-in
    run(chat, "threshold 3", ":person dd tz=UTC", "team add t @dd", "cadence show p")
    assert "fewer than the threshold" not in last_reply(chat)
    run(chat, "threshold 4")  # raising K leaves the team too small again: said at once
    assert "Team t has 3 members, fewer than the threshold of 4" in last_reply(chat)


def plain(text: str) -> str:
    return text.replace("\u202f", " ")  # Babel writes "6:30 AM" with a narrow no-break space


def test_quiet_hours_that_cover_a_cadence_or_leave_no_time_are_warned_about(chat: LocalChat) -> None:
    team(chat)
    run(chat, 'cadence add early --team t --audience manager --every "weekly mon" --at 06:30')
    assert "*early* is due at 6:30 AM, inside quiet hours (8:00 PM–7:00 AM)" in plain(last_reply(chat))
    assert "when quiet hours end, at 7:00 AM" in plain(last_reply(chat))
    run(chat, "quiet-hours 00:00-23:59")
    reply = plain(last_reply(chat))
    assert "leave only 1 minute a day to nudge anyone" in reply
    assert "*early* is due at 6:30 AM, inside quiet hours" in reply
    run(chat, "quiet-hours 22:00-06:00")
    assert "leave only" not in last_reply(chat) and "inside quiet hours" not in last_reply(chat)


def test_threshold_above_fifty_is_refused_with_a_reason(chat: LocalChat, core: Coachbot) -> None:
    team(chat)
    run(chat, "threshold 51")
    assert "would hide the results of nearly every team, so I stop at 50" in last_reply(chat)
    with core.database.session() as session:
        assert session.scalars(select(Workspace.threshold)).one() == 5


def test_lowering_the_threshold_says_sent_checkins_keep_their_promise(chat: LocalChat) -> None:
    team(chat)
    run(chat, "threshold 3")
    reply = last_reply(chat)
    assert "for check-ins sent from now on" in reply
    assert "Check-ins already sent keep the threshold of 5 they promised." in reply
    run(chat, "threshold 7")
    assert "This applies at once, also to check-ins already sent." in last_reply(chat)


# -- item 7: `cadence run` behaves like the scheduled run ---------------------------------------------


def test_cadence_run_leaves_out_skipped_and_vacationing_people(chat: LocalChat, core: Coachbot) -> None:
    team(chat, "bo cy dd")
    run(
        chat,
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00',
        ":advance to 2026-11-23 07:30 America/New_York",
        ":as bo",
        "vacation 2026-11-23 2026-11-24",
        ":as cy",
        "skip p",
        ":as ada",
        "cadence run p",
    )
    reply = last_reply(chat)
    assert "Started *p* for 1 person." in reply
    assert "1 on vacation was left out." in reply
    assert "1 who skipped today's check-in was left out." in reply
    assert [len(received(chat, who, "nudge")) for who in ("bo", "cy", "dd")] == [0, 0, 1]
    run(chat, ":advance to 2026-11-23 10:00 America/New_York")  # nor does the scheduled run add any
    assert [len(received(chat, who, "nudge")) for who in ("bo", "cy", "dd")] == [0, 0, 1]
    assert len(checkins(core)) == 1


def test_cadence_run_never_opens_a_second_checkin_of_the_same_cadence(
    chat: LocalChat, core: Coachbot
) -> None:
    team(chat, "bo cy")
    run(
        chat,
        "cadence add d --team t --audience members --every daily --at 09:00 --window 3d",
        ":advance to 2026-11-23 09:30 America/New_York",
        ":advance to 2026-11-24 08:00 America/New_York",
        "cadence run d",
    )
    assert "Started *d* for 0 people. 2 still have one open and get no second one." in last_reply(chat)
    assert [c.state for c in checkins(core, "bo")] == ["open"]
    run(chat, "cadence run d")
    assert "2 still have one open" in last_reply(chat)
    assert len(checkins(core)) == 2
