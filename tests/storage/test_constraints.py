"""The unique keys that carry the exactly-once guarantees, UTC round trips, and SKIP LOCKED claims."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, StatementError

from bot import outbox, relationships
from storage.db import Database
from storage.models import (
    Cadence,
    CadenceRun,
    Checkin,
    InboundEvent,
    OutboxMessage,
    Person,
    Workspace,
)

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


def seed(db: Database, people: int = 1) -> dict[str, int]:
    """A workspace with people, a team led by the first, a cadence and one run."""
    with db.session() as s:
        ws = Workspace(platform="local", external_id="acme", created_at=NOW)
        s.add(ws)
        s.flush()
        persons = [
            Person(workspace_id=ws.id, platform_id=f"p{n}", display_name=f"p{n}", created_at=NOW)
            for n in range(people)
        ]
        s.add_all(persons)
        s.flush()
        team = relationships.create_team(s, workspace_id=ws.id, name="t", lead=persons[0])
        cadence = Cadence(
            workspace_id=ws.id,
            team_id=team.id,
            name="c",
            audience="manager",
            recurrence="daily",
            at_time="09:00",
            anchor=date(2026, 11, 21),
            created_at=NOW,
        )
        s.add(cadence)
        s.flush()
        run = CadenceRun(
            cadence_id=cadence.id, occurrence_date=date(2026, 11, 23), role="manager", prompt_ids=[]
        )
        s.add(run)
        s.flush()
        return {"person": persons[0].id, "cadence": cadence.id, "run": run.id, "workspace": ws.id}


def checkin(ids: dict[str, int]) -> Checkin:
    return Checkin(
        cadence_id=ids["cadence"],
        run_id=ids["run"],
        person_id=ids["person"],
        occurrence_date=date(2026, 11, 23),
        role="manager",
        opened_at=NOW,
        closes_at=NOW + timedelta(days=1),
    )


def message(person_id: int, key: str) -> OutboxMessage:
    return OutboxMessage(
        dedupe_key=key, person_id=person_id, kind="notice", parts=[], not_before=NOW, created_at=NOW
    )


def test_second_checkin_for_the_same_person_cadence_and_date_is_refused(any_database: Database) -> None:
    ids = seed(any_database)
    with any_database.session() as s:
        s.add(checkin(ids))
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(checkin(ids))
    with any_database.session() as s:
        assert len(s.scalars(select(Checkin)).all()) == 1
        other_day = checkin(ids)
        other_day.occurrence_date = date(2026, 11, 24)
        s.add(other_day)  # another local date is another check-in


def test_second_outbox_row_with_the_same_dedupe_key_is_refused(any_database: Database) -> None:
    ids = seed(any_database)
    with any_database.session() as s:
        s.add(message(ids["person"], "nudge:1"))
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(message(ids["person"], "nudge:1"))
    with any_database.session() as s:
        person = s.get_one(Person, ids["person"])
        # The repository refuses politely instead of raising.
        assert outbox.enqueue(s, key="nudge:1", person=person, kind="notice", parts=(), now=NOW) is False
        assert len(s.scalars(select(OutboxMessage)).all()) == 1


def test_the_same_inbound_event_twice_is_refused(any_database: Database) -> None:
    with any_database.session() as s:
        s.add(InboundEvent(platform="slack", event_id="Ev1", received_at=NOW))
    with pytest.raises(IntegrityError), any_database.session() as s:
        s.add(InboundEvent(platform="slack", event_id="Ev1", received_at=NOW))
    with any_database.session() as s:
        s.add(InboundEvent(platform="teams", event_id="Ev1", received_at=NOW))  # other platform, other event


def test_utc_datetimes_round_trip_aware(any_database: Database) -> None:
    tokyo = timezone(timedelta(hours=9))
    written = datetime(2026, 3, 29, 10, 30, 15, 123456, tzinfo=tokyo)
    with any_database.session() as s:
        s.add(InboundEvent(platform="local", event_id="t", received_at=written))
    with any_database.session() as s:
        read = s.scalars(select(InboundEvent.received_at)).one()
    assert read.tzinfo is not None and read.utcoffset() == timedelta(0)
    assert read == written
    assert read.hour == 1  # 10:30 in Tokyo is 01:30 UTC


def test_naive_datetimes_are_refused(any_database: Database) -> None:
    with pytest.raises(StatementError, match="naive datetime"), any_database.session() as s:
        s.add(InboundEvent(platform="local", event_id="n", received_at=datetime(2026, 1, 1, 12, 0)))
        s.flush()


def test_claim_due_hands_out_a_row_once_while_leased(any_database: Database) -> None:
    ids = seed(any_database, people=3)
    with any_database.session() as s:
        for n, person in enumerate(s.scalars(select(Person.id).order_by(Person.id)).all()):
            s.add(message(person, f"m{n}"))
    lease = timedelta(minutes=2)
    with any_database.session() as s:
        first = outbox.claim_due(s, platform="local", now=NOW, limit=10, lease=lease)
    with any_database.session() as s:
        second = outbox.claim_due(s, platform="local", now=NOW + lease / 2, limit=10, lease=lease)
    with any_database.session() as s:
        third = outbox.claim_due(s, platform="local", now=NOW + lease * 2, limit=10, lease=lease)
    assert len(first) == 3 and second == [] and len(third) == 3
    assert ids


def test_claim_due_with_two_concurrent_sessions_never_shares_a_row(any_database: Database) -> None:
    if not any_database.is_postgres:
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite serialises writers, so there is nothing to race")
    seed(any_database, people=6)
    with any_database.session() as s:
        for n, person in enumerate(s.scalars(select(Person.id).order_by(Person.id)).all()):
            s.add(message(person, f"m{n}"))
    lease = timedelta(minutes=2)
    first_claimed = threading.Event()
    results: dict[str, list[int]] = {}

    def holder() -> None:
        # Claims three rows and keeps its transaction (and row locks) open until the other has claimed.
        with any_database.session() as s:
            results["a"] = [
                m.id for m in outbox.claim_due(s, platform="local", now=NOW, limit=3, lease=lease)
            ]
            first_claimed.set()
            done.wait(10)

    done = threading.Event()
    thread = threading.Thread(target=holder)
    thread.start()
    try:
        assert first_claimed.wait(10)
        with any_database.session() as s:
            s.execute(text("SET LOCAL lock_timeout = '5s'"))
            # The first transaction has not committed: its claimed_until is invisible here,
            # so only the row locks keep these rows apart.
            results["b"] = [
                m.id for m in outbox.claim_due(s, platform="local", now=NOW, limit=10, lease=lease)
            ]
    finally:
        done.set()
        thread.join(10)
    assert len(results["a"]) == 3
    assert len(results["b"]) == 3
    assert not set(results["a"]) & set(results["b"])
