"""The Slack endpoint as Slack sees it: signatures, retries, commands, buttons, modals, 429s, App Home."""

from __future__ import annotations

import json
import time

from sqlalchemy import func, select

from storage.models import Answer, InboundEvent
from tests.adapters.slack.conftest import Harness, Sleeps, sign
from tests.adapters.slack.fake_slack import Posted

HOSTILE = "<!channel> ping <@U999> and <http://evil.example|click me> & <!here>"


def org(slack: Harness) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True)
    slack.fake.add_user("UMARIA", name="Maria", tz="America/New_York")
    slack.fake.add_user("UBEN", name="Ben", tz="America/New_York")


async def manager_checkin(slack: Harness) -> Posted:
    """Maria's check-in, sent now with ``cadence run``; returns the nudge."""
    org(slack)
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        "team add atlas <@UBEN|ben>",
        'cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00 --questions 3',
        "cadence run lead",
    ):
        status, reply = await slack.command("UADA", line)
        assert status == 200, reply
    await slack.pump()
    nudges = slack.fake.nudges("UMARIA")
    assert len(nudges) == 1
    return nudges[0]


def inbound_count(slack: Harness) -> int:
    with slack.core.database.session() as session:
        return int(session.scalar(select(func.count()).select_from(InboundEvent)) or 0)


