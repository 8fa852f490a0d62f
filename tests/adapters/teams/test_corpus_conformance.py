"""Conformance against the shared corpus of real and documented Teams traffic (../shared/corpus/teams).

* every inbound activity in it is routed or deliberately ignored - answered 2xx, never 5xx;
* every card the bot sends validates against the Adaptive Cards 1.5 schema;
* the app package's manifest validates against the Teams schema it declares;
* the Bot Framework tokens recorded in 2019 are rejected (401) and change nothing.

The corpus is read in place, never copied. Without it the module is skipped with a reason.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from sqlalchemy import func, select

from adapters.teams import cards
from adapters.teams.package import build_package, schema_path, validate_manifest
from adapters.teams.settings import TeamsSettings
from storage.models import InboundEvent
from tests.adapters.teams.conftest import ADA
from tests.adapters.teams.fakes import APP_ID
from tests.adapters.teams.harness import TeamsHarness, person
from tests.adapters.teams.test_conversation import setup_pulse

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "teams"
pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"Teams corpus not found at {CORPUS} (it lives in the shared folder beside the repo)",
)
RECORDINGS = CORPUS / "botbuilder-js-integrationBot-recordings" / "recordings"
KNOWN_CHANNELS = ("msteams", "emulator", "webchat", "directline")
INBOUND_DIRS = ("msteams-docs-transcribed", "opsdroid", "teams.net-api-test-json", "teams.net-extracted")


def _is_activity(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("type"), str)
        and ("from" in value or "channelId" in value)
    )


def inbound_activities() -> Iterator[tuple[str, dict[str, Any]]]:
    """``(name, activity)`` for every Teams-to-bot activity in the corpus."""
    if not CORPUS.is_dir():
        return
    for path in sorted(RECORDINGS.glob("*-request-*.json")):
        yield path.name, json.loads(path.read_text())["body"]
    for folder in INBOUND_DIRS:
        for path in sorted((CORPUS / folder).rglob("*.json")):
            data = json.loads(path.read_text())
            if _is_activity(data):
                yield str(path.relative_to(CORPUS)), data
    for path in sorted((CORPUS / "vercel-chat-replay").rglob("teams.json")):
        for key, value in json.loads(path.read_text()).items():
            if _is_activity(value):
                yield f"{path.relative_to(CORPUS)}#{key}", value


ACTIVITIES = list(inbound_activities())


def card_schema() -> dict[str, Any]:
    return dict(
        json.loads((CORPUS / "adaptivecards" / "schemas" / "1.5.0" / "adaptive-card.json").read_text())
    )


def card_errors(card: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft6Validator(card_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(card)]


def sent_cards(teams: TeamsHarness) -> list[dict[str, Any]]:
    found = []
    for call in teams.fake.state.calls:
        for attachment in call.body.get("attachments") or []:
            if attachment.get("contentType") == cards.CARD_CONTENT_TYPE:
                found.append(attachment["content"])
    return found


def test_the_corpus_has_what_the_suite_expects() -> None:
    kinds = {activity["type"] for _, activity in ACTIVITIES}
    assert {"message", "conversationUpdate", "installationUpdate", "invoke", "messageReaction"} <= kinds
    assert len(ACTIVITIES) > 60


@pytest.mark.parametrize(("name", "activity"), ACTIVITIES, ids=[name for name, _ in ACTIVITIES])
async def test_every_activity_is_routed_or_ignored_never_a_5xx(
    teams: TeamsHarness, name: str, activity: dict[str, Any]
) -> None:
    activity = json.loads(json.dumps(activity))
    activity["serviceUrl"] = teams.fake.service_url  # replies go to the fake connector, never to Microsoft
    if activity.get("channelId") not in KNOWN_CHANNELS:  # synthetic fixtures say "channelId" or nothing
        activity["channelId"] = "msteams"
    status, body = await teams.post(activity)
    assert 200 <= status < 300, (name, status, body)
    if activity["type"] == "invoke":
        assert status == 200
    for card in sent_cards(teams):
        assert card_errors(card) == [], name


async def test_the_adaptive_card_action_invoke_gets_a_proper_invoke_response(teams: TeamsHarness) -> None:
    path = CORPUS / "teams.net-extracted" / "TeamsActivityTests.jsonInvoke_L164.json"
    activity = json.loads(path.read_text())
    activity["serviceUrl"] = teams.fake.service_url
    status, body = await teams.post(activity)
    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] in ("application/vnd.microsoft.activity.message", cards.CARD_CONTENT_TYPE)


async def test_every_card_the_bot_sends_validates_against_adaptive_cards_1_5(teams: TeamsHarness) -> None:
    ben = person("ben", "America/New_York")
    await setup_pulse(teams, ben)
    teams.clock.advance(timedelta(days=2, hours=2))
    await teams.pump()
    question_cards = sent_cards(teams)
    assert question_cards, "the check-in should have sent at least one card"
    # The invoke response card, and a card with people's words in it.
    data = next(
        a["data"]
        for c in question_cards
        for b in c["body"]
        for a in b.get("actions", [])
        if a["title"] == "3"
    )
    status, body = await teams.post(teams.activities.execute(ben, data))
    assert status == 200
    from bot.messages import Choice, Choices, Para, Quote

    extra = [
        body["value"],
        cards.card_for((Para("*Digest*"), Quote("<at>Everyone</at> [click](https://evil.example) **hi**"))),
        cards.card_for((Para("Pick"), Choices((Choice("1", "1:0:1"), Choice("2", "1:0:2"))))),
    ]
    for card in [*question_cards, *sent_cards(teams), *extra]:
        assert card_errors(card) == []


def test_the_app_package_validates_against_its_declared_manifest_schema(tmp_path: Path) -> None:
    settings = TeamsSettings(app_id=APP_ID, app_password="x", website_url="https://coachbot.example")
    zipped = build_package(settings, tmp_path / "coachbot.zip")
    with zipfile.ZipFile(zipped) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    schema_file = schema_path(manifest, CORPUS)
    assert schema_file.is_file(), f"declared schema {manifest['$schema']} is not in the corpus"
    assert validate_manifest(manifest, json.loads(schema_file.read_text())) == []


def test_an_invalid_manifest_is_reported(tmp_path: Path) -> None:
    """The validation above can fail: a manifest with a bad bot id and a long name does."""
    settings = TeamsSettings(app_id=APP_ID, app_password="x")
    zipped = build_package(settings, tmp_path / "coachbot.zip")
    with zipfile.ZipFile(zipped) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["bots"][0]["botId"] = "not-a-guid"
    manifest["name"]["short"] = "x" * 31
    errors = validate_manifest(manifest, json.loads(schema_path(manifest, CORPUS).read_text()))
    assert any("botId" in e for e in errors) and any("name/short" in e for e in errors)


RECORDED_WITH_TOKENS = (
    [(path.name, json.loads(path.read_text())) for path in sorted(RECORDINGS.glob("*-request-*.json"))]
    if CORPUS.is_dir()
    else []
)


@pytest.mark.parametrize(
    ("name", "recording"), RECORDED_WITH_TOKENS, ids=[n for n, _ in RECORDED_WITH_TOKENS]
)
async def test_the_recorded_2019_tokens_are_rejected(
    teams: TeamsHarness, name: str, recording: dict[str, Any]
) -> None:
    header = recording["headers"]["authorization"]
    assert header.startswith("Bearer ")
    status, _ = await teams.post(recording["body"], token=None, headers={"Authorization": header})
    assert status == 401, name
    assert teams.fake.state.calls == []
    with teams.core.database.session() as session:
        assert session.scalar(select(func.count()).select_from(InboundEvent)) == 0


def test_admin_fixture_is_a_teams_person() -> None:
    assert ADA.id.startswith("29:")
