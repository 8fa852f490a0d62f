"""What is said about commitments, in the person's language: the follow-up at the start of a
check-in, the commitment question at its end, the list, and a shared commitment.

Messages tied to a check-in go through the outbox with keys derived from the check-in and the
commitment, so replaying an event or a tick never asks twice.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot import outbox
from bot.domain import CommitmentStatus
from bot.i18n import N_, Tr, tr
from bot.messages import Choice, Choices, Para, Part, Quote
from storage.commitments import Commitment
from storage.models import Checkin, Person

CHOICE_PREFIX = "commitment:"
"""Button values of follow-ups: ``commitment:<id>:<status>`` (check-in buttons are ``<id>:<n>:<n>``)."""

STATUS_WORDS = {
    CommitmentStatus.OPEN: N_("open"),
    CommitmentStatus.DONE: N_("done"),
    CommitmentStatus.PARTLY: N_("partly done"),
    CommitmentStatus.NOT_YET: N_("not yet"),
    CommitmentStatus.DROPPED: N_("dropped"),
}

_BUTTONS = (
    (CommitmentStatus.DONE, N_("done")),
    (CommitmentStatus.PARTLY, N_("partly")),
    (CommitmentStatus.NOT_YET, N_("not yet")),
    (CommitmentStatus.DROPPED, N_("drop")),
)
_BUTTONS_AGAIN = (
    (CommitmentStatus.DONE, N_("done")),
    (CommitmentStatus.PARTLY, N_("partly")),
    (CommitmentStatus.NOT_YET, N_("keep it")),
    (CommitmentStatus.DROPPED, N_("drop")),
)
_TYPED = {
    "done": CommitmentStatus.DONE,
    "partly": CommitmentStatus.PARTLY,
    "partial": CommitmentStatus.PARTLY,
    "not yet": CommitmentStatus.NOT_YET,
    "keep": CommitmentStatus.NOT_YET,
    "keep it": CommitmentStatus.NOT_YET,
    "drop": CommitmentStatus.DROPPED,
    "drop it": CommitmentStatus.DROPPED,
}


def choice_value(commitment: Commitment, status: CommitmentStatus) -> str:
    return f"{CHOICE_PREFIX}{commitment.id}:{status.value}"


def read_choice(value: str) -> tuple[int, CommitmentStatus] | None:
    """``(commitment id, status)`` from a follow-up button's value; None for anything else."""
    _, _, rest = value.partition(CHOICE_PREFIX)
    ident, _, status = rest.partition(":")
    if not ident.isdigit() or status not in {s.value for s, _ in _BUTTONS}:
        return None
    return int(ident), CommitmentStatus(status)


def read_followup_word(text: str, t: Tr) -> CommitmentStatus | None:
    """A typed answer to a follow-up: the English words, or the buttons' words in the reader's language."""
    word = re.sub(r"\s+", " ", text.strip().strip(".!").lower())
    if word in _TYPED:
        return _TYPED[word]
    for status, label in (*_BUTTONS, *_BUTTONS_AGAIN):
        if word == t._(label).lower():
            return status
    return None


def status_word(t: Tr, status: CommitmentStatus) -> str:
    return t._(STATUS_WORDS[status])


def followup_parts(t: Tr, commitment: Commitment) -> tuple[Part, ...]:
    """ "Last time you planned: … — done · partly · not yet · drop", as buttons and typed words."""
    if commitment.carried == 0:
        return (
            Para(t._("Last time you planned:")),
            Quote(commitment.text),
            Para(t._("How did it go? Press a button, or reply `done`, `partly`, `not yet` or `drop`.")),
            Choices(tuple(Choice(t._(label), choice_value(commitment, s)) for s, label in _BUTTONS)),
        )
    return (
        Para(t._("You planned this a while ago and it is still open:")),
        Quote(commitment.text),
        Para(
            t._(
                "Done after all, or is it time to drop it? Press a button, or reply `done`, `partly`,"
                " `keep it` or `drop`."
            )
        ),
        Choices(tuple(Choice(t._(label), choice_value(commitment, s)) for s, label in _BUTTONS_AGAIN)),
    )


