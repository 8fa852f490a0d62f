"""Commitments are their owner's (issue 10, section 1): a team lead sees the team's goal attainment
only as an aggregate of K people with commitments due, never a commitment; a commitment is shown to
someone else only when its owner shares it; export and erasure cover commitments.

The clock starts on Saturday 2026-11-21 12:00 UTC.
"""

from __future__ import annotations

from sqlalchemy import select

from adapters.local import LocalChat
from bot import mydata, relationships
from bot.core import Coachbot
from storage.commitments import Commitment, CommitmentShare
from storage.models import Person
from tests.bot.conversation_kit import NY, on_both_backends
from tests.bot.test_engine_helpers import last_reply, org, outbox_rows, run

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL

SECRETS = {"bo": "ask for a mentor", "cy": "fix the flaky deploy", "di": "talk to HR about leave"}


def team(chat: LocalChat) -> None:
    """Mo leads t (bo, cy, di); K is 3."""
    org(chat, {"mo": NY, "bo": NY, "cy": NY, "di": NY}, extra=("threshold 3",))
    run(chat, "team create t --manager @mo", "team add t @bo @cy @di")


def everything_sent_to(core: Coachbot, who: str) -> str:
    with core.database.session() as session:
        person_id = session.scalar(select(Person.id).where(Person.platform_id == who))
    return "\n".join(str(row.parts) for row in outbox_rows(core, welcomes=True) if row.person_id == person_id)


def test_a_lead_sees_only_the_teams_attainment_and_only_from_k_people(
    chat: LocalChat, core: Coachbot
) -> None:
    team(chat)
    run(chat, ":as bo", f'commit "{SECRETS["bo"]}" --by 2026-11-24')
    run(chat, ":as cy", f'commit "{SECRETS["cy"]}" --by 2026-11-24')
    run(chat, ":as di", f'commit "{SECRETS["di"]}" --by 2026-11-26')
    run(chat, ":advance to 2026-11-25 12:00 America/New_York")
    run(chat, ":as bo", "commitment done 1", ":as cy", "commitment partly 1")

    # Two people with commitments due: fewer than K, so no figure.
    run(chat, ":as mo", "status")
    shown = last_reply(chat)
    assert "*t*: goal attainment is shown once at least 3 people have commitments due." in shown
    assert "%" not in shown

    # Di's came due and is still open: three people, two of three kept.
    run(chat, ":advance to 2026-11-27 12:00 America/New_York", ":as mo", "status")
    shown = last_reply(chat)
    assert "*t*: 67% of 3 commitments done or partly done when due, from 3 people (last 90 days)." in shown
    assert core.home(chat.actor("mo")).commitments  # App Home shows the same
    # Never a commitment, nor whose: not in status, nor in anything Mo was ever sent.
    for text in SECRETS.values():
        assert text not in shown and text not in everything_sent_to(core, "mo")
    # Bo sees his own figure; an admin who leads nothing sees no team figure.
    run(chat, ":as bo", "status")
    assert "Goal attainment: 1 of 1 commitment done or partly done when due (100%)" in last_reply(chat)
    run(chat, ":as ada", "status")
    assert "Goal attainment" not in last_reply(chat)


def test_sharing_shows_one_commitment_to_one_person(chat: LocalChat, core: Coachbot) -> None:
    team(chat)
    run(
        chat,
        ":as bo",
        f'commit "{SECRETS["bo"]}" --by 2026-12-01',
        'commit "a private worry" --by 2026-12-01',
    )
    run(chat, "commitment share 1 @mo")
    assert last_reply(chat).endswith(
        "Shared #1 with mo: they see this one commitment and how it stands today, nothing else."
    )
    to_mo = everything_sent_to(core, "mo")
    assert "bo shared a commitment with you:" in to_mo and SECRETS["bo"] in to_mo
    assert "a private worry" not in to_mo
    assert "a private worry" not in everything_sent_to(core, "cy")
    sent = len(outbox_rows(core))

    # Refusals change nothing.
    run(chat, "commitment share 1 @mo")
    assert last_reply(chat).endswith("You already shared #1 with mo.")
    run(chat, "commitment share 1 @nobody")
    assert last_reply(chat).endswith("I don't know nobody yet; they need to have used Coachbot once.")
    run(chat, "commitment share 1 @bo")
    assert last_reply(chat).endswith("That is you: your commitments are always yours to see.")
    run(chat, "commitment share 5 @mo")
    assert last_reply(chat).endswith("You have no commitment #5. `commitments` lists yours.")
    assert len(outbox_rows(core)) == sent
    with core.database.session() as session:
        assert len(session.scalars(select(CommitmentShare)).all()) == 1


def test_export_has_my_commitments_and_erasure_removes_them(chat: LocalChat, core: Coachbot) -> None:
    team(chat)
    run(chat, ":as bo", f'commit "{SECRETS["bo"]}" --by 2026-12-01', "commitment share 1 @mo")
    with core.database.session() as session:
        bo = session.scalars(select(Person).where(Person.platform_id == "bo")).one()
        exported = mydata.export(session, bo, library=core.library)
    assert [(c["number"], c["text"], c["status"]) for c in exported["commitments"]] == [
        (1, SECRETS["bo"], "open")
    ]
    run(chat, "privacy delete")
    assert "Deleted your 1 commitment." in last_reply(chat)
    with core.database.session() as session:
        assert session.scalars(select(Commitment)).all() == []
        assert session.scalars(select(CommitmentShare)).all() == []


def test_a_manager_sees_the_attainment_of_the_people_below_them_from_k(
    chat: LocalChat, core: Coachbot
) -> None:
    team(chat)
    run(chat, ":person max tz=America/New_York", ":as ada")
    with core.database.session() as session:
        found = {p.platform_id: p for p in session.scalars(select(Person))}
        for who in ("bo", "cy", "di"):
            relationships.add_reporting_line(session, person=found[who], manager=found["max"])
    for who in ("bo", "cy", "di"):
        run(chat, f":as {who}", f'commit "{SECRETS[who]}" --by 2026-11-24')
    run(chat, ":advance to 2026-11-25 12:00 America/New_York", ":as bo", "commitment drop 1")
    run(chat, ":as max", "status")
    assert "*People who report to you*: 0% of 3 commitments done or partly done when due, from 3 people" in (
        last_reply(chat)
    )
    assert all(text not in last_reply(chat) for text in SECRETS.values())