async def test_url_verification_echoes_the_challenge(slack: Harness) -> None:
    body = json.dumps(
        {
            "token": "t",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    ).encode()
    status, text = await slack.post(body, content_type="application/json")
    assert status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in text


async def test_forged_requests_are_refused_and_change_nothing(slack: Harness) -> None:
    org(slack)
    form = (
        b"team_id=T1&user_id=UADA&command=%2Fcoach"
        b"&text=team+create+x+--manager+%3C%40UBEN%3E&trigger_id=1.2.3"
    )
    cases = [
        sign(form, secret="wrong-secret"),
        sign(form, timestamp=int(time.time()) - 600),  # stale: replay of an old request
        {**sign(form), "X-Slack-Signature": "v0=" + "0" * 64},
        {},
    ]
    for headers in cases:
        status, _ = await slack.post(
            form, content_type="application/x-www-form-urlencoded", headers=headers, signed=False
        )
        assert status == 401
    # A body changed after signing is refused too.
    headers = sign(form)
    status, _ = await slack.post(
        form + b"x", content_type="application/x-www-form-urlencoded", headers=headers, signed=False
    )
    assert status == 401
    assert slack.fake.calls == []
    assert inbound_count(slack) == 0


async def test_retries_and_duplicate_event_ids_are_recorded_once(slack: Harness) -> None:
    nudge = await manager_checkin(slack)
    envelope_event = {
        "type": "message",
        "channel": "DUMARIA",
        "channel_type": "im",
        "user": "UMARIA",
        "text": "Hiring plan",
        "ts": "1764100000.000001",
        "thread_ts": nudge.ts,
    }
    assert await slack.event(envelope_event, event_id="EvSAME") == 200
    for retry in ("1", "2"):
        headers = {"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        assert await slack.event(envelope_event, event_id="EvSAME", headers=headers) == 200
    with slack.core.database.session() as session:
        assert [a.text for a in session.scalars(select(Answer))] == ["Hiring plan"]
    # The next question was asked once, not once per delivery.
    in_thread = [p for p in slack.fake.dm("UMARIA") if p.thread_ts == nudge.ts]
    assert len([p for p in in_thread if "2/3" in p.all_text()]) == 1


async def test_slash_command_replies_privately(slack: Harness) -> None:
    org(slack)
    status, reply = await slack.command("UBEN", "status")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"]
    assert [c.args["user"] for c in slack.fake.called("users.info")] == ["UBEN"]
    # The slash command may be renamed in the workspace; it still works.
    status, reply = await slack.command("UBEN", "help", command="/coachbot")
    assert status == 200 and "cadence" in reply["text"]


async def test_admin_commands_refuse_non_admins(slack: Harness) -> None:
    org(slack)
    status, reply = await slack.command("UBEN", "team create rogue --manager <@UBEN|ben>")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "admin" in reply["text"].lower()
    _, listing = await slack.command("UADA", "team list")
    assert "rogue" not in listing["text"]
    # Workspace admins from users.info are Coachbot admins.
    _, reply = await slack.command("UADA", "team create real --manager <@UMARIA|maria>")
    _, listing = await slack.command("UADA", "team list")
    assert "real" in listing["text"]


async def test_thread_replies_are_answers_and_edits_update_them(slack: Harness) -> None:
    nudge = await manager_checkin(slack)
    ts = await slack.dm("UMARIA", "First draft", thread=nudge.ts)
    await slack.edit("UMARIA", ts, "First draft", "Final answer", thread=nudge.ts)
    with slack.core.database.session() as session:
        assert [a.text for a in session.scalars(select(Answer))] == ["Final answer"]


async def test_bot_messages_joins_and_unfurls_are_ignored(slack: Harness) -> None:
    nudge = await manager_checkin(slack)
    posted_before = len(slack.fake.posted)
    base = {"channel": "DUMARIA", "channel_type": "im", "thread_ts": nudge.ts}
    for event in (
        {**base, "type": "message", "subtype": "bot_message", "bot_id": "B9", "text": "hi", "ts": "1.1"},
        {**base, "type": "message", "user": "UBOT", "bot_id": "BBOT", "text": "my own", "ts": "1.2"},
        {
            **base,
            "type": "message",
            "subtype": "channel_join",
            "user": "UMARIA",
            "text": "joined",
            "ts": "1.3",
        },
        {
            **base,
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "ts": "1.4",
            "previous_message": {"user": "UMARIA", "text": "x", "ts": "1.0"},
        },
        {
            **base,
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "ts": "1.5",
            "message": {"user": "UMARIA", "text": "same", "ts": "1.0", "attachments": [{"id": 1}]},
            "previous_message": {"user": "UMARIA", "text": "same", "ts": "1.0"},
        },
    ):
        assert await slack.event(event) == 200
    with slack.core.database.session() as session:
        assert list(session.scalars(select(Answer))) == []
    assert len(slack.fake.posted) == posted_before


async def test_rating_button_records_the_answer_and_shows_the_choice(slack: Harness) -> None:
    nudge = await manager_checkin(slack)
    await slack.dm("UMARIA", "Hiring plan", thread=nudge.ts)
    await slack.dm("UMARIA", "Reporting", thread=nudge.ts)
    rating = [p for p in slack.fake.dm("UMARIA") if p.thread_ts == nudge.ts][-1]
    assert any(b["type"] == "actions" for b in rating.blocks), (
        "the second manager question should be a rating"
    )
    assert await slack.click("UMARIA", rating, label="4") == 200
    with slack.core.database.session() as session:
        assert sorted(a.text for a in session.scalars(select(Answer))) == ["4", "Hiring plan", "Reporting"]
    [update] = slack.fake.called("chat.update")
    assert update.args["ts"] == rating.ts and update.args["channel"] == "DUMARIA"
    assert "Your answer: *4*" in json.dumps(update.blocks())
    assert not [b for b in update.blocks() if b["type"] == "actions"]


async def test_unknown_action_gets_a_deliberate_404(slack: Harness) -> None:
    status, _ = await slack.interact(
        {
            "type": "block_actions",
            "user": {"id": "UBEN"},
            "team": {"id": "T1"},
            "actions": [{"action_id": "not_ours", "block_id": "b", "type": "button"}],
            "trigger_id": "1.1.1",
        }
    )
    assert status == 404


async def test_user_text_echoed_back_cannot_ping_or_link(slack: Harness) -> None:
    nudge = await manager_checkin(slack)
    await slack.dm("UMARIA", HOSTILE, thread=nudge.ts)
    await slack.dm("UMARIA", "fine", thread=nudge.ts)
    rating = [p for p in slack.fake.dm("UMARIA") if p.thread_ts == nudge.ts][-1]
    await slack.click("UMARIA", rating, label="3")
    await slack.dm("UMARIA", HOSTILE, thread=nudge.ts)  # the commitment question: echoed back too
    thanks = [p for p in slack.fake.dm("UMARIA") if p.thread_ts == nudge.ts][-1]
    shown = json.dumps(thanks.blocks) + thanks.text
    assert "ping" in shown, "the thanks message shows the answers"
    for raw in ("<!channel>", "<@U999>", "<http://evil.example|click me>", "<!here>"):
        assert raw not in shown
    assert "&lt;!channel&gt;" in shown and "&lt;@U999&gt;" in shown and "&amp;" in shown
    assert all(b["text"].get("verbatim") for b in thanks.blocks if b["type"] == "section")


async def test_rate_limited_posts_wait_and_are_sent_once(slack: Harness, sleeps: Sleeps) -> None:
    slack.fake.rate_limit("chat.postMessage", 2)
    nudge = await manager_checkin(slack)
    limited = [c for c in slack.fake.calls if c.method == "chat.postMessage" and c.status == 429]
    assert len(limited) == 2
    assert len(sleeps) >= 2 and all(1.0 <= s < 1.2 for s in sleeps[:2])
    texts = [p.text for p in slack.fake.dm("UMARIA")]
    assert len(texts) == len(set(texts)), "nothing was posted twice"
    assert nudge.text


async def test_rate_limit_that_persists_goes_back_to_the_outbox(slack: Harness, clock) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    slack.fake.rate_limit("chat.postMessage", 4, retry_after="30")  # more than the 3 retries
    org(slack)
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        'cadence add lead --team atlas --audience manager --every "weekly mon" --at 09:00',
        "cadence run lead",
    ):
        await slack.command("UADA", line)
    await slack.pump()
    assert slack.fake.dm("UMARIA") == []
    clock.advance(timedelta(seconds=31))
    await slack.pump()
    assert len(slack.fake.nudges("UMARIA")) == 1


async def test_cadence_add_without_arguments_opens_a_modal(slack: Harness) -> None:
    org(slack)
    status, reply = await slack.command("UADA", "cadence add")
    assert status == 200
    assert reply.get("raw", "") == "" or not reply.get("text")
    [opened] = slack.fake.called("views.open")
    assert opened.view()["callback_id"] == "coach_cadence_add"
    assert opened.args["trigger_id"].endswith(".trigger")
    # Not for non-admins: they get the usage line instead.
    _, reply = await slack.command("UBEN", "cadence add")
    assert len(slack.fake.called("views.open")) == 1
    assert reply["text"]


def submission(values: dict[str, str]) -> dict[str, object]:
    state: dict[str, dict[str, dict[str, object]]] = {}
    for block, value in values.items():
        if block in ("audience", "anonymous"):
            element: dict[str, object] = {"type": "static_select", "selected_option": {"value": value}}
        elif block == "at":
            element = {"type": "timepicker", "selected_time": value}
        else:
            element = {"type": "plain_text_input", "value": value}
        state[block] = {block: element}
    return {
        "type": "view_submission",
        "team": {"id": "T1"},
        "user": {"id": "UADA", "team_id": "T1"},
        "api_app_id": "A1",
        "trigger_id": "9.9.view",
        "view": {
            "id": "V1",
            "type": "modal",
            "callback_id": "coach_cadence_add",
            "private_metadata": "{}",
            "state": {"values": state},
            "hash": "h1",
        },
    }


async def test_modal_shows_field_errors_then_creates_the_cadence(slack: Harness) -> None:
    org(slack)
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    good = {"name": "pulse", "team": "atlas", "audience": "members", "every": "weekly mon", "at": "09:00"}
    status, body = await slack.interact(submission({**good, "every": "fortnightly-ish"}))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["every"]
    status, body = await slack.interact(submission({**good, "name": ""}))
    assert json.loads(body)["errors"] == {"name": "Required."}
    _, listing = await slack.command("UADA", "cadence list")
    assert "pulse" not in listing["text"]

    status, body = await slack.interact(submission(good))
    assert status == 200 and body in ("", "{}")
    _, listing = await slack.command("UADA", "cadence list")
    assert "pulse" in listing["text"]
    assert slack.fake.dm("UADA"), "the outcome is sent to the admin by DM"


async def test_app_home_shows_the_persons_view(slack: Harness) -> None:
    await manager_checkin(slack)
    assert (
        await slack.event({"type": "app_home_opened", "user": "UMARIA", "channel": "DUMARIA", "tab": "home"})
        == 200
    )
    [published] = slack.fake.called("views.publish")
    assert published.args["user_id"] == "UMARIA"
    view = published.view()
    assert view["type"] == "home"
    text = json.dumps(view)
    assert "Your open check-ins" in text and "lead" in text
    assert "coach_home_export" in text
    assert "Cadences at a glance" not in text  # Maria is not an admin
    await slack.event({"type": "app_home_opened", "user": "UADA", "channel": "DUADA", "tab": "home"})
    assert "Cadences at a glance" in json.dumps(slack.fake.called("views.publish")[-1].view())
    # The messages tab is not the Home tab: nothing to publish.
    await slack.event({"type": "app_home_opened", "user": "UADA", "channel": "DUADA", "tab": "messages"})
    assert len(slack.fake.called("views.publish")) == 2


async def test_home_privacy_button_answers_by_dm(slack: Harness) -> None:
    org(slack)
    payload = {
        "type": "block_actions",
        "user": {"id": "UBEN", "team_id": "T1"},
        "team": {"id": "T1"},
        "trigger_id": "5.5.home",
        "container": {"type": "view", "view_id": "V1"},
        "actions": [
            {
                "action_id": "coach_home_show",
                "block_id": "coach_home_privacy",
                "type": "button",
                "value": "privacy",
                "action_ts": "1.1",
            }
        ],
    }
    status, _ = await slack.interact(payload)
    assert status == 200
    assert slack.fake.dm("UBEN"), "privacy summary sent by DM"
    assert slack.fake.called("views.publish"), "home refreshed"


async def test_user_change_refreshes_the_time_zone(slack: Harness) -> None:
    org(slack)
    await slack.command("UBEN", "status")
    user = dict(slack.fake.users["UBEN"], tz="Asia/Tokyo")
    assert await slack.event({"type": "user_change", "user": user}) == 200
    assert len(slack.fake.called("users.info")) == 1, "the event carries the profile; no extra lookup"
    _status, reply = await slack.command("UBEN", "privacy")
    assert "Asia/Tokyo" in reply["text"]


async def test_team_bound_to_a_channel_follows_its_members(slack: Harness) -> None:
    org(slack)
    slack.fake.add_user("UNEW", name="Newbie", tz="Europe/Paris")
    slack.fake.channels["CTEAM"] = ["UBEN", "UBOT"]
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    status, reply = await slack.command("UADA", "team bind atlas <#CTEAM|team-atlas>")
    assert status == 200, reply
    _, shown = await slack.command("UADA", "team show atlas")
    assert "Ben" in shown["text"] and "Newbie" not in shown["text"]
    slack.fake.channels["CTEAM"] = ["UBEN", "UNEW", "UBOT"]
    await slack.event(
        {"type": "member_joined_channel", "user": "UNEW", "channel": "CTEAM", "channel_type": "C"}
    )
    _, shown = await slack.command("UADA", "team show atlas")
    assert "Newbie" in shown["text"]
    assert any(c.args.get("channel") == "CTEAM" for c in slack.fake.called("conversations.members"))


async def test_team_bound_to_a_user_group_follows_its_members(slack: Harness) -> None:
    org(slack)
    slack.fake.add_user("UNEW", name="Newbie", tz="Europe/Paris")
    slack.fake.usergroups["SATLAS"] = ["UBEN"]
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    status, reply = await slack.command("UADA", "team bind atlas <!subteam^SATLAS|@atlas-team>")
    assert status == 200, reply
    _, shown = await slack.command("UADA", "team show atlas")
    assert "Ben" in shown["text"] and "Newbie" not in shown["text"]
    # Someone edits the group in Slack: Ben leaves, Newbie joins; the team follows.
    slack.fake.usergroups["SATLAS"] = ["UNEW"]
    changed = {
        "type": "subteam_members_changed",
        "subteam_id": "SATLAS",
        "team_id": "T1",
        "date_previous_update": 1764000000,
        "date_update": 1764000100,
        "added_users": ["UNEW"],
        "added_users_count": "1",
        "removed_users": ["UBEN"],
        "removed_users_count": "1",
    }
    assert await slack.event(changed) == 200
    _, shown = await slack.command("UADA", "team show atlas")
    assert "Newbie" in shown["text"] and "Ben" not in shown["text"]
    lookups = slack.fake.called("usergroups.users.list")
    assert lookups and {c.args["usergroup"] for c in lookups} == {"SATLAS"}
    # A change to a group no team follows costs no lookup.
    assert await slack.event({**changed, "subteam_id": "SOTHER", "added_users": ["UBEN"]}) == 200
    assert len(slack.fake.called("usergroups.users.list")) == len(lookups)


async def digest_for_maria(slack: Harness, clock, *, answering: int) -> None:  # type: ignore[no-untyped-def]
    """Six members get the pulse now; ``answering`` reply (one with hostile text); the window closes."""
    from datetime import UTC, datetime, timedelta

    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=UTC))  # a Monday: welcomes go out at once
    org(slack)
    members = [f"UM{i}" for i in range(6)]
    for i, user in enumerate(members):
        slack.fake.add_user(user, name=f"Member{i}", tz="Europe/London")
    mentions = " ".join(f"<@{u}|m{u}>" for u in members)
    for line in (
        "team create atlas --manager <@UMARIA|maria>",
        f"team add atlas {mentions}",
        'cadence add pulse --team atlas --audience members --every "weekly mon" --at 09:00 --window 1d',
        "cadence run pulse",
    ):
        status, reply = await slack.command("UADA", line)
        assert status == 200, reply
    await slack.pump()
    for i, user in enumerate(members[:answering]):
        [nudge] = slack.fake.nudges(user)
        await slack.dm(user, "4", thread=nudge.ts)
        await slack.dm(user, HOSTILE if i == 0 else f"Comment number {i}", thread=nudge.ts)
    clock.advance(timedelta(hours=30))  # windows closed; 11:00 for Maria in New York, outside quiet hours
    await slack.pump()
    assert [p for p in slack.fake.dm("UMARIA") if "pulse" in p.all_text()], "the digest went to Maria"


