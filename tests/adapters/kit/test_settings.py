"""The one settings style: EnvReader's checks, and both platforms' ``from_env`` built on it."""

from __future__ import annotations

import dataclasses

import pytest

from adapters.kit import ConfigError, EnvReader
from adapters.slack.settings import from_env as slack_from_env
from adapters.teams.settings import from_env as teams_from_env


def test_a_config_error_is_one_line() -> None:
    assert str(ConfigError("SLACK_BOT_TOKEN is missing:\n  set it")) == "SLACK_BOT_TOKEN is missing: set it"


def test_blank_values_count_as_unset_and_spaces_go() -> None:
    read = EnvReader({"A": "  x  ", "B": "   ", "C": ""})
    assert (read.text("A"), read.text("B"), read.text("C"), read.text("D")) == ("x", None, None, None)
    assert read.text_or("B", "fallback") == "fallback"
    assert read.any_set(["B", "C", "D"]) is False and read.any_set(["B", "A"]) is True


@pytest.mark.parametrize(
    ("raw", "value"), [("1", True), ("Yes", True), ("on", True), ("0", False), ("OFF", False)]
)
def test_flags(raw: str, value: bool) -> None:
    assert EnvReader({"F": raw}).flag("F") is value
    assert EnvReader({}).flag("F") is False


@pytest.mark.parametrize(
    ("env", "call"),
    [
        ({"F": "maybe"}, lambda r: r.flag("F")),
        ({"N": "fast"}, lambda r: r.number("N", default=1.0)),
        ({"N": "inf"}, lambda r: r.number("N", default=1.0)),
        ({"N": "0"}, lambda r: r.number("N", default=1.0, above=0)),
        ({"U": "ftp://x"}, lambda r: r.url("U")),
        ({"U": "https://"}, lambda r: r.url("U")),
        ({"C": "Nope"}, lambda r: r.choice("C", {"a": "A", "b": "B"}, default="A")),
    ],
)
def test_bad_values_are_refused_naming_the_variable(env: dict[str, str], call) -> None:  # type: ignore[no-untyped-def]
    [name] = env
    with pytest.raises(ConfigError) as raised:
        call(EnvReader(env))
    assert str(raised.value).startswith(name) and repr(env[name]) in str(raised.value)


def test_numbers_urls_choices_and_lists() -> None:
    read = EnvReader(
        {"N": "2.5", "U": "https://x.example/api", "C": "SINGLETENANT", "I": "29:a, b;c", "L": "x, ,y"}
    )
    assert read.number("N", default=1.0, above=0) == 2.5 and read.number("M", default=1.0) == 1.0
    assert read.url("U") == "https://x.example/api" and read.url("V", default="http://d") == "http://d"
    assert read.choice("C", {"singletenant": "SingleTenant"}, default="MultiTenant") == "SingleTenant"
    assert read.ids("I") == frozenset({"29:a", "b", "c"}) and read.ids("J") == frozenset()
    assert read.items("L") == ("x", "y") and read.items("K") is None


def test_both_platforms_build_frozen_settings_or_none() -> None:
    slack = slack_from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    teams = teams_from_env({"MICROSOFT_APP_ID": "id", "MICROSOFT_APP_PASSWORD": "p"})
    for settings in (slack, teams):
        assert settings is not None and dataclasses.is_dataclass(settings)
        with pytest.raises(dataclasses.FrozenInstanceError):
            settings.app_id = "changed"  # type: ignore[misc, union-attr]
    assert slack_from_env({"MICROSOFT_APP_ID": "id"}) is None
    assert teams_from_env({"SLACK_BOT_TOKEN": "xoxb-1"}) is None


@pytest.mark.parametrize(
    "env",
    [
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_MAX_MESSAGES_PER_SECOND": "-1"},
        {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "SLACK_REDIRECT_URI": "not a url"},
        {"COACHBOT_TEAMS_INSECURE_DEV": "perhaps"},
        {"MICROSOFT_APP_ID": "id", "MICROSOFT_APP_PASSWORD": "p", "TEAMS_TOKEN_URL": "localhost:9"},
    ],
)
def test_both_platforms_refuse_bad_values_through_the_kit(env: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        slack_from_env(env) if any(k.startswith("SLACK_") for k in env) else teams_from_env(env)
