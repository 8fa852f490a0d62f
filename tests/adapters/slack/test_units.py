"""Pure pieces of the Slack adapter: settings, Block Kit rendering, payload translation."""

from __future__ import annotations

import pytest

from adapters.kit import ConfigError
from adapters.server import load_env
from adapters.slack.render import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    escape,
    message_payload,
    message_payloads,
    render_parts,
)
from adapters.slack.settings import Mode, from_env
from adapters.slack.translate import command_event, message_event, profile_event
from bot.events import MessageEdited, MessagePosted
from bot.i18n import tr
from bot.messages import Choice, Choices, Para, Quote

EN = tr("en")
BASE = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_no_slack_settings_means_no_slack() -> None:
    assert from_env({"PORT": "3000", "MICROSOFT_APP_ID": "x"}) is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
        ({**BASE, "SLACK_BOT_TOKEN": "xoxp-user"}, "SLACK_BOT_TOKEN"),
        ({**BASE, "SLACK_APP_TOKEN": "xoxb-wrong"}, "SLACK_APP_TOKEN"),
        ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({**BASE, "SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_SECRET": "x"}, "SLACK_CLIENT_ID"),
        ({**BASE, "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}, "SLACK_BOT_TOKEN"),
        ({**BASE, "SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"),
        ({**BASE, "SLACK_SCOPES": "chat:write"}, "SLACK_SCOPES"),
        ({**BASE, "SLACK_MAX_MESSAGES_PER_SECOND": "fast"}, "SLACK_MAX_MESSAGES_PER_SECOND"),
    ],
)
def test_inconsistent_settings_stop_startup_with_one_line(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as info:
        from_env(env)
    message = str(info.value)
    assert named in message and "\n" not in message


def test_settings_modes() -> None:
    http = from_env({**BASE, "SLACK_API_URL": "http://127.0.0.1:9/api"})
    assert http is not None and http.mode is Mode.HTTP and http.api_url == "http://127.0.0.1:9/api/"
    socket = from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket is not None and socket.mode is Mode.SOCKET
    oauth = from_env(
        {
            "SLACK_SIGNING_SECRET": "s",
            "SLACK_CLIENT_ID": "1",
            "SLACK_CLIENT_SECRET": "2",
            "SLACK_SCOPES": "chat:write, commands",
        }
    )
    assert oauth is not None and oauth.mode is Mode.OAUTH and oauth.scope_list == ["chat:write", "commands"]


def test_the_environment_wins_over_the_dotenv_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """``coachbot serve`` reads ``.env`` in the working directory; a variable set in the process wins."""
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=file-secret\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "env-wins")
    from_file = from_env(load_env())
    assert from_file is not None
    assert (from_file.bot_token, from_file.signing_secret) == ("xoxb-from-file", "env-wins")


def test_escape_neutralises_mentions_links_and_broadcasts() -> None:
    assert (
        escape("<!channel> <@U1> <http://x|y> a&b")
        == "&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; a&amp;b"
    )
    payload = message_payload((Para("Team *<!here>*"), Quote("<!channel>\n<@U2|boss>")), t=EN)
    blob = str(payload)
    assert "<!" not in blob and "<@" not in blob
    assert "&gt; &lt;!channel&gt;" in payload["blocks"][1].text.text  # a block quote, escaped
    assert all(block.text.verbatim for block in payload["blocks"])


def test_long_text_is_split_and_too_many_blocks_truncated_with_a_note() -> None:
    long = "word " * 2000 + "&" * 10
    blocks = render_parts((Quote(long),), t=EN)
    assert len(blocks) > 1 and all(len(b.text.text) <= SECTION_LIMIT for b in blocks)
    assert "".join(b.text.text for b in blocks).count("&amp;") == 10  # no entity cut in half
    many = render_parts(tuple(Para(f"line {i}") for i in range(80)), t=EN)
    assert len(many) == MAX_BLOCKS
    assert "shortened to fit Slack's limits" in many[-1].elements[0].text


def test_a_message_too_long_for_slack_is_split_never_cut() -> None:
    lines = tuple(Para(f"line {i}") for i in range(130))
    payloads = message_payloads(lines, t=EN)
    assert [len(p["blocks"]) for p in payloads] == [50, 50, 31]
    assert "continued in the thread" in payloads[0]["blocks"][-1].elements[0].text
    shown = [b.text.text for p in payloads for b in p["blocks"] if hasattr(b, "text") and b.text]
    assert shown == [f"line {i}" for i in range(130)]  # every line, once, in order
    assert len(message_payloads(lines[:50], t=EN)) == 1
    german = message_payloads(lines, t=tr("de"))[0]["blocks"][-1].elements[0].text
    assert "Thread" in german and "continued" not in german


def test_choices_become_buttons_carrying_the_core_value() -> None:
    [actions] = render_parts((Choices(tuple(Choice(str(n), f"7:2:{n}") for n in range(1, 6))),), t=EN)
    data = actions.to_dict()
    assert [e["value"] for e in data["elements"]] == [f"7:2:{n}" for n in range(1, 6)]
    assert len({e["action_id"] for e in data["elements"]}) == 5
    assert data["block_id"].startswith("coach_choices")


def envelope(event: dict[str, object]) -> dict[str, object]:
    return {"team_id": "T1", "event_id": "Ev1", "type": "event_callback", "event": event}


def test_messages_in_dm_and_threads_are_answers_the_rest_is_ignored() -> None:
    dm = message_event(
        envelope(
            {
                "type": "message",
                "channel": "D1",
                "channel_type": "im",
                "user": "U1",
                "text": "hi",
                "ts": "1.1",
            }
        ),
        bot_user_id="UBOT",
    )
    assert isinstance(dm, MessagePosted) and dm.direct and dm.thread is None and dm.event_id == "Ev1"
    threaded = message_event(
        envelope(
            {
                "type": "message",
                "channel": "C1",
                "channel_type": "channel",
                "user": "U1",
                "text": "x",
                "ts": "1.2",
                "thread_ts": "1.0",
            }
        ),
        bot_user_id="UBOT",
    )
    assert isinstance(threaded, MessagePosted) and not threaded.direct and threaded.thread == "1.0"
    parent = message_event(
        envelope(
            {
                "type": "message",
                "channel": "D1",
                "channel_type": "im",
                "user": "U1",
                "text": "x",
                "ts": "1.0",
                "thread_ts": "1.0",
            }
        ),
        bot_user_id="UBOT",
    )
    assert isinstance(parent, MessagePosted) and parent.thread is None
    ignored = [
        {"type": "message", "channel": "C1", "channel_type": "channel", "user": "U1", "text": "x", "ts": "1"},
        {"type": "message", "channel": "D1", "channel_type": "im", "user": "UBOT", "text": "x", "ts": "1"},
        {"type": "message", "channel": "D1", "channel_type": "im", "bot_id": "B1", "text": "x", "ts": "1"},
        {
            "type": "message",
            "subtype": "channel_join",
            "channel": "D1",
            "channel_type": "im",
            "user": "U1",
            "ts": "1",
        },
        {"type": "message", "subtype": "message_deleted", "channel": "D1", "channel_type": "im", "ts": "1"},
    ]
    for event in ignored:
        assert message_event(envelope(event), bot_user_id="UBOT") is None, event


def test_message_changed_is_an_edit_unless_nothing_changed() -> None:
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": "D1",
        "hidden": True,
        "message": {"user": "U1", "text": "new", "ts": "1.1"},
        "previous_message": {"text": "old"},
    }
    event = message_event(envelope(edit), bot_user_id=None)
    assert isinstance(event, MessageEdited) and (event.message_id, event.text) == ("1.1", "new")
    unfurl = {**edit, "previous_message": {"text": "new"}}
    assert message_event(envelope(unfurl), bot_user_id=None) is None


def test_command_and_profile_translation() -> None:
    command = command_event({"team_id": "T1", "user_id": "U1", "text": " team list ", "trigger_id": "t1"})
    assert (command.text, command.event_id, command.actor.workspace) == ("team list", "cmd:t1", "T1")
    profile = profile_event(
        "T1",
        {
            "id": "U1",
            "tz": "Asia/Kolkata",
            "tz_offset": 19800,
            "locale": "fr-FR",
            "is_owner": True,
            "profile": {"display_name": "", "real_name": "Ana"},
        },
    )
    assert profile is not None
    assert (profile.timezone, profile.locale, profile.platform_admin, profile.display_name) == (
        "Asia/Kolkata",
        "fr-FR",
        True,
        "Ana",
    )
    assert profile_event("T1", {"id": "B1", "is_bot": True}) is None
