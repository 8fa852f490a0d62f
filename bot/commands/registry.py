"""Every command of the command language, each declared once.

A declaration (:class:`~bot.commands.spec.Command`) holds the command's words and aliases, its
options, its usage and help text, who may run it, its grammar and its handler. The parser
(:mod:`bot.commands.parser`), `help` (:mod:`bot.commands.usage`), the permission check
(:func:`bot.handlers.run_command`) and forms (the Slack modal) all read it from here.

Command words stay English in every language (one vocabulary to document and support); the few
native words for `help` are accepted because that is what a lost person types.
"""

from __future__ import annotations

from bot.commands import ast as A
from bot.commands import grammar as G
from bot.commands.spec import Command, Group, Option, Permission, Section
from bot.i18n import N_

ADMIN = Permission.ADMIN

SECTIONS: dict[str, Section] = {
    "checkins": Section(N_("Check-ins"), ("check-ins", "checkins", "checkin")),
    "teams": Section(N_("Teams"), ("team",)),
    "cadences": Section(N_("Cadences"), ("cadence",)),
    "privacy": Section(N_("Privacy")),
    "admin": Section(N_("Admin"), ("admin",)),
}
"""The parts of the `help` overview, in order."""

GROUPS: dict[str, Group] = {
    "team": Group("team", aliases=("teams",), default="list"),
    "cadence": Group("cadence", aliases=("cadences", "schedule"), default="list"),
    "admin": Group("admin", aliases=("admins",)),
}

_TEAM = Option("team", N_("a team name"))

