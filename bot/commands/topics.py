"""Every command's help topic: usage (syntax), what it does, a working example.

Usage lines and examples are syntax — command words stay English in every language — so
they are plain strings. The prose (``summary``, ``detail``, group names) is marked with
``N_`` and translated where help is shown (:func:`bot.commands.usage.help_text`).
"""

from __future__ import annotations

from typing import NamedTuple

from bot.i18n import N_


class Topic(NamedTuple):
    group: str
    usage: str
    summary: str  # one short sentence: the overview line
    example: str
    admin: bool = False
    detail: str | None = None  # more, shown by `help <command>`


CHECKINS, TEAMS, CADENCES, PRIVACY, ADMIN = "checkins", "teams", "cadences", "privacy", "admin"
GROUPS: dict[str, str] = {
    CHECKINS: N_("Check-ins"),
    TEAMS: N_("Teams"),
    CADENCES: N_("Cadences"),
    PRIVACY: N_("Privacy"),
    ADMIN: N_("Admin"),
}
"""Group key -> its title, in overview order."""

TOPICS: dict[str, Topic] = {
    "status": Topic(
        CHECKINS, "status", N_("What's coming up for you, and any time off you've set."), "status"
    ),
    "skip": Topic(
        CHECKINS,
        "skip\nskip all\nskip <cadence>",
        N_("Skip a question, a whole check-in, or your next check-in of a cadence."),
        "skip weekly-sync",
        detail=N_(
            "`skip` passes over the question you are on. `skip all` ends your open check-in without"
            " answering the rest, like `pass`. `skip <cadence>` sits out your next check-in of that"
            " cadence. `skip all` always means the whole check-in, never a cadence called all."
        ),
    ),
    "pass": Topic(CHECKINS, "pass", N_("End your open check-in without answering the rest."), "pass"),
    "snooze": Topic(
        CHECKINS,
        "snooze [<duration>]\nlater",
        N_("Put your open check-in off for a while."),
        "snooze 2h",
        detail=N_(
            "`later` waits the usual time; `snooze 30m`, `snooze 2h` or `snooze 1d` say how long."
            " The reminder never moves past the time the check-in closes."
        ),
    ),
    "history": Topic(
        CHECKINS,
        "history [<cadence>]",
        N_("Your own past check-ins and answers. Only you see them."),
        "history weekly-sync",
    ),
    "vacation": Topic(
        CHECKINS,
        "vacation <from> <to>\nvacation clear",
        N_("Pause all your check-ins for a while."),
        "vacation 2025-07-01 2025-07-14",
        detail=N_("Dates are YYYY-MM-DD, both days included."),
    ),
    "prompts": Topic(
        CHECKINS,
        "prompts [<set>]",
        N_("List the prompt sets, or the questions in one set."),
        "prompts starter",
    ),
    "help": Topic(
        CHECKINS,
        "help [command]",
        N_("Show what I can do, or the details of one command."),
        "help vacation",
        detail=N_("Command words are English in every language; `hilfe` works too."),
    ),
    "team list": Topic(TEAMS, "team list", N_("List all teams."), "team list"),
    "team show": Topic(
        TEAMS, "team show <team>", N_("Show a team's manager, members and cadences."), "team show design"
    ),
    "team create": Topic(
        TEAMS,
        "team create <team> --manager @user",
        N_("Start a new team with its manager."),
        "team create design --manager @alice",
        admin=True,
    ),
    "team add": Topic(
        TEAMS,
        "team add <team> @user [@user…]",
        N_("Add people to a team."),
        "team add design @bob @carol",
        admin=True,
        detail=N_("Each new member gets a short welcome message saying what will happen and who sees what."),
    ),
    "team remove": Topic(
        TEAMS,
        "team remove <team> @user [@user…]",
        N_("Take people off a team."),
        "team remove design @bob",
        admin=True,
    ),
    "team bind": Topic(
        TEAMS,
        "team bind <team> <channel-or-group>",
        N_("Keep a team's members in step with a channel or user group."),
        "team bind design #design",
        admin=True,
    ),
    "cadence list": Topic(CADENCES, "cadence list", N_("List all cadences."), "cadence list"),
    "cadence show": Topic(
        CADENCES,
        "cadence show <name>",
        N_("Show one cadence's schedule and settings."),
        "cadence show weekly-sync",
    ),
    "cadence add": Topic(
        CADENCES,
        'cadence add <name> --team <team> --audience manager|members|both --every "<recurrence>" --at HH:MM'
        " [--prompts <set>] [--questions N] [--window 2d] [--anonymous yes|no]",
        N_("Schedule recurring check-ins."),
        'cadence add weekly-sync --team design --audience members --every "weekly fri" --at 15:00',
        admin=True,
        detail=N_(
            "Recurrence: daily, weekdays, weekly mon, every 2 weeks tue, monthly 15, monthly first mon,"
            " monthly last fri, monthly last."
        ),
    ),
    "cadence pause": Topic(
        CADENCES,
        "cadence pause <name>",
        N_("Stop a cadence for now."),
        "cadence pause weekly-sync",
        admin=True,
    ),
    "cadence resume": Topic(
        CADENCES,
        "cadence resume <name>",
        N_("Start a paused cadence again."),
        "cadence resume weekly-sync",
        admin=True,
    ),
    "cadence remove": Topic(
        CADENCES,
        "cadence remove <name>",
        N_("Delete a cadence for good."),
        "cadence remove weekly-sync",
        admin=True,
    ),
    "cadence run": Topic(
        CADENCES,
        "cadence run <name>",
        N_("Send a cadence's check-in right now."),
        "cadence run weekly-sync",
        admin=True,
        detail=N_("People who skipped this check-in, are on vacation or still have one open are left out."),
    ),
    "privacy": Topic(
        PRIVACY,
        "privacy [export|delete]",
        N_("See what I keep about you, get a copy of it, or have it erased."),
        "privacy export",
    ),
    "admin add": Topic(
        ADMIN, "admin add @user", N_("Make someone an admin."), "admin add @alice", admin=True
    ),
    "admin remove": Topic(
        ADMIN, "admin remove @user", N_("Take admin rights away."), "admin remove @alice", admin=True
    ),
    "threshold": Topic(
        ADMIN,
        "threshold <K>",
        N_("Only show anonymous results once K or more people answered."),
        "threshold 5",
        admin=True,
        detail=N_(
            "K is from 3 to 50. A lower K applies to check-ins sent from now on; a higher K applies at once."
        ),
    ),
    "quiet-hours": Topic(
        ADMIN,
        "quiet-hours HH:MM-HH:MM\nquiet-hours off",
        N_("Hours when nobody gets nudged."),
        "quiet-hours 20:00-08:00",
        admin=True,
        detail=N_("They may span midnight."),
    ),
    "workdays": Topic(
        ADMIN,
        "workdays <days>",
        N_("Set which days count as working days."),
        "workdays mon-fri",
        admin=True,
        detail=N_("Use ranges or lists: mon-fri, sun-thu, mon,tue,thu."),
    ),
}
