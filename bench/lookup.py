"""The due-work lookup of one tick at 10k, 100k and 1M person-cadences (PostgreSQL).

    COACHBOT_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/lookup.py [--sizes 10000,100000,1000000]

For each size a throw-away schema gets the current migrations and, set-based (``INSERT … SELECT
generate_series``), that many people on teams of 1,000 with one cadence each: one schedule slot,
one past check-in and one sent outbox message per person, and weekly runs for a year of history.
A fixed amount of work is due (100 slots, 100 reminders, 100 windows ending, one digest), as at a
quiet moment: what a tick costs should depend on what is due, not on how many people there are.

Each of the tick's lookups (the very statements the tick runs: ``planner.due_slots``,
``followups.due_reminders``, ``followups.expired``, ``digests.ready_runs``, ``next_wakeup``) is
timed (median of 15, in a transaction rolled back so row locks and all leave no trace) and its
plan printed. Prints JSON: per size the total and per-query milliseconds, whether each plan uses
an index, and the 1M/10k ratio (target ≤ 1.5).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Executable, create_engine, text
from sqlalchemy.orm import Session

from bot import digests, followups, planner
from storage.db import Database, database_url, open_database

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
TEAM = 1000
DUE = 100
WEEKS = 52


def populate(db: Database, people: int, *, due: int = DUE) -> None:
    """Everything set-based: one statement per table, whatever the size; ``due`` slots are due now."""
    teams = (people + TEAM - 1) // TEAM
    now = NOW.isoformat()
    statements = [
        "INSERT INTO workspaces (id, platform, external_id, name, threshold, workdays, created_at) "
        f"VALUES (1, 'local', 'bench', 'bench', 5, '0,1,2,3,4', '{now}')",
        "INSERT INTO people (id, workspace_id, platform_id, display_name, display_key, timezone, locale, "
        "granted_admin, platform_admin, reachable, created_at) "
        f"SELECT g, 1, 'u' || g, 'u' || g, 'u' || g, 'UTC', 'en', false, false, true, '{now}' "
        f"FROM generate_series(1, {people}) g",
        "INSERT INTO teams (id, workspace_id, name, name_key, kind) "
        f"SELECT g, 1, 't' || g, 't' || g, 'team' FROM generate_series(1, {teams}) g",
        # The first person of each team leads it; everyone else is a member.
        "INSERT INTO memberships (group_id, person_id, role) "
        f"SELECT (g - 1) / {TEAM} + 1, g, CASE WHEN (g - 1) % {TEAM} = 0 THEN 'lead' ELSE 'member' END "
        f"FROM generate_series(1, {people}) g",
        "INSERT INTO cadences (id, workspace_id, team_id, name, name_key, audience, recurrence, at_time, "
        "questions, window_minutes, anonymous, reminder_after_minutes, reminder_max, paused, anchor, "
        "created_at) "
        "SELECT g, 1, g, 'c' || g, 'c' || g, 'members', 'weekly mon', '09:00', 3, 2880, true, 240, 1, "
        f"false, '2025-11-01', '{now}' FROM generate_series(1, {teams}) g",
        # A year of weekly runs per cadence, all with their digest written but the newest.
        "INSERT INTO cadence_runs (cadence_id, occurrence_date, role, prompt_ids, digest_sent_at) "
        "SELECT c, DATE '2026-11-16' - 7 * w, 'member', '[]', "
        "CASE WHEN w = 0 AND c = 1 THEN NULL ELSE TIMESTAMPTZ '2026-11-01' END "
        f"FROM generate_series(1, {teams}) c, generate_series(0, {WEEKS - 1}) w",
        # Everyone's slot: next Monday, except DUE people who are due right now.
        "INSERT INTO schedule_slots (cadence_id, person_id, role, next_local_date, next_due_at, "
        "last_local_date, skip_next) "
        f"SELECT (g - 1) / {TEAM} + 1, g, 'member', "
        f"CASE WHEN g <= {due} THEN DATE '2026-11-23' ELSE DATE '2026-11-30' END, "
        f"CASE WHEN g <= {due} THEN TIMESTAMPTZ '{NOW - timedelta(seconds=5)}' "
        f"ELSE TIMESTAMPTZ '2026-11-30 09:00+00' + (g % 600) * INTERVAL '1 minute' END, "
        f"DATE '2026-11-16', false FROM generate_series(1, {people}) g",
        # Last week's check-in for everyone: closed, except DUE whose reminder is due and DUE whose
        # window ends now; run 1 (cadence 1, last week) is the one whose digest is still to write.
        "INSERT INTO checkins (cadence_id, run_id, person_id, occurrence_date, role, anonymous, state, "
        "current_question, opened_at, closes_at, next_reminder_at, reminders_sent) "
        f"SELECT (g - 1) / {TEAM} + 1, (g - 1) / {TEAM} * {WEEKS} + 1, g, DATE '2026-11-16', 'member', "
        f"true, CASE WHEN g > {people - 2 * DUE} THEN 'open' ELSE 'closed' END, 0, "
        "TIMESTAMPTZ '2026-11-16 09:00+00', "
        f"CASE WHEN g > {people - DUE} THEN TIMESTAMPTZ '{NOW - timedelta(minutes=1)}' "
        f"WHEN g > {people - 2 * DUE} THEN TIMESTAMPTZ '{NOW + timedelta(hours=1)}' "
        "ELSE TIMESTAMPTZ '2026-11-18 09:00+00' END, "
        f"CASE WHEN g > {people - 2 * DUE} AND g <= {people - DUE} "
        f"THEN TIMESTAMPTZ '{NOW - timedelta(minutes=2)}' END, 0 "
        f"FROM generate_series(1, {people}) g",
        "INSERT INTO outbox (dedupe_key, person_id, kind, parts, in_thread, opens_thread, status, attempts, "
        "not_before, created_at, sent_at) "
        f"SELECT 'past-nudge:' || g, g, 'nudge', '[]', false, true, 'sent', 1, '{now}', '{now}', '{now}' "
        f"FROM generate_series(1, {people}) g",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
        for table in ("schedule_slots", "checkins", "cadence_runs", "outbox", "cadences", "people"):
            conn.execute(text(f"ANALYZE {table}"))


def lookups() -> dict[str, Callable[[Session], Any]]:
    """The statements one tick runs to find its work (PostgreSQL flavour: with row claims)."""
    return {
        "due_slots": lambda s: s.scalars(
            planner.due_slots(now=NOW, limit=planner.FIRST_BATCH, claim=True)
        ).all(),
        "due_reminders": lambda s: s.scalars(followups.due_reminders(now=NOW, claim=True)).all(),
        "expired": lambda s: s.scalars(followups.expired(now=NOW, claim=True)).all(),
        "ready_runs": lambda s: s.scalars(digests.ready_runs(now=NOW, claim=True)).all(),
        "next_wakeup": lambda s: planner.next_wakeup(s, now=NOW, after=NOW),
    }


def statements() -> dict[str, Executable]:
    return {
        "due_slots": planner.due_slots(now=NOW, limit=planner.FIRST_BATCH, claim=True),
        "due_reminders": followups.due_reminders(now=NOW, claim=True),
        "expired": followups.expired(now=NOW, claim=True),
        "ready_runs": digests.ready_runs(now=NOW, claim=True),
        **{f"next_wakeup_{n}": q for n, q in enumerate(planner.wakeup_queries(now=NOW, after=NOW))},
    }


def measure(db: Database) -> dict[str, Any]:
    timings: dict[str, float] = {}
    found: dict[str, int] = {}
    for name, lookup in lookups().items():
        runs = []
        for _ in range(15):
            with Session(db.engine) as session, session.begin():
                started = time.perf_counter()
                result = lookup(session)
                runs.append((time.perf_counter() - started) * 1000)
                session.rollback()
            found[name] = len(result) if isinstance(result, list) else int(result is not None)
        timings[name] = round(statistics.median(runs), 3)
    plans: dict[str, str] = {}
    with db.engine.connect() as conn:
        for name, statement in statements().items():
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            rows = conn.execute(text(f"EXPLAIN {compiled}")).scalars().all()
            plans[name] = "\n".join(rows)
    return {
        "total_ms": round(sum(timings.values()), 3),
        "ms": timings,
        "found": found,
        "uses_index": {name: "Index" in plan for name, plan in plans.items()},
        "plans": plans,
    }


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    """A throw-away PostgreSQL schema for one bench run, dropped afterwards whatever happens."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield schema
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_size(url: str, people: int) -> dict[str, Any]:
    with scratch_schema(url) as schema:
        db = open_database(url, connect_args={"options": f"-csearch_path={schema}"})
        started = time.perf_counter()
        populate(db, people)
        loaded = time.perf_counter() - started
        result = {"people": people, "load_s": round(loaded, 1), **measure(db)}
        db.dispose()
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--plans", action="store_true", help="print the full query plans")
    args = parser.parse_args()
    url = os.environ.get("COACHBOT_BENCH_DATABASE_URL") or os.environ.get("COACHBOT_TEST_DATABASE_URL")
    if not url:
        sys.exit(
            "set COACHBOT_BENCH_DATABASE_URL to a PostgreSQL database, e.g. postgresql://postgres@127.0.0.1/test"
        )
    results = [run_size(database_url(url), int(n)) for n in args.sizes.split(",")]
    if not args.plans:
        for result in results:
            result["plans"] = {k: v.splitlines()[0:6] for k, v in result["plans"].items()}
    summary: dict[str, Any] = {"bench": "lookup", "sizes": results}
    if len(results) > 1:
        summary["ratio_largest_to_smallest"] = round(results[-1]["total_ms"] / results[0]["total_ms"], 2)
        summary["target"] = "<= 1.5"
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
