"""Reading an HR file: a CSV of people, checked row by row before anything is looked up.

This step is pure (text in, rows and problems out); :mod:`bot.org_import` then matches the rows
with the people, teams and reporting lines already stored and applies the difference. Every
problem names its line (the header is line 1) so that a person can fix the file, and one problem
anywhere means nothing is imported.

Columns are matched by name in any case, with spaces, hyphens and underscores alike ("Time zone",
``time_zone``); their order does not matter. A column that is absent changes nothing; an empty
cell leaves that field as it is, except ``manager``, where an empty cell means "reports to nobody"
(the top of the organisation).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from babel import Locale, UnknownLocaleError

from bot.commands.errors import Msg
from bot.commands.values import read_name
from bot.i18n import N_
from bot.public_holidays import normalise_country
from bot.working_hours import valid_timezone

COLUMNS: dict[str, tuple[str, ...]] = {
    "platform_id": ("platform id", "platform", "id", "user id", "slack id", "teams id"),
    "email": ("email", "e-mail", "mail"),
    "name": ("name", "display name", "full name"),
    "manager": ("manager",),
    "team": ("team",),
    "time_zone": ("time zone", "timezone", "tz"),
    "locale": ("locale", "language"),
    "country": ("country",),
    "start_date": ("start date", "start"),
}
"""Each column the import reads, and the header names it is known by."""

MAX_ROWS = 50_000
NAME_MAX = 200  # Person.display_name
EMAIL_MAX = 254  # Person.email, and the longest address SMTP allows
PLATFORM_ID_MAX = 200  # Person.platform_id
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Problem:
    """Why a line of the file cannot be imported."""

    line: int
    message: Msg


@dataclass(frozen=True)
class Row:
    """One person as the file describes them. ``None`` means the file does not say (an absent
    column or an empty cell); ``manager == ""`` means the file says they report to nobody."""

    line: int
    platform_id: str | None
    email: str | None
    name: str | None
    manager: str | None
    team: str | None
    time_zone: str | None
    locale: str | None
    country: str | None
    start_date: date | None

    @property
    def ref(self) -> str:
        """How the file names this person (their platform id, else their email)."""
        return self.platform_id or self.email or ""


def _column_key(header: str) -> str:
    return re.sub(r"[\s_\-]+", " ", header.strip().lower())


def read_hr_file(text: str) -> tuple[list[Row], list[Problem]]:
    """The rows of a CSV file and every problem found in it (the rows count only without problems)."""
    text = text.removeprefix("\ufeff")  # spreadsheets like to start their CSV with a byte-order mark
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        return [], [Problem(1, Msg(N_("The file is empty; its first line must name the columns.")))]
    known = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(header):
        column = known.get(_column_key(cell))
        if column is None and cell.strip():
            problems.append(Problem(1, Msg(N_("Unknown column `{column}`."), {"column": cell.strip()[:60]})))
        elif column in columns:
            problems.append(
                Problem(1, Msg(N_("The column `{column}` appears twice."), {"column": cell.strip()}))
            )
        elif column is not None:
            columns[column] = index
    if "platform_id" not in columns and "email" not in columns:
        problems.append(
            Problem(
                1, Msg(N_("The file needs a `platform id` or an `email` column to know who each row is."))
            )
        )
    if problems:
        return [], problems
    rows: list[Row] = []
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are common at the end of exported files
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(line, Msg(N_("More than {max} people in one file."), {"max": MAX_ROWS})))
            break
        if len(cells) > len(header):
            problems.append(Problem(line, Msg(N_("This line has more cells than the header has columns."))))
            continue
        values = {
            column: cells[index].strip() if index < len(cells) else "" for column, index in columns.items()
        }
        row, found = _row(line, values, has_manager="manager" in columns)
        problems += found
        if row is not None:
            rows.append(row)
    problems += _duplicates(rows)
    return rows, problems


def _row(line: int, values: dict[str, str], *, has_manager: bool) -> tuple[Row | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(msgid: str, **details: object) -> None:
        problems.append(Problem(line, Msg(msgid, details)))

    platform_id = values.get("platform_id") or None
    email = (values.get("email") or "").lower() or None
    if platform_id is None and email is None:
        bad(N_("Give a platform id or an email for this person."))
    if platform_id is not None and len(platform_id) > PLATFORM_ID_MAX:
        bad(N_("The platform id is longer than {max} characters."), max=PLATFORM_ID_MAX)
    if email is not None and (len(email) > EMAIL_MAX or not _EMAIL.fullmatch(email)):
        bad(N_("`{value}` is not an email address."), value=email[:80])
    name = values.get("name") or None
    if name is not None and len(name) > NAME_MAX:
        bad(N_("The name is longer than {max} characters."), max=NAME_MAX)
    team = values.get("team") or None
    if team is not None and read_name(team) is None:
        bad(
            N_("`{value}` cannot be a team name: use letters, digits, `-`, `_` and `.`, at most 64."),
            value=team[:80],
        )
    zone = values.get("time_zone") or None
    if zone is not None and not valid_timezone(zone):
        bad(N_("`{value}` is not a time zone name like Europe/Berlin."), value=zone[:80])
    locale = values.get("locale") or None
    if locale is not None and not _valid_locale(locale):
        bad(N_("`{value}` is not a language code like en, de or en-GB."), value=locale[:80])
    country = None
    if values.get("country"):
        country = normalise_country(values["country"])
        if country is None:
            bad(
                N_("`{value}` is not a country code with public holidays, like DE, US or DE-BY."),
                value=values["country"][:80],
            )
    start = None
    if values.get("start_date"):
        try:
            start = date.fromisoformat(values["start_date"])
        except ValueError:
            bad(N_("`{value}` is not a date like 2026-11-23."), value=values["start_date"][:80])
    manager = (values.get("manager") or "").lower() if has_manager else None
    if manager and manager in {(platform_id or "").lower(), email}:
        bad(N_("Nobody can be their own manager."))
    if problems:
        return None, problems
    return Row(line, platform_id, email, name, manager, team, zone, locale, country, start), []


def _valid_locale(value: str) -> bool:
    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return len(value) <= 16  # Person.locale


def _duplicates(rows: list[Row]) -> list[Problem]:
    """A person may appear once: two rows with one platform id or one email contradict each other."""
    problems: list[Problem] = []
    first_line: dict[str, int] = {}
    for row in rows:
        for key in filter(None, (row.platform_id and row.platform_id.lower(), row.email)):
            if key in first_line:
                problems.append(
                    Problem(
                        row.line,
                        Msg(
                            N_("`{who}` is already on line {first}."), {"who": key, "first": first_line[key]}
                        ),
                    )
                )
                break
        else:
            for key in filter(None, (row.platform_id and row.platform_id.lower(), row.email)):
                first_line[key] = row.line
    return problems
