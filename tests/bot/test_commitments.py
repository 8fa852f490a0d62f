"""Commitments in the check-in conversation (issue 10, section 1): a manager's check-in ends with a
commitment question, the next one opens with a follow-up (buttons and typed words) before its
questions, "not yet" carries it forward and the time after asks whether to drop it, and what was
kept counts in goal attainment.

The clock starts on Saturday 2026-11-21 12:00 UTC; the Mondays are 23 and 30 Nov, 7 Dec.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import CommitmentStatus
from storage.commitments import Commitment
from storage.models import Person
from tests.bot.conversation_kit import MONDAY_9, NY, edit, nudge_thread, on_both_backends, post, said
from tests.bot.test_engine_helpers import last_reply, org, received, run

core = on_both_backends  # every test here runs on SQLite and, when configured, PostgreSQL


def lead_cadence(chat: LocalChat, *, extra: str = "") -> None:
    """Mo leads team t; a weekly manager cadence `lead` of one question on Mondays at 09:00."""
    org(chat, {"mo": NY, "bo": NY})
    run(
        chat,
        "team create t --manager @mo",
        "team add t @bo",
        f'cadence add lead --team t --audience manager --every "weekly mon" --at 09:00 --questions 1 {extra}',
    )


def commitments_of(core: Coachbot, who: str) -> list[Commitment]:
    with core.database.session() as session:
        return list(
            session.scalars(
                select(Commitment)
                .join(Person, Person.id == Commitment.owner_id)
                .where(Person.platform_id == who)
                .order_by(Commitment.number)
            )
        )


def last_question(chat: LocalChat, who: str) -> str:
    return received(chat, who, "question")[-1].text


def test_a_commitment_is_followed_up_with_a_button_carried_forward_and_counted(
    chat: LocalChat, core: Coachbot
) -> None:
    lead_cadence(chat)
    run(chat, MONDAY_9, ":as mo", "> Shipping the beta")
    assert last_question(chat, "mo").startswith("*One last thing:* what will you do before your next")
    run(chat, "> Talk to Bo about his growth plan by Friday")
    [made] = commitments_of(core, "mo")
    assert (made.number, made.text, made.due, made.status) == (
        1,
        "Talk to Bo about his growth plan",
        date(2026, 11, 27),  # "by Friday" in Mo's zone
        CommitmentStatus.OPEN,
    )
    assert made.source_checkin_id is not None
    assert "Noted as commitment #1, due Nov 27, 2026." in received(chat, "mo", "notice")[-1].text
    assert "*Your commitment* (#1)" in received(chat, "mo", "thanks")[-1].text

    # A week later the check-in opens with the follow-up, and its question waits for the answer.
    run(chat, ":advance to 2026-11-30 09:00 America/New_York")
    assert "First, a look back at what you planned last time." in received(chat, "mo", "nudge")[-1].text
    followup = received(chat, "mo", "question")[-1]
    assert followup.text.startswith("Last time you planned:\n> Talk to Bo about his growth plan")
    assert list(followup.choices) == ["done", "partly", "not yet", "drop"]
    run(chat, ":press last 'not yet'")
    assert last_reply(chat).endswith(
        "Carried #1 forward to Dec 7, 2026. Next time I'll ask whether to keep it."
    )
    assert last_question(chat, "mo").startswith("*1/1*")  # only now the question
    run(chat, "> Hiring", "> Write the Q1 plan")
    first, second = commitments_of(core, "mo")
    assert (first.status, first.carried, first.due) == (CommitmentStatus.NOT_YET, 1, date(2026, 12, 7))
    assert (second.text, second.due) == ("Write the Q1 plan", date(2026, 12, 7))  # the next check-in

    # The time after, the carried one asks whether to drop it; both are followed up, one at a time.
    run(chat, ":advance to 2026-12-07 09:00 America/New_York")
    again = received(chat, "mo", "question")[-1]
    assert again.text.startswith("You planned this a while ago and it is still open:\n> Talk to Bo")
    assert list(again.choices) == ["done", "partly", "keep it", "drop"]
    run(chat, ":press last done")
    assert last_question(chat, "mo").startswith("Last time you planned:\n> Write the Q1 plan")
    run(chat, "> drop")  # a typed word works like the button
    assert last_question(chat, "mo").startswith("*1/1*")
    assert [c.status for c in commitments_of(core, "mo")] == [CommitmentStatus.DONE, CommitmentStatus.DROPPED]

    # Goal attainment: one of the two that came due was kept.
    run(chat, ":advance to 2026-12-08 10:00 America/New_York", "status")
    assert "Goal attainment: 1 of 2 commitments done or partly done when due (50%), last 90 days." in (
        last_reply(chat)
    )


def test_a_follow_up_takes_only_its_words_and_skip_leaves_it_open(chat: LocalChat, core: Coachbot) -> None:
    lead_cadence(chat)
    run(chat, MONDAY_9, ":as mo", "> Shipping the beta", "> Call the client")
    run(chat, ":advance to 2026-11-30 09:00 America/New_York")
    before = len(received(chat, "mo", "question"))
    run(chat, "> maybe later?")
    assert received(chat, "mo", "notice")[-1].text.startswith(
        "Before the questions, tell me how your commitment went"
    )
    assert len(received(chat, "mo", "question")) == before  # nothing moved on
    assert commitments_of(core, "mo")[0].status == CommitmentStatus.OPEN
    run(chat, "> skip")
    assert last_question(chat, "mo").startswith("*1/1*")
    assert commitments_of(core, "mo")[0].status == CommitmentStatus.OPEN
    # A button pressed later is a change of mind, and still counts.
    run(chat, ":press last done")
    assert commitments_of(core, "mo")[0].status == CommitmentStatus.DONE
    run(chat, ":press last done")
    assert last_reply(chat).endswith("#1 is already marked done.")


def test_german_words_answer_a_follow_up(chat: LocalChat, core: Coachbot) -> None:
    lead_cadence(chat)
    run(chat, ":person mo tz=America/New_York locale=de", ":as ada")
    run(chat, MONDAY_9, ":as mo", "> Beta ausliefern", "> Mit Bo reden bis Freitag")
    assert commitments_of(core, "mo")[0].due == date(2026, 11, 27)
    run(chat, ":advance to 2026-11-30 09:00 America/New_York")
    assert list(received(chat, "mo", "question")[-1].choices) == [
        "erledigt",
        "teilweise",
        "noch nicht",
        "verwerfen",
    ]
    run(chat, "> teilweise")
    assert commitments_of(core, "mo")[0].status == CommitmentStatus.PARTLY


def test_the_cadence_decides_whether_a_check_in_asks_for_a_commitment(
    chat: LocalChat, core: Coachbot
) -> None:
    lead_cadence(chat, extra="--commitment no")
    run(
        chat,
        'cadence add pulse --team t --audience members --every "weekly mon" --at 09:00 --questions 1',
        'cadence add plans --team t --audience members --every "weekly tue" --at 09:00 --questions 1'
        " --commitment yes",
        "cadence show plans",
    )
    assert "The members' check-ins end with a commitment question." in last_reply(chat)
    run(chat, MONDAY_9, ":as mo", "> fine", ":as bo", "> 4")
    for who in ("mo", "bo"):  # no commitment question: thanks come straight away
        assert received(chat, who, "thanks"), who
        assert not any("One last thing" in q.text for q in received(chat, who, "question"))
    run(chat, ":advance to 2026-11-24 09:00 America/New_York", ":as bo", "> 3")
    assert last_question(chat, "bo").startswith("*One last thing:*")
    run(chat, "skip")
    assert last_reply(chat).endswith("No commitment this time.")
    assert received(chat, "bo", "thanks") and commitments_of(core, "bo") == []


def test_commitment_commands_number_add_and_change_only_your_own(chat: LocalChat, core: Coachbot) -> None:
    lead_cadence(chat)
    run(chat, ":as bo", "commitments")
    assert "You have no commitments yet." in last_reply(chat)
    run(chat, 'commit "call the client" --by 2026-11-01')
    assert last_reply(chat).endswith(
        "Nov 1, 2026 has passed; name a day still to come, or leave the day out."
    )
    assert commitments_of(core, "bo") == []
    run(chat, 'commit "call the client" --by 2026-12-04', "commit read the design doc")
    assert [(c.number, c.due) for c in commitments_of(core, "bo")] == [
        (1, date(2026, 12, 4)),
        (2, date(2026, 11, 28)),  # a week from today
    ]
    run(chat, "commitment partly 2", "commitments")
    listing = "\n".join(line.strip() for line in last_reply(chat).splitlines())
    assert "*#1* · open · due Dec 4, 2026\n> call the client" in listing
    assert "*#2* · partly done\n> read the design doc" in listing
    run(chat, "commitment done 3")
    assert last_reply(chat).endswith("You have no commitment #3. `commitments` lists yours.")
    run(chat, ":as mo", "commitment done 1")  # Mo has no #1; Bo's is not Mo's to change
    assert last_reply(chat).endswith("You have no commitment #1. `commitments` lists yours.")
    assert commitments_of(core, "bo")[0].status == CommitmentStatus.OPEN


def test_a_commitment_added_by_hand_is_followed_up_by_the_next_check_in_after_it_is_due(
    chat: LocalChat, core: Coachbot
) -> None:
    lead_cadence(chat)
    run(chat, ":as mo", 'commit "prepare the offsite" --by 2026-11-25')
    run(chat, MONDAY_9)  # not due yet: the check-in starts with its question
    assert last_question(chat, "mo").startswith("*1/1*")
    run(chat, ":as mo", "> ok", "skip", ":advance to 2026-11-30 09:00 America/New_York")
    assert last_question(chat, "mo").startswith("Last time you planned:\n> prepare the offsite")


def test_editing_the_reply_rewrites_the_commitment(chat: LocalChat, core: Coachbot) -> None:
    lead_cadence(chat)
    run(chat, MONDAY_9, ":as mo", "> Shipping the beta")
    message_id, _ = post(chat, "mo", "Call the clinet by Friday", thread=nudge_thread(chat, "mo"))
    assert said(edit(chat, "mo", message_id, "Call the client by Friday")) == ["Updated commitment #1."]
    [commitment] = commitments_of(core, "mo")
    assert (commitment.text, commitment.due) == ("Call the client", date(2026, 11, 27))
    assert edit(chat, "bo", message_id, "Not mine") == []  # only its owner's edits reach it
    assert commitments_of(core, "mo")[0].text == "Call the client"
