"""The declarations of the coaching rhythm's commands: commitments, the business cycle, public
holidays, pathways and the prompt library (see :mod:`bot.commands.registry` for what a declaration
holds; the registry lists these after the core commands)."""

from __future__ import annotations

from bot.commands import ast as A
from bot.commands import cycle_grammar as CG
from bot.commands import grammar as G
from bot.commands import grammar_commitments as GC
from bot.commands.spec import Command, Option, Permission
from bot.i18n import N_

ADMIN = Permission.ADMIN

RHYTHM: tuple[Command, ...] = (
    # -- commitments and goal attainment (issue 10, section 1) -------------------------------------------
    Command(
        "commitment list",
        section="checkins",
        usage="commitments",
        summary=N_("Your commitments, numbered, and how each one stands. Only you see them."),
        example="commitments",
        grammar=GC.commitment_list,
        handlers={A.CommitmentList: "commitments.list_mine"},
        aliases=("ls",),
    ),
    Command(
        "commitment done",
        section="checkins",
        usage="commitment done <n>",
        summary=N_("Mark one of your commitments as done."),
        example="commitment done 2",
        grammar=GC.commitment_update("done"),
        handlers={A.CommitmentUpdate: "commitments.update"},
        aliases=("kept",),
    ),
    Command(
        "commitment partly",
        section="checkins",
        usage="commitment partly <n>",
        summary=N_("Mark one of your commitments as partly done."),
        example="commitment partly 2",
        grammar=GC.commitment_update("partly"),
        handlers={A.CommitmentUpdate: "commitments.update"},
        aliases=("partial",),
    ),
    Command(
        "commitment drop",
        section="checkins",
        usage="commitment drop <n>",
        summary=N_("Let go of one of your commitments; it is no longer followed up."),
        example="commitment drop 2",
        grammar=GC.commitment_update("dropped"),
        handlers={A.CommitmentUpdate: "commitments.update"},
        aliases=("dropped",),
    ),
    Command(
        "commitment share",
        section="checkins",
        usage="commitment share <n> @user",
        summary=N_("Show one of your commitments to someone, such as your manager or coach."),
        example="commitment share 2 @maria",
        grammar=GC.commitment_share,
        handlers={A.CommitmentShare: "commitments.share"},
        detail=N_("They get a message with that one commitment and how it stands; nothing else of yours."),
    ),
    Command(
        "commit",
        section="checkins",
        usage='commit "<what you will do>" [--by <date>]',
        summary=N_("Add a commitment of your own."),
        example='commit "call the client" --by 2026-12-04',
        grammar=GC.commit,
        handlers={A.CommitmentAdd: "commitments.add"},
        options=(Option("by", needs=N_("a day like friday, tomorrow or 2026-12-04"), aliases=("due",)),),
        detail=N_(
            "Without `--by` it is due in a week. Your next check-in on or after that day asks how it went."
        ),
    ),
    # -- business cycle (issue 10, section 2) ------------------------------------------------------------
    Command(
        "cycle show",
        section="cycle",
        usage="cycle",
        summary=N_("The business-cycle phase in force for your teams, and when it changes."),
        example="cycle",
        grammar=CG.cycle_show,
        handlers={A.CycleShow: "cycle.show"},
        detail=N_(
            "Check-ins ask questions for the phase in force: planning in a plan phase, looking back in"
            " a review phase."
        ),
    ),
    Command(
        "cycle set",
        section="cycle",
        usage="cycle set quarterly [--plan 2w] [--review 2w] [--team <team>]\n"
        "cycle set sprints <length> [--from YYYY-MM-DD] [--team <team>]\n"
        "cycle set plan <date> execute <date> review <date> [end <date>] [--team <team>]",
        summary=N_("Set the business cycle check-ins follow, for everyone or for one team."),
        example="cycle set quarterly --plan 2w --review 2w",
        grammar=CG.cycle_set,
        handlers={A.CycleSet: "cycle.set_cycle", A.CycleSetSprints: "cycle.set_sprints"},
        permission=ADMIN,
        options=(
            Option("plan", needs=N_("a duration from 1d to 6w, like 2w")),
            Option("review", needs=N_("a duration from 1d to 6w, like 2w")),
            Option("from", needs=N_("a date like 2026-11-23"), aliases=("start",)),
            Option("team", needs=N_("a team name")),
        ),
        detail=N_(
            "Quarterly: calendar quarters, plan first and review last (2 weeks each unless you say)."
            " Sprints: the first two working days plan, the last two review. Dated: review lasts as long"
            " as plan unless you give an end. `--team` sets a team's own cycle, which beats the"
            " workspace's."
        ),
    ),
    Command(
        "cycle clear",
        section="cycle",
        usage="cycle clear [--team <team>]",
        summary=N_("Remove the business cycle, or one team's own cycle."),
        example="cycle clear --team design",
        grammar=CG.cycle_clear,
        handlers={A.CycleClear: "cycle.clear"},
        permission=ADMIN,
        aliases=("off", "remove"),
        options=(Option("team", needs=N_("a team name")),),
    ),
    # -- issue 10, section 5: the organisation from an HR file, public holidays --------------------
    Command(
        "holidays",
        section="admin",
        usage="holidays\nholidays on|off",
        summary=N_("Whether each person's public holidays are days off."),
        example="holidays off",
        grammar=G.holidays,
        handlers={A.Holidays: "hr.holidays"},
        permission=ADMIN,
        aliases=("public-holidays",),
        detail=N_(
            "On by default. With it on, nobody is nudged or reminded on a public holiday of their"
            " country (set by `coachbot import` or the platform profile); a nudge moves to their next"
            " working day."
        ),
    ),
    # -- pathways per person (issue 10, section 3) -----------------------------------------------------
    Command(
        "pathway set",
        section="pathways",
        usage="pathway set @user new-hire|high-performer|specialist [--until YYYY-MM-DD] [--from YYYY-MM-DD]",
        summary=N_("Put someone on a pathway: their check-ins draw one question in three from it."),
        example="pathway set @ben new-hire --from 2026-12-01",
        grammar=G.pathway_set,
        handlers={A.PathwaySet: "pathways.pathway_set"},
        options=(
            Option("until", needs=N_("a date like 2027-02-28"), aliases=("to", "end", "ends")),
            Option("from", needs=N_("a date like 2026-12-01"), aliases=("start", "starts", "since")),
        ),
        detail=N_(
            "Admins can set anyone's pathway; a lead can set it for the members of teams they lead."
            " `--from` is the start date (default today); a new hire's pathway ends by itself after 90"
            " days (see `pathway length`) and brings onboarding questions at day 1, week 1, day 30, day"
            " 60 and day 90, for them and for their lead. The person is told."
        ),
    ),
    Command(
        "pathway clear",
        section="pathways",
        usage="pathway clear @user",
        summary=N_("Take someone off their pathway."),
        example="pathway clear @ben",
        grammar=G.pathway_clear,
        handlers={A.PathwayClear: "pathways.pathway_clear"},
        aliases=("end", "remove", "stop"),
    ),
    Command(
        "pathway length",
        section="pathways",
        usage="pathway length new-hire|high-performer|specialist <days>d",
        summary=N_("How long a pathway lasts when `pathway set` gives no end."),
        example="pathway length new-hire 120d",
        grammar=G.pathway_length,
        handlers={A.PathwayLength: "pathways.pathway_length"},
        permission=ADMIN,
        detail=N_("Applies to pathways set from now on."),
    ),
    # -- issue 10, section 4: the prompt library the organisation owns ---------------------------------
    Command(
        "prompts competencies",
        section="checkins",
        usage="prompts competencies",
        summary=N_("Show the competency map: each competency and the behaviours that show it."),
        example="prompts competencies",
        grammar=G.prompts_competencies,
        handlers={A.PromptCompetencies: "library.competencies"},
        aliases=("competency", "map"),
    ),
    Command(
        "prompts add",
        section="admin",
        usage='prompts add <set> <id> --text "<question>" [--de "<Frage>"]'
        " [--kind text|rating|checklist|scorecard] [--intent <intent>] [--phase plan|execute|review]"
        " [--audience manager|member] [--competency <id>]",
        summary=N_("Add your organisation's own prompt to a set (a new set if the name is new)."),
        example='prompts add our-values ov-courage --text "Where did you speak up this week?"',
        grammar=G.prompts_add,
        handlers={A.PromptAdd: "library.add"},
        permission=ADMIN,
        aliases=("new",),
        options=(
            Option("text", needs=N_("the question in English"), greedy=True),
            Option("de", needs=N_("the question in German"), greedy=True),
            Option("kind", needs=N_("text, rating, checklist or scorecard")),
            Option("intent", needs=N_("an intent such as priorities, growth or wellbeing")),
            Option("phase", needs=N_("plan, execute or review")),
            Option("audience", needs=N_("manager or member"), aliases=("for",)),
            Option("competency", needs=N_("a competency id from `prompts competencies`")),
        ),
        detail=N_(
            "Defaults: a written answer, intent growth, phase execute, for members (or for the set's one"
            " audience). Checklists and scorecards need `--competency`. Questions of up to 300 characters."
        ),
    ),
    Command(
        "prompts edit",
        section="admin",
        usage='prompts edit <id> --text "<question>" [--de "<Frage>"]',
        summary=N_("Change a prompt's words; answers already given keep the words they answered."),
        example='prompts edit ov-courage --text "Where did you speak up, even when it was hard?"',
        grammar=G.prompts_edit,
        handlers={A.PromptEdit: "library.edit"},
        permission=ADMIN,
        aliases=("change",),
        options=(
            Option("text", needs=N_("the question in English"), greedy=True),
            Option("de", needs=N_("the question in German"), greedy=True),
        ),
        detail=N_("Each edit is a new version of the prompt; shipped prompts can be edited too."),
    ),
    Command(
        "prompts retire",
        section="admin",
        usage="prompts retire <id>",
        summary=N_("Stop asking a prompt; answers already given keep it."),
        example="prompts retire ov-courage",
        grammar=G.prompts_retire,
        handlers={A.PromptRetire: "library.retire"},
        permission=ADMIN,
        aliases=("remove", "rm"),
    ),
)
"""The rhythm's commands, in the order `help` lists them within their sections."""
