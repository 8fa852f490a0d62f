"""The pure pieces: settings, activity reading, card rendering, reference storage, the package."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference

from adapters.kit import ConfigError
from adapters.teams import activities as A
from adapters.teams import cards, configure, references
from adapters.teams.package import PackageError, build_package, color_icon, outline_icon
from adapters.teams.settings import TeamsSettings, from_env
from bot.messages import Choice, Choices, Para, Quote
from storage.db import open_database
from tests.adapters.teams.fakes import APP_ID

BOT = "28:bot"


def activity(**fields: object) -> Activity:
    base: dict[str, object] = {
        "type": "message",
        "id": "1:a",
        "channelId": "msteams",
        "from": {"id": "29:ann", "name": "Ann", "aadObjectId": "aad-ann"},
        "recipient": {"id": BOT, "name": "Coachbot"},
        "conversation": {"id": "a:chat", "conversationType": "personal", "tenantId": "t1"},
    }
    base.update(fields)
    return Activity().deserialize(base)


# -- settings ----------------------------------------------------------------------------------------


def test_no_teams_variable_means_not_configured() -> None:
    assert from_env({"SLACK_BOT_TOKEN": "x", "COACHBOT_ADMINS": "29:a"}) is None
    assert configure(None, {}) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"MICROSOFT_APP_PASSWORD": "p"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": APP_ID}, "MICROSOFT_APP_PASSWORD"),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "Nope"},
            "MICROSOFT_APP_TYPE",
        ),
        (
            {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "SingleTenant"},
            "MICROSOFT_APP_TENANT_ID",
        ),
        ({"MICROSOFT_APP_TYPE": "MultiTenant"}, "COACHBOT_TEAMS_INSECURE_DEV"),
    ],
)
def test_inconsistent_settings_name_the_variable(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named) as raised:
        from_env(env)
    assert "\n" not in str(raised.value)
    with pytest.raises(ConfigError, match=named):
        configure(None, env)  # type: ignore[arg-type]


def test_settings_read_admins_and_dev_flag() -> None:
    settings = from_env({"COACHBOT_TEAMS_INSECURE_DEV": "1", "COACHBOT_ADMINS": "29:a, aad-b;29:c"})
    assert settings is not None and not settings.auth_enabled
    assert settings.admins == frozenset({"29:a", "aad-b", "29:c"})
    single = from_env(
        {
            "MICROSOFT_APP_ID": APP_ID,
            "MICROSOFT_APP_PASSWORD": "p",
            "MICROSOFT_APP_TYPE": "singletenant",
            "MICROSOFT_APP_TENANT_ID": "t",
        }
    )
    assert single is not None and single.app_type == "SingleTenant" and single.auth_enabled


# -- reading activities --------------------------------------------------------------------------------


def test_bot_mention_is_stripped_and_people_mentions_become_ids() -> None:
    act = activity(
        text="<at>Coachbot</at> team add atlas <at>Bo Li</at>&nbsp;<at>Cy</at>\n",
        entities=[
            {"type": "mention", "text": "<at>Coachbot</at>", "mentioned": {"id": BOT, "name": "Coachbot"}},
            {"type": "mention", "text": "<at>Bo Li</at>", "mentioned": {"id": "29:bo", "name": "Bo Li"}},
            {"type": "mention", "text": "<at>Cy</at>", "mentioned": {"id": "29:cy", "name": "Cy"}},
        ],
    )
    spoken = A.spoken_text(act)
    assert spoken.addressed
    assert spoken.text == "team add atlas <@29:bo|Bo Li> <@29:cy|Cy>"


def test_html_markup_is_dropped_and_entities_unescaped() -> None:
    spoken = A.spoken_text(
        activity(text="<p>coach vacation&nbsp;2026-12-01 2026-12-05</p><p>thanks &amp; bye</p>")
    )
    assert spoken.text == "coach vacation 2026-12-01 2026-12-05\nthanks & bye"
    assert not spoken.addressed and A.is_command(spoken.text)


def test_who_and_where() -> None:
    act = activity(
        conversation={
            "id": "19:c@thread.tacv2;messageid=1700",
            "conversationType": "channel",
            "isGroup": True,
        },
        channelData={"tenant": {"id": "t2"}, "team": {"id": "19:team"}},
        localTimezone="Europe/Berlin",
        locale="de-DE",
    )
    assert A.actor_of(act) is not None and A.actor_of(act).workspace == "t2"  # type: ignore[union-attr]
    assert A.thread_of(act) == "1700" and not A.is_personal(act) and A.team_id_of(act) == "19:team"
    profile = A.profile_of(act, admins=frozenset({"aad-ann"}), reachable=None)
    assert profile is not None and profile.platform_admin and profile.timezone == "Europe/Berlin"
    assert profile.locale == "de-DE"
    assert A.actor_of(activity(**{"from": {"id": BOT}})) is None  # the bot's own echo


def test_each_edit_of_a_message_is_a_distinct_delivery() -> None:
    first = A.edited_event_id(activity(type="messageUpdate", text="one"))
    assert first == A.edited_event_id(activity(type="messageUpdate", text="one"))
    assert first != A.edited_event_id(activity(type="messageUpdate", text="two"))
    assert first != "1:a"


# -- cards ----------------------------------------------------------------------------------------------


def test_quotes_are_text_runs_never_markdown_or_mentions() -> None:
    card = cards.card_for((Para("*Digest*"), Quote("<at>All</at> [x](https://evil.example) **hi**")))
    quote = card["body"][1]["items"][0]
    assert quote["type"] == "RichTextBlock"
    assert quote["inlines"] == [{"type": "TextRun", "text": "<at>All</at> [x](https://evil.example) **hi**"}]
    assert card["body"][0]["text"] == "**Digest**"


def test_bot_text_messages_neutralise_html_and_links() -> None:
    act = cards.render((Para("Hi *<b>Ann</b>* see [here](https://x)"),))
    assert act.text == "Hi **&lt;b&gt;Ann&lt;/b&gt;** see \\[here\\](https://x)"
    assert act.attachments is None and act.text_format == "markdown"


def test_choices_are_action_execute_and_come_back_in_every_click_shape() -> None:
    act = cards.render((Para("How was it?"), Choices((Choice("1", "7:0:1"), Choice("5", "7:0:5")))))
    card = act.attachments[0].content
    assert card["version"] == "1.5"
    [_one, five] = card["body"][1]["actions"]
    assert (five["type"], five["verb"], five["data"]["value"]) == (
        "Action.Execute",
        "coachbot.choice",
        "7:0:5",
    )
    assert five["fallback"]["type"] == "Action.Submit"
    data = five["data"]
    shapes = [
        {
            "action": {"type": "Action.Execute", "verb": "coachbot.choice", "data": data}
        },  # adaptiveCard/action
        data,  # Action.Submit
        {"value": data},  # messageBack wrapping
    ]
    for shape in shapes:
        found = cards.choice_from(shape)
        assert found is not None and found["value"] == "7:0:5"
    assert cards.choice_from({"action": {"verb": "other", "data": data}}) is None
    assert cards.choice_from({"key": "value"}) is None and cards.choice_from(None) is None


# -- references ------------------------------------------------------------------------------------------


def test_references_are_stored_as_json_and_refreshed(tmp_path: Path) -> None:
    db = open_database("sqlite:///" + str(tmp_path / "r.db"))
    ref = ConversationReference(
        channel_id="msteams",
        service_url="https://smba.example/amer/",
        conversation=ConversationAccount(id="a:chat", tenant_id="t1"),
        bot=ChannelAccount(id=BOT),
        user=ChannelAccount(id="29:ann"),
    )
    references.save(db.engine, tenant="t1", kind="person", subject="29:ann", reference=ref)
    ref.service_url = "https://smba.example/emea/"
    references.save(db.engine, tenant="t1", kind="person", subject="29:ann", reference=ref)
    with db.engine.connect() as conn:
        rows = conn.execute(references.references.select()).all()
    assert len(rows) == 1
    assert (
        json.loads(rows[0].reference)["serviceUrl"] == "https://smba.example/emea/"
    )  # plain JSON, no pickle
    loaded = references.load(db.engine, tenant="t1", kind="person", subject="29:ann")
    assert loaded is not None and loaded.reference.conversation.id == "a:chat"
    references.forget(db.engine, tenant="t1", kind="person", subject="29:ann")
    assert references.load(db.engine, tenant="t1", kind="person", subject="29:ann") is None
    db.dispose()


# -- package ------------------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def test_the_package_has_a_manifest_and_two_icons(tmp_path: Path) -> None:
    zipped = build_package(TeamsSettings(app_id=APP_ID, app_password="p"), tmp_path)
    with zipfile.ZipFile(zipped) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert _png_size(archive.read("color.png"))[:2] == (192, 192)
        assert _png_size(archive.read("outline.png"))[:2] == (32, 32)
    assert manifest["bots"][0]["botId"] == APP_ID
    titles = [c["title"] for lst in manifest["bots"][0]["commandLists"] for c in lst["commands"]]
    assert {"help", "status", "team bind"} <= set(titles)
    assert manifest["id"] != APP_ID and len(manifest["id"]) == 36


def test_outline_icon_is_white_on_transparent() -> None:
    import zlib

    data = outline_icon()
    idat = data[data.index(b"IDAT") + 4 :]
    raw = zlib.decompress(idat[: struct.unpack(">I", data[data.index(b"IDAT") - 4 : data.index(b"IDAT")])[0]])
    pixels = {
        raw[row * (32 * 4 + 1) + 1 + i * 4 : row * (32 * 4 + 1) + 5 + i * 4]
        for row in range(32)
        for i in range(32)
    }
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}
    assert len(color_icon()) > 200


def test_the_package_needs_a_real_app_id(tmp_path: Path) -> None:
    with pytest.raises(PackageError, match="MICROSOFT_APP_ID"):
        build_package(TeamsSettings(app_id=None, insecure_dev=True), tmp_path)
