"""Slack acts on what the core says changed, never on the words typed: a binding effect syncs the
roster, and a refused option lands under its own field of the modal, in the reader's language."""

from __future__ import annotations

import json

import pytest

from adapters.slack import modal
from bot.commands import BY_PATH
from bot.i18n import tr
from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.test_http import org, submission
from tests.bot.test_engine_helpers import team_member_ids

GOOD = {"name": "pulse", "team": "atlas", "audience": "members", "every": "weekly mon", "at": "09:00"}


def _synced(slack: Harness) -> list[str]:
    return [str(c.args.get("channel")) for c in slack.fake.called("conversations.members")]


async def test_team_link_typed_as_a_direct_message_syncs_the_roster(slack: Harness) -> None:
    org(slack)
    slack.fake.add_user("UNEW", name="Newbie", tz="Europe/Paris")
    slack.fake.channels["CTEAM"] = ["UBEN", "UNEW"]
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    assert _synced(slack) == []
    await slack.dm("UADA", "team link atlas <#CTEAM|team-atlas>")  # queued, applied by the ingress worker
    assert _synced(slack) == ["CTEAM"]
    assert team_member_ids(slack.core, "atlas") == {"UBEN", "UNEW"}


async def test_no_binding_effect_no_sync(slack: Harness) -> None:
    org(slack)
    slack.fake.channels["CTEAM"] = ["UBEN"]
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    for who, line in (
        ("UBEN", "team sync atlas <#CTEAM|team-atlas>"),  # not an admin: refused, nothing bound
        ("UADA", "help team bind"),
        ("UADA", "team bind ghost <#CTEAM|team-atlas>"),  # no such team
        ("UADA", "team bind"),  # malformed
    ):
        status, reply = await slack.command(who, line)
        assert status == 200 and reply["text"], line
    assert _synced(slack) == []
    assert team_member_ids(slack.core, "atlas") == set()


def test_the_modal_has_one_field_per_option_of_the_declaration() -> None:
    command = BY_PATH["cadence add"]
    assert ("name", *(o.name for o in command.options)) == modal.FIELDS
    view = modal.cadence_modal(tr("en")).to_dict()
    assert tuple(block["block_id"] for block in view["blocks"]) == modal.FIELDS
    assert modal.field_for("window") == "window" and modal.field_for(None) == "name"


@pytest.mark.parametrize(
    ("field", "value", "german"),
    [
        ("window", "5w", "`--window` braucht"),
        ("prompts", "bad/set", "`--prompts` braucht"),
        ("every", "weekly funday", "`funday` ist kein Wochentag"),
        ("name", "all", "`all`"),
    ],
)
async def test_a_wrong_value_shows_the_german_error_under_its_field(
    slack: Harness, field: str, value: str, german: str
) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/Berlin", admin=True, locale="de-DE")
    slack.fake.add_user("UMARIA", name="Maria", tz="America/New_York")
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    status, body = await slack.interact(submission({**GOOD, field: value}))
    assert status == 200
    errors = json.loads(body)["errors"]
    assert list(errors) == [field]
    assert german in errors[field], errors
    english = slack.core.check_command(modal.command_line({**GOOD, field: value}))
    assert english is not None and errors[field] != english.message.render(tr("en"))
