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
from bot.commands.rhythm import RHYTHM
from bot.commands.spec import Command, Group, Option, Permission, Section
from bot.i18n import N_

ADMIN = Permission.ADMIN

SECTIONS: dict[str, Section] = {
    "checkins": Section(N_("Check-ins"), ("check-ins", "checkins", "checkin")),
    "teams": Section(N_("Teams"), ("team",)),
    "cadences": Section(N_("Cadences"), ("cadence",)),
    "privacy": Section(N_("Privacy")),
    "admin": Section(N_("Admin"), ("admin",)),
    "cycle": Section(N_("Business cycle"), ("cycle", "cycles")),  # issue 10, section 2
    "pathways": Section(N_("Pathways"), ("pathway", "pathways")),
}
"""The parts of the `help` overview, in order."""

GROUPS: dict[str, Group] = {
    "team": Group("team", aliases=("teams",), default="list"),
    "cadence": Group("cadence", aliases=("cadences", "schedule"), default="list"),
    "admin": Group("admin", aliases=("admins",)),
    "commitment": Group("commitment", aliases=("commitments",), default="list"),
    "cycle": Group("cycle", aliases=("cycles",), default="show"),  # business cycle (issue 10, §2)
    "pathway": Group("pathway", aliases=("pathways",)),
    "prompts": Group("prompts", aliases=("prompt",), fallback="prompts"),
}

