"""What the Slack adapter writes itself (App Home, the cadence form, its errors), in the reader's language."""

from __future__ import annotations

import json
from typing import Any

from tests.adapters.slack.conftest import Harness
from tests.adapters.slack.test_http import submission
from tests.i18n_check import untranslated


def _texts(node: Any, skip: frozenset[str] = frozenset({"placeholder", "initial_value"})) -> list[str]:
    """Every "text" a person reads in a view or block list (placeholders are example syntax)."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "header":
            return []  # the product's name
        for key, value in node.items():
            if key in skip:
                continue
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_texts(value, skip))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item, skip))
    return found


async def test_app_home_and_its_buttons_pass_the_catalogs(slack: Harness, pseudo_locale: str) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True, locale=pseudo_locale)
    await slack.command("UADA", "team create atlas --manager <@UADA|ada>")
    assert (
        await slack.event({"type": "app_home_opened", "user": "UADA", "channel": "DUADA", "tab": "home"})
        == 200
    )
    view = slack.fake.called("views.publish")[-1].view()
    texts = _texts(view["blocks"])
    assert len(texts) > 8
    assert untranslated(texts) == []


async def test_app_home_in_german(slack: Harness) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/Berlin", admin=True, locale="de-DE")
    assert (
        await slack.event({"type": "app_home_opened", "user": "UADA", "channel": "DUADA", "tab": "home"})
        == 200
    )
    home = json.dumps(slack.fake.called("views.publish")[-1].view(), ensure_ascii=False)
    assert "Deine offenen Check-ins" in home and "Meine Daten löschen" in home
    assert "Your open check-ins" not in home


async def test_the_cadence_form_and_its_errors_pass_the_catalogs(slack: Harness, pseudo_locale: str) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/London", admin=True, locale=pseudo_locale)
    slack.fake.add_user("UMARIA", name="Maria", tz="America/New_York")
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    await slack.command("UADA", "cadence add")
    view = slack.fake.called("views.open")[-1].view()
    texts = [view["title"]["text"], view["submit"]["text"], view["close"]["text"], *_texts(view["blocks"])]
    assert untranslated(texts) == []
    good = {"name": "pulse", "team": "atlas", "audience": "members", "every": "weekly mon", "at": "09:00"}
    for bad in ({**good, "name": ""}, {**good, "every": "fortnightly-ish"}, {**good, "window": 'a"b'}):
        status, body = await slack.interact(submission(bad))
        assert status == 200
        errors = json.loads(body)["errors"]
        assert errors and untranslated(errors.values()) == [], errors


async def test_a_parser_error_lands_next_to_the_field_it_is_about(slack: Harness) -> None:
    slack.fake.add_user("UADA", name="Ada", tz="Europe/Berlin", admin=True, locale="de-DE")
    slack.fake.add_user("UMARIA", name="Maria", tz="America/New_York")
    await slack.command("UADA", "team create atlas --manager <@UMARIA|maria>")
    good = {"name": "pulse", "team": "atlas", "audience": "members", "every": "weekly mon", "at": "09:00"}
    _, body = await slack.interact(submission({**good, "every": "fortnightly-ish"}))
    errors = json.loads(body)["errors"]
    assert list(errors) == ["every"]
    _, body = await slack.interact(submission({**good, "name": ""}))
    assert json.loads(body)["errors"] == {"name": "Pflichtfeld."}