async def home_of(slack: Harness, user: str) -> str:
    assert (
        await slack.event({"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"})
        == 200
    )
    published = slack.fake.called("views.publish")[-1]
    assert published.args["user_id"] == user
    return json.dumps(published.view())


async def test_app_home_shows_a_manager_their_latest_digest(slack: Harness, clock) -> None:  # type: ignore[no-untyped-def]
    await digest_for_maria(slack, clock, answering=5)
    home = await home_of(slack, "UMARIA")
    assert "Your latest digests" in home and "pulse" in home
    assert "5 of 6 people answered" in home
    assert "Comment number 2" in home
    for name in ("Member", "UM0", "UM1"):
        assert name not in home, "aggregates only, no names"
    for raw in ("<!channel>", "<@U999>", "<http://evil.example|click me>", "<!here>"):
        assert raw not in home, "people's text cannot ping or link from the Home tab"
    # Members are not managers: no digests on their Home.
    assert "Your latest digests" not in await home_of(slack, "UM1")


async def test_app_home_digest_below_the_threshold_shows_no_answers(slack: Harness, clock) -> None:  # type: ignore[no-untyped-def]
    await digest_for_maria(slack, clock, answering=2)
    home = await home_of(slack, "UMARIA")
    assert "Your latest digests" in home and "pulse" in home
    assert "Fewer than 5 people answered" in home
    assert "Comment number 1" not in home and "ping" not in home