def ask_followup(
    session: Session,
    checkin: Checkin,
    person: Person,
    commitment: Commitment,
    *,
    now: datetime,
    not_before: datetime | None = None,
    fresh: bool = False,
) -> None:
    """Ask how a commitment went (``fresh``: the check-in was opened in this transaction)."""
    outbox.enqueue(
        session,
        key=f"followup:{checkin.id}:{commitment.id}:{commitment.carried}",
        person=person,
        kind="question",
        now=now,
        not_before=not_before,
        checkin=checkin,
        in_thread=True,
        parts=followup_parts(tr(person.locale), commitment),
        fresh=fresh,
    )


def ask_commitment(session: Session, checkin: Checkin, person: Person, *, now: datetime) -> None:
    """The question a check-in ends with when its cadence asks for a commitment."""
    t = tr(person.locale)
    parts = (
        Para(t._("*One last thing:* what will you do before your next check-in?")),
        Para(
            t._(
                '_Reply with one thing you commit to. It is due at your next check-in; add "by Friday"'
                ' or "by 2026-12-04" for another day. Only you see it. `skip` if nothing comes to mind._'
            )
        ),
    )
    outbox.enqueue(
        session,
        key=f"commit-q:{checkin.id}",
        person=person,
        kind="question",
        now=now,
        checkin=checkin,
        in_thread=True,
        parts=parts,
    )


def noted(t: Tr, commitment: Commitment) -> str:
    return t._(
        "Noted as commitment #{number}, due {due}. I'll ask you how it went; `commitments` lists yours.",
        number=commitment.number,
        due=t.date(commitment.due),
    )


def line(t: Tr, commitment: Commitment, today: date) -> str:
    """One commitment's number, status and due date (its text follows as a quote)."""
    if commitment.status in (CommitmentStatus.OPEN, CommitmentStatus.NOT_YET):
        if commitment.due < today:
            return t._(
                "*#{number}* · {status} · was due {due}",
                number=commitment.number,
                status=status_word(t, commitment.status),
                due=t.date(commitment.due),
            )
        return t._(
            "*#{number}* · {status} · due {due}",
            number=commitment.number,
            status=status_word(t, commitment.status),
            due=t.date(commitment.due),
        )
    return t._("*#{number}* · {status}", number=commitment.number, status=status_word(t, commitment.status))


def listing(t: Tr, commitments: list[Commitment], today: date) -> tuple[Part, ...]:
    if not commitments:
        return (
            Para(
                t._(
                    "You have no commitments yet. Check-ins that ask for one record it, or add one yourself:"
                    ' `commit "call the client" --by friday`.'
                )
            ),
        )
    parts: list[Part] = [Para(t._("*Your commitments* (only you see them)"))]
    for commitment in commitments:
        parts.append(Para(line(t, commitment, today)))
        parts.append(Quote(commitment.text))
    open_ones = [c.number for c in commitments if c.status == CommitmentStatus.OPEN]
    example = open_ones[0] if open_ones else commitments[0].number
    parts.append(
        Para(
            t._(
                "_`commitment done {n}`, `commitment partly {n}` or `commitment drop {n}` changes one._",
                n=example,
            )
        )
    )
    return tuple(parts)


def shared(t: Tr, owner: Person, commitment: Commitment) -> tuple[Part, ...]:
    """What the person a commitment is shared with receives: that one commitment, nothing else."""
    if commitment.status in (CommitmentStatus.OPEN, CommitmentStatus.NOT_YET):
        where = t._("It is due {due}.", due=t.date(commitment.due))
    else:
        where = t._("So far: {status}.", status=status_word(t, commitment.status))
    return (
        Para(t._("{name} shared a commitment with you:", name=owner.display_name)),
        Quote(commitment.text),
        Para(where),
    )
