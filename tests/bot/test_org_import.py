"""Importing the organisation from an HR file: bad rows are named and change nothing, a dry run
prints the difference and changes nothing, the real import creates people, reporting lines and
teams, and the same file a second time finds nothing to change (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import relationships
from bot.hr_file import read_hr_file
from bot.i18n import tr
from bot.org_diff import render_plan
from bot.org_import import EmailLookup, ImportPlan, apply_plan, plan_import
from bot.people import workspace_for
from storage.db import Database
from storage.models import Person, Team, Workspace
from storage.relations import ReportingLine

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HEADER = "Platform ID,Email,Name,Manager,Team,Time zone,Locale,Country,Start date\n"
GOOD = HEADER + (
    "ceo,Cora@Acme.example,Cora Chief,,,Europe/Berlin,de,DE,2020-01-01\n"
    "maria,maria@acme.example,Maria Lopez,cora@acme.example,design,America/New_York,en-US,US,2021-03-01\n"
    "ben,ben@acme.example,Ben Ng,maria,design,Europe/Berlin,de,DE,2026-11-02\n"
    "chloe,,Chloe Wu,maria,design,America/Los_Angeles,en,US,\n"
    "emma,emma@acme.example,Emma Stone,ceo,ops,Europe/London,en-GB,GB-ENG,\n"
)
BAD_CELLS = HEADER + (
    "ceo,cora@acme.example,Cora Chief,,,Europe/Berlin,de,DE,2020-01-01\n"
    "maria,not-an-email,Maria Lopez,ceo,design,Mars/Olympus,en,US,2021-03-01\n"
    "ben,ben@acme.example,Ben Ng,maria,design,Europe/Berlin,de,XX,2026-13-02\n"
    "CEO,,Cora Again,,,,,,\n"
)
BAD_REFERENCES = HEADER + (
    "ceo,cora@acme.example,Cora Chief,,,Europe/Berlin,de,DE,2020-01-01\n"
    ",maria@acme.example,Maria Lopez,ceo,design,America/New_York,en,US,\n"
    "ben,ben@acme.example,Ben Ng,nobody@acme.example,design,Europe/Berlin,de,DE,\n"
    "chloe,,Chloe Wu,ceo,design,,,,\n"
    "emma,,Emma Stone,ben,,,,,\n"
)


def _plan(session: Session, text: str, *, lookup: EmailLookup | None = None) -> tuple[Workspace, ImportPlan]:
    rows, problems = read_hr_file(text)
    assert problems == []
    workspace = workspace_for(session, platform="local", external_id="acme", now=NOW)
    return workspace, plan_import(session, workspace, rows, lookup=lookup)


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _lines(plan: ImportPlan) -> list[str]:
    return render_plan(plan, tr("en"))


def test_bad_rows_are_named_by_line_and_nothing_is_read() -> None:
    rows, problems = read_hr_file(BAD_CELLS)
    assert rows  # the good rows were read, but with problems they are never planned
    said = [(p.line, p.message.render(tr("en"))) for p in problems]
    assert said == [
        (3, "`not-an-email` is not an email address."),
        (3, "`Mars/Olympus` is not a time zone name like Europe/Berlin."),
        (4, "`XX` is not a country code with public holidays, like DE, US or DE-BY."),
        (4, "`2026-13-02` is not a date like 2026-11-23."),
        (5, "`ceo` is already on line 2."),
    ]
    assert problems[0].message.render(tr("de")) == "`not-an-email` ist keine E-Mail-Adresse."


def test_a_header_without_identity_or_with_unknown_columns_is_refused() -> None:
    _, problems = read_hr_file("Name,Shoe size\nAda,38\n")
    assert [(p.line, p.message.render(tr("en"))) for p in problems] == [
        (1, "Unknown column `Shoe size`."),
        (1, "The file needs a `platform id` or an `email` column to know who each row is."),
    ]
    assert read_hr_file("")[1][0].line == 1


def test_import_with_bad_rows_then_dry_run_then_real_then_again(any_database: Database) -> None:
    with any_database.session() as session:
        _, plan = _plan(session, BAD_REFERENCES)
        assert _lines(plan) == [
            "Line 3: Nobody with the email maria@acme.example is known here; add their platform id.",
            "Line 4: The manager nobody@acme.example is neither in the file nor known here.",
        ]
    with any_database.session() as session:
        assert _count(session, Person) == 0 and _count(session, Team) == 0

    with any_database.session() as session:  # the dry run: the difference, and nothing stored
        _, plan = _plan(session, GOOD)
        assert _lines(plan) == [
            "Line 2: create ceo (Cora Chief): email cora@acme.example; time zone Europe/Berlin; language de;"
            " country DE; start date 2020-01-01",
            "Line 3: create maria (Maria Lopez): email maria@acme.example; time zone America/New_York;"
            " language en-US; country US; start date 2021-03-01; manager ceo",
            "Line 4: create ben (Ben Ng): email ben@acme.example; time zone Europe/Berlin; language de;"
            " country DE; start date 2026-11-02; manager maria; team design",
            "Line 5: create chloe (Chloe Wu): time zone America/Los_Angeles; language en; country US;"
            " manager maria; team design",
            "Line 6: create emma (Emma Stone): email emma@acme.example; time zone Europe/London;"
            " language en-GB; country GB-ENG; manager ceo; team ops",
            "Create team design, led by maria.",
            "Create team ops, led by ceo.",
            "5 to create, 0 to update, 0 unchanged.",
        ]
    with any_database.session() as session:
        assert _count(session, Person) == 0

    with any_database.session() as session:  # the real import
        workspace, plan = _plan(session, GOOD)
        apply_plan(session, workspace, plan, now=NOW)
    with any_database.session() as session:
        people = {p.platform_id: p for p in session.scalars(select(Person))}
        assert set(people) == {"ceo", "maria", "ben", "chloe", "emma"}
        ben = people["ben"]
        assert (ben.email, ben.timezone, ben.locale, ben.country, ben.start_date) == (
            "ben@acme.example",
            "Europe/Berlin",
            "de",
            "DE",
            date(2026, 11, 2),
        )
        assert [m.platform_id for m in relationships.managers_of(session, ben)] == ["maria"]
        assert [m.platform_id for m in relationships.managers_of(session, people["maria"])] == ["ceo"]
        assert relationships.managers_of(session, people["ceo"]) == []
        design = session.scalars(select(Team).where(Team.name == "design")).one()
        assert [p.platform_id for p in relationships.leads_of(session, design)] == ["maria"]
        assert [p.platform_id for p in relationships.members_of(session, design)] == ["ben", "chloe"]
        ops = session.scalars(select(Team).where(Team.name == "ops")).one()
        assert [p.platform_id for p in relationships.leads_of(session, ops)] == ["ceo"]
        assert [p.platform_id for p in relationships.members_of(session, ops)] == ["emma"]

    with any_database.session() as session:  # the same file again
        _, plan = _plan(session, GOOD)
        assert not plan.changed
        assert _lines(plan)[-1] == "Nothing to change: the organisation already matches the file."
        assert all("is unchanged" in line for line in _lines(plan)[:-1])


def test_a_second_file_moves_people_and_changes_a_lead(any_database: Database) -> None:
    with any_database.session() as session:
        workspace, plan = _plan(session, GOOD)
        apply_plan(session, workspace, plan, now=NOW)
    moved = HEADER + (
        # Ben now leads design (Chloe reports to him); Maria moves to ops under the ceo, by email only.
        ",maria@acme.example,,ceo,ops,Europe/Madrid,,,\nchloe,,,ben,design,,,,\nben,,,ceo,design,,,,\n"
    )
    with any_database.session() as session:
        workspace, plan = _plan(session, moved)
        assert _lines(plan) == [
            "Line 2: update maria (Maria Lopez): time zone America/New_York → Europe/Madrid; team ops",
            "Line 3: update chloe (Chloe Wu): manager maria → ben",
            "Line 4: update ben (Ben Ng): manager maria → ceo",
            "Team design: lead maria → ben.",
            "0 to create, 3 to update, 0 unchanged.",
        ]
        apply_plan(session, workspace, plan, now=NOW)
    with any_database.session() as session:
        design = session.scalars(select(Team).where(Team.name == "design")).one()
        ops = session.scalars(select(Team).where(Team.name == "ops")).one()
        assert [p.platform_id for p in relationships.leads_of(session, design)] == ["ben"]
        assert [p.platform_id for p in relationships.members_of(session, design)] == ["chloe"]
        assert [p.platform_id for p in relationships.members_of(session, ops)] == ["maria", "emma"]
        assert _count(session, ReportingLine) == 4
    with any_database.session() as session:
        _, plan = _plan(session, moved)
        assert not plan.changed


def test_loops_and_two_leads_are_problems(any_database: Database) -> None:
    loop = HEADER + "a,,A,b,,,,,\nb,,B,c,,,,,\nc,,C,a,,,,,\n"
    two_leads = HEADER + "m1,,M1,,,,,,\nm2,,M2,,,,,,\nx,,X,m1,core,,,,\ny,,Y,m2,core,,,,\n"
    with any_database.session() as session:
        _, plan = _plan(session, loop)
        assert _lines(plan)[0] == "Line 2: These reporting lines go round in a circle: a → b → c → a."
        _, plan = _plan(session, two_leads)
        assert _lines(plan) == [
            "Line 5: The team core would have two leads, m1 (line 4) and m2: its members name different"
            " managers."
        ]


def test_an_email_is_resolved_through_the_platform_directory(any_database: Database) -> None:
    directory = {"maria@acme.example": "U0MARIA"}
    text = HEADER + ",maria@acme.example,Maria Lopez,,,,,,\n,ghost@acme.example,Ghost,,,,,,\n"
    with any_database.session() as session:
        _, plan = _plan(session, text, lookup=directory.get)
        assert _lines(plan) == [
            "Line 3: Nobody with the email ghost@acme.example is known here; add their platform id."
        ]
        workspace, plan = _plan(
            session, text.splitlines()[0] + "\n" + text.splitlines()[1], lookup=directory.get
        )
        assert _lines(plan)[0] == "Line 2: create U0MARIA (Maria Lopez): email maria@acme.example"
        apply_plan(session, workspace, plan, now=NOW)
    with any_database.session() as session:  # known by email now: no directory needed
        _, plan = _plan(session, HEADER + ",maria@acme.example,Maria Lopez,,,,,,\n")
        assert not plan.changed
