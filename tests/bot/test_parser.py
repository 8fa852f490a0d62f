"""The command language: every form, alias, quoting rule and error, plus a fuzz test.

All adapters share this parser, so these tests are the contract for what people
can type in Slack, Teams and the local chat.
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

import pytest

from bot.commands import (
    BY_PATH,
    COMMANDS,
    AdminAdd,
    AdminRemove,
    CadenceAdd,
    CadenceList,
    CadencePause,
    CadenceRemove,
    CadenceResume,
    CadenceRun,
    CadenceShow,
    Command,
    CommandError,
    Decline,
    Help,
    History,
    Mention,
    NeedsForm,
    Privacy,
    Prompts,
    QuietHours,
    Skip,
    SkipQuestion,
    Snooze,
    Status,
    TeamAdd,
    TeamBind,
    TeamCreate,
    TeamList,
    TeamRemove,
    TeamShow,
    Threshold,
    Vacation,
    VacationClear,
    Workdays,
    help_text,
    parse,
    parse_recurrence,
)
from bot.commands.usage import canonical_topic
from bot.domain import Audience, Recurrence

ALICE = Mention("alice")
U1 = Mention("U123ABC")
CADENCE = "cadence add sync --team eng --audience members --every weekly --at 09:30"
BASE = 'cadence add sync --team eng --audience members --every "weekly mon" --at 09:30'


def cadence(**changes: object) -> CadenceAdd:
    fields: dict[str, object] = {
        "name": "sync",
        "team": "eng",
        "audience": Audience.MEMBERS,
        "recurrence": Recurrence("weekly", weekday=0),
        "at": time(9, 30),
    }
    fields.update(changes)
    return CadenceAdd(**fields)  # type: ignore[arg-type]


VALID: list[tuple[str, Command]] = [
    ("", Help(None)),
    ("   ", Help(None)),
    ("/coach", Help(None)),
    ("help", Help(None)),
    ("HELP", Help(None)),
    ("?", Help(None)),
    ("help vacation", Help("vacation")),
    ("help cadence add", Help("cadence add")),
    ("help teams", Help("team")),
    ("help cadence new", Help("cadence add")),
    ("/coach help status", Help("status")),
    ("team create eng --manager @alice", TeamCreate("eng", ALICE)),
    (
        "team create Eng.Platform_2 --manager <@U123ABC|alice>",
        TeamCreate("Eng.Platform_2", Mention("U123ABC", "alice")),
    ),
    ("team create eng --manager=<@U123ABC>", TeamCreate("eng", U1)),
    ("team new eng @alice", TeamCreate("eng", ALICE)),
    ("team add eng @alice <@U123ABC>", TeamAdd("eng", (ALICE, U1))),
    ("team add eng @alice @alice", TeamAdd("eng", (ALICE,))),
    (
        "team remove eng <@U123ABC|Ann O'Neil Smith>",
        TeamRemove("eng", (Mention("U123ABC", "Ann O'Neil Smith"),)),
    ),
    ("team rm eng @alice", TeamRemove("eng", (ALICE,))),
    ("team list", TeamList()),
    ("teams", TeamList()),
    ("team ls", TeamList()),
    ("team show eng", TeamShow("eng")),
    ("team bind eng <#C123|general>", TeamBind("eng", "<#C123|general>")),
    ("team bind eng <!subteam^S123>", TeamBind("eng", "<!subteam^S123>")),
    ("team bind eng <!subteam^S123|@eng team>", TeamBind("eng", "<!subteam^S123|@eng team>")),
    ("team bind eng teams:19:abc@thread.tacv2", TeamBind("eng", "teams:19:abc@thread.tacv2")),
    (BASE, cadence()),
    (
        '/coach cadence add sync --team eng --audience members --every "every 2 weeks tue" --at 9:30',
        cadence(recurrence=Recurrence("weekly", weekday=1, interval_weeks=2)),
    ),
    (
        "cadence add sync --team eng --audience members --every “monthly last fri” --at 09:30",
        cadence(recurrence=Recurrence("monthly_nth", weekday=4, nth="last")),
    ),
    (
        "cadence add sync --team eng --audience members --every ‘monthly first mon’ --at 09:30",
        cadence(recurrence=Recurrence("monthly_nth", weekday=0, nth="first")),
    ),
    (
        "cadence add sync --at 09:30 --every 'daily' --audience MANAGER --team eng",
        cadence(audience=Audience.MANAGER, recurrence=Recurrence("daily")),
    ),
    (
        "cadence add sync --team=eng --audience=both --every=weekly mon --at=09:30",
        cadence(audience=Audience.BOTH),
    ),
    ("cadence add sync --team eng --audience team --every weekly mon --at 09:30", cadence()),
    ("cadence add sync —team eng –audience members --every 'weekly mon' --at 09:30", cadence()),
    (
        BASE + " --prompts starter --questions 3 --window 2d --anonymous yes",
        cadence(prompts="starter", questions=3, window=timedelta(days=2), anonymous=True),
    ),
    (
        BASE + " --anonymous off --window 12h --questions 10",
        cadence(anonymous=False, window=timedelta(hours=12), questions=10),
    ),
    (BASE + " --window 1w", cadence(window=timedelta(weeks=1))),
    (BASE + " --window 90m", cadence(window=timedelta(minutes=90))),
    (BASE + " --window 1d12h", cadence(window=timedelta(hours=36))),
    (BASE + " --anonymous TRUE", cadence(anonymous=True)),
    (BASE.replace("--at 09:30", "--time 09:30"), cadence()),
    ("cadence list", CadenceList()),
    ("cadence", CadenceList()),
    ("cadence show sync", CadenceShow("sync")),
    ("cadence pause sync", CadencePause("sync")),
    ("cadence resume sync", CadenceResume("sync")),
    ("cadence remove sync", CadenceRemove("sync")),
    ("cadence delete sync", CadenceRemove("sync")),
    ("cadence run sync", CadenceRun("sync")),
    ("prompts", Prompts(None)),
    ("prompts starter", Prompts("starter")),
    ("vacation 2025-07-01 2025-07-14", Vacation(date(2025, 7, 1), date(2025, 7, 14))),
    ("vacation 2025-07-01 to 2025-07-14", Vacation(date(2025, 7, 1), date(2025, 7, 14))),
    ("vacation 2025-07-01 2025-07-01", Vacation(date(2025, 7, 1), date(2025, 7, 1))),
    ("vacation 2025-07-01", Vacation(date(2025, 7, 1), date(2025, 7, 1))),
    ("vacation clear", VacationClear()),
    ("pto clear", VacationClear()),
    ("skip sync", Skip("sync")),
    ("skip", SkipQuestion()),
    ("Skip", SkipQuestion()),
    ("skip all", Decline()),
    ("skip ALL", Decline()),
    ("pass", Decline()),
    ("decline", Decline()),
    ("later", Snooze(None)),
    ("snooze", Snooze(None)),
    ("snooze 2h", Snooze(timedelta(hours=2))),
    ("snooze 30m", Snooze(timedelta(minutes=30))),
    ("snooze 1d", Snooze(timedelta(days=1))),
    ("snooze for 2 hours", Snooze(timedelta(hours=2))),
    ("later 45m", Snooze(timedelta(minutes=45))),
    ("history", History(None)),
    ("history sync", History("sync")),
    ("hilfe", Help(None)),
    ("Hilfe skip", Help("skip")),
    ("aide", Help(None)),
    ("ayuda", Help(None)),
    ("help later", Help("snooze")),
    ("help pass", Help("pass")),
    ("help history", Help("history")),
    ("status", Status()),
    ("Coach STATUS", Status()),
    ("privacy", Privacy("show")),
    ("privacy export", Privacy("export")),
    ("privacy delete", Privacy("delete")),
    ("admin add @alice", AdminAdd(ALICE)),
    ("admin remove <@U123ABC>", AdminRemove(U1)),
    ("threshold 3", Threshold(3)),
    ("threshold 12", Threshold(12)),
    ("quiet-hours 20:00-08:00", QuietHours(time(20), time(8))),
    ("quiet-hours 09:00–17:30", QuietHours(time(9), time(17, 30))),
    ("quiet-hours 22:00 - 07:00", QuietHours(time(22), time(7))),
    ("quiet-hours off", QuietHours(None, None)),
    ("quiet off", QuietHours(None, None)),
    ("workdays mon-fri", Workdays(frozenset(range(5)))),
    ("workdays mon,tue,thu", Workdays(frozenset({0, 1, 3}))),
    ("workdays mon tue thu", Workdays(frozenset({0, 1, 3}))),
    ("workdays sun-thu", Workdays(frozenset({6, 0, 1, 2, 3}))),
    ("workdays sat-wed", Workdays(frozenset({5, 6, 0, 1, 2}))),
    ("workdays Monday-Thursday,sat", Workdays(frozenset({0, 1, 2, 3, 5}))),
    ("workdays weekdays", Workdays(frozenset(range(5)))),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_valid_forms(text: str, expected: Command) -> None:
    assert parse(text) == expected


RECURRENCES: list[tuple[str, Recurrence]] = [
    ("daily", Recurrence("daily")),
    ("every day", Recurrence("daily")),
    ("weekdays", Recurrence("weekdays")),
    ("weekly mon", Recurrence("weekly", weekday=0)),
    ("weekly Thursday", Recurrence("weekly", weekday=3)),
    ("every fri", Recurrence("weekly", weekday=4)),
    ("every 2 weeks tue", Recurrence("weekly", weekday=1, interval_weeks=2)),
    ("every other week on wed", Recurrence("weekly", weekday=2, interval_weeks=2)),
    ("biweekly sun", Recurrence("weekly", weekday=6, interval_weeks=2)),
    ("monthly 15", Recurrence("monthly_day", day=15)),
    ("monthly on the 1st", Recurrence("monthly_day", day=1)),
    ("monthly 28", Recurrence("monthly_day", day=28)),
    ("monthly last", Recurrence("monthly_day", day=-1)),
    ("monthly first mon", Recurrence("monthly_nth", weekday=0, nth="first")),
    ("monthly last fri", Recurrence("monthly_nth", weekday=4, nth="last")),
    ("Monthly  LAST  Friday", Recurrence("monthly_nth", weekday=4, nth="last")),
]


@pytest.mark.parametrize(("text", "expected"), RECURRENCES)
def test_recurrences(text: str, expected: Recurrence) -> None:
    assert parse_recurrence(text) == expected
    assert parse_recurrence(expected.to_text()) == expected
    assert parse(f'cadence add sync --team eng --audience members --every "{text}" --at 09:30') == cadence(
        recurrence=expected
    )


def every_recurrence() -> list[Recurrence]:
    found = [Recurrence("daily"), Recurrence("weekdays"), Recurrence("monthly_day", day=-1)]
    found += [Recurrence("monthly_day", day=d) for d in range(1, 29)]
    for weekday in range(7):
        found += [Recurrence("weekly", weekday=weekday, interval_weeks=n) for n in range(1, 13)]
        found += [Recurrence("monthly_nth", weekday=weekday, nth=nth) for nth in ("first", "last")]
    return found


@pytest.mark.parametrize("recurrence", every_recurrence(), ids=Recurrence.to_text)
def test_recurrence_round_trip(recurrence: Recurrence) -> None:
    assert parse_recurrence(recurrence.to_text()) == recurrence


@pytest.mark.parametrize("text", ["monthly 29", "monthly 31", "monthly 0"])
def test_monthly_day_out_of_range_suggests_last(text: str) -> None:
    with pytest.raises(CommandError) as err:
        parse_recurrence(text)
    assert "monthly last" in str(err.value)


@pytest.mark.parametrize(
    ("token", "mention"),
    [
        ("<@U123ABC>", Mention("U123ABC")),
        ("<@U123ABC|alice>", Mention("U123ABC", "alice")),
        ("<@U123ABC|>", Mention("U123ABC")),
        ("<@29:1abc-DEF_9>", Mention("29:1abc-DEF_9")),
        ("@alice", Mention("alice")),
        ("@alice.smith-2", Mention("alice.smith-2")),
    ],
)
def test_mentions(token: str, mention: Mention) -> None:
    assert parse(f"admin add {token}") == AdminAdd(mention)


def test_smart_and_plain_quotes_agree() -> None:
    start = "cadence add sync --team eng --audience members --every "
    plain = parse(start + '"monthly first mon" --at 09:30')
    for quoted in (
        "“monthly first mon”",
        "'monthly first mon'",
        "‘monthly first mon’",
        "„monthly first mon“",
    ):
        assert parse(f"{start}{quoted} --at 09:30") == plain


MALFORMED: list[tuple[str, str]] = [
    ("help nonsense", "help"),
    ("team create", "team create"),
    ("team create eng", "team create"),
    ("team create eng --manager", "team create"),
    ("team create eng --manager alice", "team create"),
    ("team create bad/name --manager @alice", "team create"),
    ("team create eng --manager @alice --manager @bob", "team create"),
    ("team create eng --manager @alice --frob 1", "team create"),
    ("team create " + "x" * 65 + " --manager @alice", "team create"),
    ("team add", "team add"),
    ("team add eng", "team add"),
    ("team add eng alice", "team add"),
    ("team remove eng", "team remove"),
    ("team show", "team show"),
    ("team show eng extra", "team show"),
    ("team show --frob", "team show"),
    ("team list extra", "team list"),
    ("team bind eng", "team bind"),
    ("cadence add sync", "cadence add"),
    ("cadence add --team eng", "cadence add"),
    ("cadence add a b --team eng", "cadence add"),
    (CADENCE, "cadence add"),
    (BASE.replace("--at 09:30", "--at 9am"), "cadence add"),
    (BASE.replace("--at 09:30", "--at 24:00"), "cadence add"),
    (BASE.replace("--at 09:30", "--at"), "cadence add"),
    (BASE.replace("--at 09:30", ""), "cadence add"),
    (BASE.replace("members", "everybody-ish"), "cadence add"),
    (BASE.replace('"weekly mon"', '"weekly funday"'), "cadence add"),
    (BASE.replace('"weekly mon"', '"monthly 31"'), "cadence add"),
    (BASE.replace('"weekly mon"', '"monthly second tue"'), "cadence add"),
    (BASE.replace('"weekly mon"', '"every 99 weeks tue"'), "cadence add"),
    (BASE.replace('"weekly mon"', '"hourly"'), "cadence add"),
    (BASE.replace('"weekly mon"', '""'), "cadence add"),
    (BASE + " --questions 0", "cadence add"),
    (BASE + " --questions 11", "cadence add"),
    (BASE + " --questions lots", "cadence add"),
    (BASE + " --window 30m", "cadence add"),
    (BASE + " --window 5w", "cadence add"),
    (BASE + " --window soon", "cadence add"),
    (BASE + " --anonymous maybe", "cadence add"),
    (BASE + " --prompts bad/set", "cadence add"),
    (BASE + " --colour blue", "cadence add"),
    (BASE + " stray", "cadence add"),
    ('cadence add sync --team eng --every "weekly mon', "cadence add"),
    ("cadence show", "cadence show"),
    ("cadence pause", "cadence pause"),
    ("cadence resume a b", "cadence resume"),
    ("cadence remove", "cadence remove"),
    ("cadence run", "cadence run"),
    ("cadence list --all", "cadence list"),
    ("prompts a b", "prompts"),
    ("vacation", "vacation"),
    ("vacation tomorrow", "vacation"),
    ("vacation 2025-07-14 2025-07-01", "vacation"),
    ("vacation 2025-02-30 2025-03-01", "vacation"),
    ("vacation 20250701 20250714", "vacation"),
    ("vacation 2025-07-01 2025-07-02 2025-07-03", "vacation"),
    ("skip a b", "skip"),
    ("skip bad/name", "skip"),
    ("pass now", "pass"),
    ("snooze soon", "snooze"),
    ("snooze 1m", "snooze"),
    ("snooze 8d", "snooze"),
    ("later forever", "snooze"),
    ("history a b", "history"),
    ("history bad/name", "history"),
    ("threshold 51", "threshold"),
    ("threshold 1000", "threshold"),
    (BASE.replace("sync", "all"), "cadence add"),
    ("status now", "status"),
    ("privacy nuke", "privacy"),
    ("privacy export now", "privacy"),
    ("admin add", "admin add"),
    ("admin add alice", "admin add"),
    ("admin remove @a @b", "admin remove"),
    ("threshold", "threshold"),
    ("threshold 2", "threshold"),
    ("threshold three", "threshold"),
    ("threshold -5", "threshold"),
    ("threshold 99999999999999999999999", "threshold"),
    ("quiet-hours", "quiet-hours"),
    ("quiet-hours 22:00", "quiet-hours"),
    ("quiet-hours 22:00-25:00", "quiet-hours"),
    ("quiet-hours 09:00-09:00", "quiet-hours"),
    ("workdays", "workdays"),
    ("workdays funday", "workdays"),
    ("workdays mon-tue-wed", "workdays"),
]


@pytest.mark.parametrize(("text", "path"), MALFORMED)
def test_malformed_gives_usage(text: str, path: str) -> None:
    with pytest.raises(CommandError) as err:
        parse(text)
    assert not isinstance(err.value, NeedsForm)
    assert err.value.usage is not None
    assert BY_PATH[path].usage in err.value.usage
    assert "\nUsage: " + BY_PATH[path].usage.splitlines()[0] in str(err.value)


def test_at_message_matches_the_brief() -> None:
    with pytest.raises(CommandError) as err:
        parse(BASE.replace("--at 09:30", "--at"))
    expected = "`--at` needs a time like 09:30.\nUsage: cadence add <name> --team <team>"
    assert str(err.value).startswith(expected)


def test_unknown_option_is_named() -> None:
    with pytest.raises(CommandError, match="--colour"):
        parse(BASE + " --colour blue")


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("stauts", "status"), ("vaction x", "vacation"), ("tema list", "team"), ("team lsit", "list")],
)
def test_unknown_command_suggests(text: str, suggestion: str) -> None:
    with pytest.raises(CommandError) as err:
        parse(text)
    assert f"`{suggestion}`" in str(err.value)
    assert "help" in str(err.value) or "Usage:" in str(err.value)


def test_unknown_command_without_match_points_to_help() -> None:
    with pytest.raises(CommandError) as err:
        parse("xyzzy")
    assert "`help`" in str(err.value) and "Did you mean" not in str(err.value)


@pytest.mark.parametrize("text", ['help "oops', "skip 'sync", "skip sync\\", "team show “eng"])
def test_unterminated_quotes_are_command_errors(text: str) -> None:
    with pytest.raises(CommandError):
        parse(text)


@pytest.mark.parametrize("text", ["cadence add", "/coach cadence add", "cadence new", "  Cadence   ADD  "])
def test_cadence_add_alone_needs_a_form(text: str) -> None:
    with pytest.raises(NeedsForm) as err:
        parse(text)
    assert "Usage: cadence add" in str(err.value)


def test_every_example_parses() -> None:
    for command in COMMANDS:
        assert type(parse(command.example)) in command.handlers, command.path


def test_help_text() -> None:
    overview = help_text(None)
    for group in ("Check-ins", "Teams", "Cadences", "Privacy", "Admin"):
        assert group in overview
    for path, command in BY_PATH.items():
        assert f"`{path}`" in overview
        assert canonical_topic(path) == path
        detail = help_text(path)
        assert command.usage.splitlines()[0] in detail and "Example:" in detail
    assert "team bind" in help_text("team")
    assert help_text("Teams") == help_text("team")
    with pytest.raises(CommandError):
        help_text("nonsense")


def test_error_str_without_usage() -> None:
    assert str(CommandError("Hello.", None)) == "Hello."
    assert str(CommandError("Hello.", "a\nb")) == "Hello.\nUsage: a\n       b"


_WORDS = [
    "help",
    "team",
    "create",
    "add",
    "remove",
    "list",
    "show",
    "bind",
    "cadence",
    "pause",
    "resume",
    "run",
    "prompts",
    "vacation",
    "clear",
    "skip",
    "status",
    "privacy",
    "export",
    "delete",
    "admin",
    "threshold",
    "quiet-hours",
    "workdays",
    "--team",
    "--manager",
    "--audience",
    "--every",
    "--at",
    "--prompts",
    "--questions",
    "--window",
    "--anonymous",
    "--at=",
    "--every=",
    "--",
    "-",
    "—",
    "eng",
    "@alice",
    "<@U1>",
    "<@U1|a b>",
    "<#C1|x>",
    "<",
    ">",
    "|",
    "weekly",
    "monthly",
    "last",
    "first",
    "mon",
    "sun-thu",
    "sat-wed",
    "2025-07-01",
    "2025-02-30",
    "09:30",
    "25:99",
    "22:00-07:00",
    "3",
    "0",
    "-1",
    "99999999999999999999",
    "2d",
    "30m",
    "yes",
    "maybe",
    '"',
    "'",
    "“",
    "”",
    "’",
    "\\",
    "\n",
    "\x00",
    "\ue000",
    "\ue0010\ue001",
    "é",
    "٣",
    "off",
    "members",
    "every",
    "2",
    "weeks",
    "=",
    "/coach",
    "coach",
    "all",
    "pass",
    "later",
    "snooze",
    "history",
    "hilfe",
    "2h",
    "for",
    "1m",
]


def test_fuzz_only_commands_or_command_errors() -> None:
    rng = random.Random(20240601)
    alphabet = "abc -_@<>|#!:'\"“”‘’\\=—–\t\n0123456789/.,^\x00\ue000\ue001é٣"
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    samples += [" ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 10))) for _ in range(3000)]
    samples += [f"{prefix} {rng.choice(_WORDS)}" for prefix in list(BY_PATH) for _ in range(30)]
    samples += [f"{BASE} {' '.join(rng.choices(_WORDS, k=rng.randint(1, 4)))}" for _ in range(1000)]
    for text in samples:
        try:
            result = parse(text)
        except CommandError as err:
            assert str(err)
        else:
            assert type(result).__module__ == "bot.commands.ast", (text, result)


# -- errors in the reader's language ------------------------------------------------------------------


def test_errors_render_in_the_readers_language_and_keep_the_usage_as_syntax() -> None:
    from bot.i18n import tr

    with pytest.raises(CommandError) as err:
        parse(BASE.replace("--at 09:30", "--at 9am"))
    sentence = "`--at` braucht eine Uhrzeit wie 09:30 (bekommen: `9am`)."
    assert err.value.render(tr("de")).startswith(sentence + "\nAufruf: cadence add <name>")
    assert err.value.render_message(tr("de")) == sentence
    # English, for logs and old callers:
    assert err.value.message == "`--at` needs a time like 09:30 (got `9am`)."
    assert str(err.value) == err.value.render(tr("en"))


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (BASE.replace("--at 09:30", "--at 9am"), "at"),
        (BASE.replace("--at 09:30", ""), "at"),
        (BASE.replace('"weekly mon"', '"weekly funday"'), "every"),
        (BASE.replace('"weekly mon"', '"monthly 31"'), "every"),
        (BASE.replace("members", "nobody"), "audience"),
        (BASE + " --questions 11", "questions"),
        (BASE + " --window 5w", "window"),
        (BASE + " --anonymous maybe", "anonymous"),
        (BASE + " --prompts bad/set", "prompts"),
        (BASE.replace("sync", "bad/name", 1), "name"),
        (BASE.replace("sync", "all", 1), "name"),
        ("team show bad/name", None),
    ],
)
def test_errors_name_the_field_they_are_about(text: str, field: str | None) -> None:
    with pytest.raises(CommandError) as err:
        parse(text)
    assert err.value.option == field


def test_skip_all_always_declines_and_no_cadence_may_be_called_all() -> None:
    assert parse("skip all") == Decline()
    with pytest.raises(CommandError, match="`skip all` ends a check-in"):
        parse(BASE.replace("sync", "ALL", 1))


def test_help_lists_the_checkin_words() -> None:
    overview = help_text(None)
    for word in ("`skip`", "`pass`", "`snooze`", "`history`"):
        assert word in overview
    assert "`later`" in help_text("later") and "`skip all`" in help_text("skip")
    assert "hilfe" in help_text("help")