COMMANDS: tuple[Command, ...] = (
    # -- check-ins ------------------------------------------------------------------------------------
    Command(
        "status",
        "checkins",
        "status",
        N_("What's coming up for you, and any time off you've set."),
        "status",
        G.no_args(A.Status),
        {A.Status: "personal.status"},
    ),
    Command(
        "skip",
        "checkins",
        "skip\nskip all\nskip <cadence>",
        N_("Skip a question, a whole check-in, or your next check-in of a cadence."),
        "skip weekly-sync",
        G.skip,
        {A.SkipQuestion: "checkins.skip_question", A.Decline: "checkins.decline", A.Skip: "personal.skip"},
        detail=N_(
            "`skip` passes over the question you are on. `skip all` ends your open check-in without"
            " answering the rest, like `pass`. `skip <cadence>` sits out your next check-in of that"
            " cadence. `skip all` always means the whole check-in, never a cadence called all."
        ),
    ),
    Command(
        "pass",
        "checkins",
        "pass",
        N_("End your open check-in without answering the rest."),
        "pass",
        G.no_args(A.Decline),
        {A.Decline: "checkins.decline"},
        aliases=("decline",),
    ),
    Command(
        "snooze",
        "checkins",
        "snooze [<duration>]\nlater",
        N_("Put your open check-in off for a while."),
        "snooze 2h",
        G.snooze,
        {A.Snooze: "checkins.snooze"},
        aliases=("later", "remind"),
        detail=N_(
            "`later` waits the usual time; `snooze 30m`, `snooze 2h` or `snooze 1d` say how long."
            " The reminder never moves past the time the check-in closes."
        ),
    ),
    Command(
        "history",
        "checkins",
        "history [<cadence>]",
        N_("Your own past check-ins and answers. Only you see them."),
        "history weekly-sync",
        G.history,
        {A.History: "personal.history"},
    ),
    Command(
        "vacation",
        "checkins",
        "vacation <from> <to>\nvacation clear",
        N_("Pause all your check-ins for a while."),
        "vacation 2025-07-01 2025-07-14",
        G.vacation,
        {A.Vacation: "personal.vacation", A.VacationClear: "personal.vacation_clear"},
        aliases=("holiday", "away", "pto", "ooo"),
        detail=N_("Dates are YYYY-MM-DD, both days included."),
    ),
    Command(
        "prompts",
        "checkins",
        "prompts [<set>]",
        N_("List the prompt sets, or the questions in one set."),
        "prompts starter",
        G.prompts,
        {A.Prompts: "personal.prompts"},
        aliases=("prompt",),
    ),
    Command(
        "help",
        "checkins",
        "help [command]",
        N_("Show what I can do, or the details of one command."),
        "help vacation",
        G.help_topic,
        {A.Help: "personal.show_help"},
        aliases=("?", "hilfe", "aide", "ayuda"),
        detail=N_("Command words are English in every language; `hilfe` works too."),
    ),
    # -- teams -----------------------------------------------------------------------------------------
    Command(
        "team list",
        "teams",
        "team list",
        N_("List all teams."),
        "team list",
        G.no_args(A.TeamList),
        {A.TeamList: "org.team_list"},
        aliases=("ls",),
    ),
    Command(
        "team show",
        "teams",
        "team show <team>",
        N_("Show a team's manager, members and cadences."),
        "team show design",
        G.one_name(A.TeamShow, "team"),
        {A.TeamShow: "org.team_show"},
        aliases=("info",),
    ),
    Command(
        "team create",
        "teams",
        "team create <team> --manager @user",
        N_("Start a new team with its manager."),
        "team create design --manager @alice",
        G.team_create,
        {A.TeamCreate: "org.team_create"},
        permission=ADMIN,
        aliases=("new",),
        options=(Option("manager", N_("a person, like @alice"), aliases=("mgr",)),),
    ),
    Command(
        "team add",
        "teams",
        "team add <team> @user [@user…]",
        N_("Add people to a team."),
        "team add design @bob @carol",
        G.team_add,
        {A.TeamAdd: "org.team_add"},
        permission=ADMIN,
        detail=N_("Each new member gets a short welcome message saying what will happen and who sees what."),
    ),
    Command(
        "team remove",
        "teams",
        "team remove <team> @user [@user…]",
        N_("Take people off a team."),
        "team remove design @bob",
        G.team_remove,
        {A.TeamRemove: "org.team_remove"},
        permission=ADMIN,
        aliases=("rm",),
    ),
    Command(
        "team bind",
        "teams",
        "team bind <team> <channel-or-group>",
        N_("Keep a team's members in step with a channel or user group."),
        "team bind design #design",
        G.team_bind,
        {A.TeamBind: "org.team_bind"},
        permission=ADMIN,
        aliases=("link", "sync"),
    ),
    # -- cadences --------------------------------------------------------------------------------------
    Command(
        "cadence list",
        "cadences",
        "cadence list",
        N_("List all cadences."),
        "cadence list",
        G.no_args(A.CadenceList),
        {A.CadenceList: "cadences.list_all"},
        aliases=("ls",),
    ),
    Command(
        "cadence show",
        "cadences",
        "cadence show <name>",
        N_("Show one cadence's schedule and settings."),
        "cadence show weekly-sync",
        G.one_name(A.CadenceShow, "cadence"),
        {A.CadenceShow: "cadences.show"},
        aliases=("info",),
    ),
    Command(
        "cadence add",
        "cadences",
        'cadence add <name> --team <team> --audience manager|members|both --every "<recurrence>" --at HH:MM'
        " [--prompts <set>] [--questions N] [--window 2d] [--anonymous yes|no]",
        N_("Schedule recurring check-ins."),
        'cadence add weekly-sync --team design --audience members --every "weekly fri" --at 15:00',
        G.cadence_add,
        {A.CadenceAdd: "cadences.add"},
        permission=ADMIN,
        aliases=("new", "create"),
        options=(
            _TEAM,
            Option("audience", N_("manager, members or both"), aliases=("for",)),
            Option(
                "every", N_('a schedule like "weekly mon"'), aliases=("recurrence", "repeat"), greedy=True
            ),
            Option("at", N_("a time like 09:30"), aliases=("time",)),
            Option("prompts", N_("a prompt set name"), aliases=("set",)),
            Option("questions", N_("a number from 1 to 10")),
            Option("window", N_("a duration from 1h to 4w, like 2d")),
            Option("anonymous", N_("yes or no"), aliases=("anon",)),
        ),
        detail=N_(
            "Recurrence: daily, weekdays, weekly mon, every 2 weeks tue, monthly 15, monthly first mon,"
            " monthly last fri, monthly last."
        ),
    ),
    Command(
        "cadence pause",
        "cadences",
        "cadence pause <name>",
        N_("Stop a cadence for now."),
        "cadence pause weekly-sync",
        G.one_name(A.CadencePause, "cadence"),
        {A.CadencePause: "cadences.pause"},
        permission=ADMIN,
        aliases=("stop",),
    ),
    Command(
        "cadence resume",
        "cadences",
        "cadence resume <name>",
        N_("Start a paused cadence again."),
        "cadence resume weekly-sync",
        G.one_name(A.CadenceResume, "cadence"),
        {A.CadenceResume: "cadences.resume"},
        permission=ADMIN,
        aliases=("unpause",),
    ),
    Command(
        "cadence remove",
        "cadences",
        "cadence remove <name>",
        N_("Delete a cadence for good."),
        "cadence remove weekly-sync",
        G.one_name(A.CadenceRemove, "cadence"),
        {A.CadenceRemove: "cadences.remove"},
        permission=ADMIN,
        aliases=("rm", "del", "delete"),
    ),
    Command(
        "cadence run",
        "cadences",
        "cadence run <name>",
        N_("Send a cadence's check-in right now."),
        "cadence run weekly-sync",
        G.one_name(A.CadenceRun, "cadence"),
        {A.CadenceRun: "cadences.run_now"},
        permission=ADMIN,
        aliases=("now", "trigger"),
        detail=N_("People who skipped this check-in, are on vacation or still have one open are left out."),
    ),
    # -- privacy ---------------------------------------------------------------------------------------
    Command(
        "privacy",
        "privacy",
        "privacy [export|delete]",
        N_("See what I keep about you, get a copy of it, or have it erased."),
        "privacy export",
        G.privacy,
        {A.Privacy: "personal.privacy"},
    ),
    # -- admin -----------------------------------------------------------------------------------------
    Command(
        "admin add",
        "admin",
        "admin add @user",
        N_("Make someone an admin."),
        "admin add @alice",
        G.admin_add,
        {A.AdminAdd: "org.admin_add"},
        permission=ADMIN,
        aliases=("grant",),
    ),
    Command(
        "admin remove",
        "admin",
        "admin remove @user",
        N_("Take admin rights away."),
        "admin remove @alice",
        G.admin_remove,
        {A.AdminRemove: "org.admin_remove"},
        permission=ADMIN,
        aliases=("rm", "revoke"),
    ),
    Command(
        "threshold",
        "admin",
        "threshold <K>",
        N_("Only show anonymous results once K or more people answered."),
        "threshold 5",
        G.threshold,
        {A.Threshold: "policy.threshold"},
        permission=ADMIN,
        detail=N_(
            "K is from 3 to 50. A lower K applies to check-ins sent from now on; a higher K applies at once."
        ),
    ),
    Command(
        "quiet-hours",
        "admin",
        "quiet-hours HH:MM-HH:MM\nquiet-hours off",
        N_("Hours when nobody gets nudged."),
        "quiet-hours 20:00-08:00",
        G.quiet_hours,
        {A.QuietHours: "policy.quiet_hours"},
        permission=ADMIN,
        aliases=("quiet", "quiethours", "quiet_hours"),
        detail=N_("They may span midnight."),
    ),
    Command(
        "workdays",
        "admin",
        "workdays <days>",
        N_("Set which days count as working days."),
        "workdays mon-fri",
        G.workdays,
        {A.Workdays: "policy.workdays"},
        permission=ADMIN,
        aliases=("workday", "working-days"),
        detail=N_("Use ranges or lists: mon-fri, sun-thu, mon,tue,thu."),
    ),
)
"""Every command, in the order `help` lists them within a section."""

BY_PATH: dict[str, Command] = {command.path: command for command in COMMANDS}
"""Each command by its canonical words ("team bind")."""
