"""Issue 7's cross-platform promises, through Slack: signed requests in, a fake Slack Web API out.

(1) a lowered K never releases a run's answers; (3) `privacy delete` rewrites a digest that quoted
the person by name (chat.update); (5) a reply in a digest's thread is not an answer; (6) `skip` in a
check-in thread skips the question; (15) a Slack user whose locale is German reads German.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.clock import ManualClock
from storage.models import Answer
from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.fake_slack import Posted
from tests.i18n_check import untranslated

MEMBERS = [f"UM{i}" for i in range(6)]
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def team(slack: Harness, clock: ManualClock, *, cadence: str, locale: str = "en-US") -> None:
    """Ada (admin), Maria (manager, New York) and six members in London, on a Monday morning."""
    clock.set(MONDAY)
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    slack.fake.add_user("UMARIA", name="Maria", tz="America/New_York")
    for i, user in enumerate(MEMBERS):
        slack.fake.add_user(user, name=f"Member{i}", tz="Europe/London", locale=locale)
    mentions = " ".join(f"<@{u}|m{u}>" for u in MEMBERS)
    for line in ("team create atlas --manager <@UMARIA|maria>", f"team add atlas {mentions}", cadence):
        status, reply = await slack.command("UADA", line)
        assert status == 200, reply


async def run_pulse(slack: Harness) -> None:
    assert (await slack.command("UADA", "cadence run pulse"))[0] == 200
    await slack.pump()


def nudge(slack: Harness, user: str) -> Posted:
    [found] = slack.fake.nudges(user)
    return found


async def answer_all(slack: Harness, user: str, comment: str) -> None:
    thread = nudge(slack, user).ts
    for reply in ("4", comment, "5"):
        await slack.dm(user, reply, thread=thread)


def answers(slack: Harness) -> list[str]:
    with slack.core.database.session() as session:
        return [a.text for a in session.scalars(select(Answer))]


async def close_windows(slack: Harness, clock: ManualClock) -> None:
    clock.advance(timedelta(hours=30))  # past every window; 16:00 UTC is 11:00 for Maria
    await slack.pump()


def digests(slack: Harness) -> list[Posted]:
    return [p for p in slack.fake.dm("UMARIA") if p.thread_ts is None and "pulse" in p.all_text()]


PULSE = 'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --window 1d'


async def test_1_a_lowered_threshold_does_not_release_a_runs_answers(
    slack: Harness, clock: ManualClock
) -> None:
    await team(slack, clock, cadence=PULSE)
    await run_pulse(slack)
    for i, user in enumerate(MEMBERS[:3]):
        await answer_all(slack, user, f"Secret comment {i}")
    status, reply = await slack.command("UADA", "threshold 3")  # after the nudges promised K=5
    assert status == 200, reply
    await close_windows(slack, clock)
    [digest] = digests(slack)
    body = digest.all_text()
    assert "Secret comment" not in body
    assert "Average" not in body


async def test_3_privacy_delete_rewrites_a_digest_that_quoted_them(
    slack: Harness, clock: ManualClock
) -> None:
    await team(slack, clock, cadence=PULSE + " --anonymous no")
    await run_pulse(slack)
    for i, user in enumerate(MEMBERS[:5]):
        await answer_all(slack, user, f"Named comment {i}")
    await close_windows(slack, clock)
    [digest] = digests(slack)
    assert "Member0" in digest.all_text() and "Named comment 0" in digest.all_text()
    status, _ = await slack.command("UM0", "privacy delete")
    assert status == 200
    await slack.pump()
    assert [c for c in slack.fake.called("chat.update") if c.args.get("ts") == digest.ts]
    rewritten = slack.fake.message(digest.ts).all_text()
    assert "Named comment 0" not in rewritten and "Member0" not in rewritten
    assert "Named comment 1" in rewritten  # the others' words stay


async def test_5_a_reply_in_a_digests_thread_is_not_an_answer(slack: Harness, clock: ManualClock) -> None:
    await team(slack, clock, cadence=PULSE)
    await run_pulse(slack)
    for i, user in enumerate(MEMBERS[:5]):
        await answer_all(slack, user, f"Comment {i}")
    await close_windows(slack, clock)
    # Maria has a check-in of her own open when she thanks the team in the digest's thread.
    lead = 'cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00'
    assert (await slack.command("UADA", lead))[0] == 200
    assert (await slack.command("UADA", "cadence run lead"))[0] == 200
    await slack.pump()
    before = answers(slack)
    [digest] = digests(slack)
    await slack.dm("UMARIA", "thanks all", thread=digest.ts)
    await slack.pump()
    assert answers(slack) == before
    assert "thanks all" not in answers(slack)


async def test_6_skip_in_a_checkin_thread_skips_the_question(slack: Harness, clock: ManualClock) -> None:
    await team(slack, clock, cadence=PULSE)
    await run_pulse(slack)
    thread = nudge(slack, "UM0").ts
    await slack.dm("UM0", "skip", thread=thread)
    await slack.pump()
    assert "skip" not in answers(slack)
    questions = [p for p in slack.fake.thread(thread) if p.all_text().lstrip("*").startswith("2/3")]
    assert questions, [p.all_text()[:60] for p in slack.fake.thread(thread)]


async def test_15_a_german_slack_user_gets_nudge_and_questions_in_german(
    slack: Harness, clock: ManualClock
) -> None:
    await team(slack, clock, cadence=PULSE, locale="de-DE")
    await run_pulse(slack)
    thread = nudge(slack, "UM0").ts
    first = nudge(slack, "UM0").all_text()
    assert "Zeit für *pulse*" in first and "kurze Fragen" in first, first
    for english in ("Time for", "Reply to", "questions", "from 1 to 5"):
        assert english not in first
    [question] = slack.fake.thread(thread)
    assert "von 1 bis 5" in question.all_text(), question.all_text()


async def test_15_every_word_a_pseudo_locale_user_reads_passed_a_catalog(
    slack: Harness, clock: ManualClock, pseudo_locale: str
) -> None:
    await team(slack, clock, cadence=PULSE, locale=pseudo_locale)
    await run_pulse(slack)
    user = "UM0"
    thread = nudge(slack, user).ts
    await slack.dm(user, "4", thread=thread)
    await slack.dm(user, "More focus time", thread=thread)
    texts: list[str] = []
    for posted in slack.fake.dm(user):
        texts.append(posted.text)
        for block in posted.blocks:
            for element in block.get("elements") or []:
                if element.get("type") == "button":
                    texts.append(element["text"]["text"])
    assert texts and untranslated(texts) == []