COMMANDS: tuple[Command, ...] = (
    # -- check-ins ------------------------------------------------------------------------------------
    Command(
        "status",
        section="checkins",
        usage="status",
        summary=N_("What's coming up for you, and any time off you've set."),
        example="status",
        grammar=G.no_args(A.Status),
        handlers={A.Status: "personal.status"},
    ),
    Command(
        "skip",
        section="checkins",
        usage="skip\nskip all\nskip <cadence>",
        summary=N_("Skip a question, a whole check-in, or your next check-in of a cadence."),
        example="skip weekly-sync",
        grammar=G.skip,
        handlers={
            A.SkipQuestion: "checkins.skip_question",
            A.Decline: "checkins.decline",
            A.Skip: "personal.skip",
        },
        detail=N_(
            "`skip` passes over the question you are on. `skip all` ends your open check-in without"
            " answering the rest, like `pass`. `skip <cadence>` sits out your next check-in of that"
            " cadence. `skip all` always means the whole check-in, never a cadence called all."
        ),
    ),
    Command(
        "pass",
        section="checkins",
        usage="pass",
        summary=N_("End your open check-in without answering the rest."),
        example="pass",
        grammar=G.no_args(A.Decline),
        handlers={A.Decline: "checkins.decline"},
        aliases=("decline",),
    ),
    Command(
        "snooze",
        section="checkins",
        usage="snooze [<duration>]\nlater",
        summary=N_("Put your open check-in off for a while."),
        example="snooze 2h",
        grammar=G.snooze,
        handlers={A.Snooze: "checkins.snooze"},
        aliases=("later", "remind"),
        detail=N_(
            "`later` waits the usual time; `snooze 30m`, `snooze 2h` or `snooze 1d` say how long."
            " The reminder never moves past the time the check-in closes."
        ),
    ),
    Command(
        "history",
        section="checkins",
        usage="history [<cadence>]",
        summary=N_("Your own past check-ins and answers. Only you see them."),
        example="history weekly-sync",
        grammar=G.history,
        handlers={A.History: "personal.history"},
    ),
    Command(
        "vacation",
        section="checkins",
        usage="vacation <from> <to>\nvacation clear",
        summary=N_("Pause all your check-ins for a while."),
        example="vacation 2025-07-01 2025-07-14",
        grammar=G.vacation,
        handlers={A.Vacation: "personal.vacation", A.VacationClear: "personal.vacation_clear"},
        aliases=("holiday", "away", "pto", "ooo"),
        detail=N_("Dates are YYYY-MM-DD, both days included."),
    ),
    Command(
        "prompts",
        section="checkins",
        usage="prompts [<set>]",
        summary=N_("List the prompt sets, or the questions in one set."),
        example="prompts starter",
        grammar=G.prompts,
        handlers={A.Prompts: "personal.prompts"},
        aliases=("prompt",),
    ),
    Command(
        "help",
        section="checkins",
        usage="help [command]",
        summary=N_("Show what I can do, or the details of one command."),
        example="help vacation",
        grammar=G.help_topic,
        handlers={A.Help: "personal.show_help"},
        aliases=("?", "hilfe", "aide", "ayuda"),
        detail=N_("Command words are English in every language; `hilfe` works too."),
    ),
    # -- teams -----------------------------------------------------------------------------------------
    Command(
        "team list",
        section="teams",
        usage="team list",
        summary=N_("List all teams."),
        example="team list",
        grammar=G.no_args(A.TeamList),
        handlers={A.TeamList: "org.team_list"},
        aliases=("ls",),
    ),
    Command(
        "team show",
        section="teams",
        usage="team show <team>",
        summary=N_("Show a team's manager, members and cadences."),
        example="team show design",
        grammar=G.one_name(A.TeamShow, "team"),
        handlers={A.TeamShow: "org.team_show"},
        aliases=("info",),
    ),
    Command(
        "team create",
        section="teams",
        usage="team create <team> --manager @user",
        summary=N_("Start a new team with its manager."),
        example="team create design --manager @alice",
        grammar=G.team_create,
        handlers={A.TeamCreate: "org.team_create"},
        permission=ADMIN,
        aliases=("new",),
        options=(Option("manager", needs=N_("a person, like @alice"), aliases=("mgr",)),),
    ),
    Command(
        "team add",
        section="teams",
        usage="team add <team> @user [@user…]",
        summary=N_("Add people to a team."),
        example="team add design @bob @carol",
        grammar=G.team_add,
        handlers={A.TeamAdd: "org.team_add"},
        permission=ADMIN,
        detail=N_("Each new member gets a short welcome message saying what will happen and who sees what."),
    ),
    Command(
        "team remove",
        section="teams",
        usage="team remove <team> @user [@user…]",
        summary=N_("Take people off a team."),
        example="team remove design @bob",
        grammar=G.team_remove,
        handlers={A.TeamRemove: "org.team_remove"},
        permission=ADMIN,
        aliases=("rm",),
    ),
    Command(
        "team bind",
        section="teams",
        usage="team bind <team> <channel-or-group>",
        summary=N_("Keep a team's members in step with a channel or user group."),
        example="team bind design #design",
        grammar=G.team_bind,
        handlers={A.TeamBind: "org.team_bind"},
        permission=ADMIN,
        aliases=("link", "sync"),
    ),
    # -- cadences --------------------------------------------------------------------------------------
    Command(
        "cadence list",
        section="cadences",
        usage="cadence list",
        summary=N_("List all cadences."),
        example="cadence list",
        grammar=G.no_args(A.CadenceList),
        handlers={A.CadenceList: "cadences.list_all"},
        aliases=("ls",),
    ),
    Command(
        "cadence show",
        section="cadences",
        usage="cadence show <name>",
        summary=N_("Show one cadence's schedule and settings."),
        example="cadence show weekly-sync",
        grammar=G.one_name(A.CadenceShow, "cadence"),
        handlers={A.CadenceShow: "cadences.show"},
        aliases=("info",),
    ),
    Command(
        "cadence add",
        section="cadences",
        usage="cadence add <name> --team <team> --audience manager|members|both"
        ' --every "<recurrence>" --at HH:MM'
        " [--prompts <set>] [--questions N] [--window 2d] [--anonymous yes|no] [--commitment yes|no]",
        summary=N_("Schedule recurring check-ins."),
        example='cadence add weekly-sync --team design --audience members --every "weekly fri" --at 15:00',
        grammar=G.cadence_add,
        handlers={A.CadenceAdd: "cadences.add"},
        permission=ADMIN,
        aliases=("new", "create"),
        options=(
            Option("team", needs=N_("a team name")),
            Option("audience", needs=N_("manager, members or both"), aliases=("for",)),
            Option(
                "every",
                needs=N_('a schedule like "weekly mon"'),
                aliases=("recurrence", "repeat"),
                greedy=True,
            ),
            Option("at", needs=N_("a time like 09:30"), aliases=("time",)),
            Option("prompts", needs=N_("a prompt set name"), aliases=("set",)),
            Option("questions", needs=N_("a number from 1 to 10")),
            Option("window", needs=N_("a duration from 1h to 4w, like 2d")),
            Option("anonymous", needs=N_("yes or no"), aliases=("anon",)),
            Option("commitment", needs=N_("yes or no"), aliases=("commitments",)),
        ),
        detail=N_(
            "Recurrence: daily, weekdays, weekly mon, every 2 weeks tue, monthly 15, monthly first mon,"
            " monthly last fri, monthly last. `--commitment yes` ends each check-in by asking what the"
            " person will do before the next one (the default for the manager, not for members)."
        ),
    ),
    Command(
        "cadence pause",
        section="cadences",
        usage="cadence pause <name>",
        summary=N_("Stop a cadence for now."),
        example="cadence pause weekly-sync",
        grammar=G.one_name(A.CadencePause, "cadence"),
        handlers={A.CadencePause: "cadences.pause"},
        permission=ADMIN,
        aliases=("stop",),
    ),
    Command(
        "cadence resume",
        section="cadences",
        usage="cadence resume <name>",
        summary=N_("Start a paused cadence again."),
        example="cadence resume weekly-sync",
        grammar=G.one_name(A.CadenceResume, "cadence"),
        handlers={A.CadenceResume: "cadences.resume"},
        permission=ADMIN,
        aliases=("unpause",),
    ),
    Command(
        "cadence remove",
        section="cadences",
        usage="cadence remove <name>",
        summary=N_("Delete a cadence for good."),
        example="cadence remove weekly-sync",
        grammar=G.one_name(A.CadenceRemove, "cadence"),
        handlers={A.CadenceRemove: "cadences.remove"},
        permission=ADMIN,
        aliases=("rm", "del", "delete"),
    ),
    Command(
        "cadence run",
        section="cadences",
        usage="cadence run <name>",
        summary=N_("Send a cadence's check-in right now."),
        example="cadence run weekly-sync",
        grammar=G.one_name(A.CadenceRun, "cadence"),
        handlers={A.CadenceRun: "cadences.run_now"},
        permission=ADMIN,
        aliases=("now", "trigger"),
        detail=N_("People who skipped this check-in, are on vacation or still have one open are left out."),
    ),
    # -- privacy ---------------------------------------------------------------------------------------
    Command(
        "privacy",
        section="privacy",
        usage="privacy [export|delete]",
        summary=N_("See what I keep about you, get a copy of it, or have it erased."),
        example="privacy export",
        grammar=G.privacy,
        handlers={A.Privacy: "personal.privacy"},
    ),
    # -- admin -----------------------------------------------------------------------------------------
    Command(
        "admin add",
        section="admin",
        usage="admin add @user",
        summary=N_("Make someone an admin."),
        example="admin add @alice",
        grammar=G.admin_add,
        handlers={A.AdminAdd: "org.admin_add"},
        permission=ADMIN,
        aliases=("grant",),
    ),
    Command(
        "admin remove",
        section="admin",
        usage="admin remove @user",
        summary=N_("Take admin rights away."),
        example="admin remove @alice",
        grammar=G.admin_remove,
        handlers={A.AdminRemove: "org.admin_remove"},
        permission=ADMIN,
        aliases=("rm", "revoke"),
    ),
    Command(
        "threshold",
        section="admin",
        usage="threshold <K>",
        summary=N_("Only show anonymous results once K or more people answered."),
        example="threshold 5",
        grammar=G.threshold,
        handlers={A.Threshold: "policy.threshold"},
        permission=ADMIN,
        detail=N_(
            "K is from 3 to 50. A lower K applies to check-ins sent from now on; a higher K applies at once."
        ),
    ),
    Command(
        "quiet-hours",
        section="admin",
        usage="quiet-hours HH:MM-HH:MM\nquiet-hours off",
        summary=N_("Hours when nobody gets nudged."),
        example="quiet-hours 20:00-08:00",
        grammar=G.quiet_hours,
        handlers={A.QuietHours: "policy.quiet_hours"},
        permission=ADMIN,
        aliases=("quiet", "quiethours", "quiet_hours"),
        detail=N_("They may span midnight."),
    ),
    Command(
        "workdays",
        section="admin",
        usage="workdays <days>",
        summary=N_("Set which days count as working days."),
        example="workdays mon-fri",
        grammar=G.workdays,
        handlers={A.Workdays: "policy.workdays"},
        permission=ADMIN,
        aliases=("workday", "working-days"),
        detail=N_("Use ranges or lists: mon-fri, sun-thu, mon,tue,thu."),
    ),
    *RHYTHM,
)
"""Every command, in the order `help` lists them within a section."""

BY_PATH: dict[str, Command] = {command.path: command for command in COMMANDS}
"""Each command by its canonical words ("team bind")."""
