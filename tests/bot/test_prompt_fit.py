"""Which prompts fit a run: a prompt's phase (or none) and the cadence lengths it suits, as the YAML
says them and as the rotation's candidates use them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.commands import parse_recurrence
from bot.domain import CadenceLength, Phase, PromptAudience
from bot.prompts import PromptLibrary
from bot.rotation import candidates
from tests.bot.test_prompts import load_error, valid_prompt, write_set


@pytest.mark.parametrize(
    ("recurrence", "length"),
    [
        ("daily", CadenceLength.DAILY),
        ("weekdays", CadenceLength.DAILY),
        ("weekly mon", CadenceLength.WEEKLY),
        ("every 2 weeks tue", CadenceLength.FORTNIGHTLY),
        ("every 3 weeks tue", CadenceLength.FORTNIGHTLY),
        ("every 4 weeks tue", CadenceLength.MONTHLY),
        ("monthly 15", CadenceLength.MONTHLY),
        ("monthly last", CadenceLength.MONTHLY),
        ("monthly first mon", CadenceLength.MONTHLY),
    ],
)
def test_a_cadence_length_comes_from_its_recurrence(recurrence: str, length: CadenceLength) -> None:
    assert parse_recurrence(recurrence).length() is length


def test_phase_and_suits_are_optional_and_default_to_everything(tmp_path: Path) -> None:
    write_set(
        tmp_path,
        "team-pulse",
        [
            valid_prompt("tp-1", phase=None),
            valid_prompt("tp-2", phase="any", suits=["weekly", "fortnightly"]),
            valid_prompt("tp-3"),
        ],
    )
    lib = PromptLibrary.load(tmp_path)
    assert lib.get("tp-1").phase is None and lib.get("tp-1").suits == frozenset(CadenceLength)
    assert lib.get("tp-2").phase is None
    assert lib.get("tp-2").suits == {CadenceLength.WEEKLY, CadenceLength.FORTNIGHTLY}
    assert lib.get("tp-3").phase is Phase.PLAN


def test_bad_suits_name_the_file_the_entry_and_the_choices(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1"), valid_prompt("tp-2", suits=["yearly"])])
    message = load_error(tmp_path)
    assert message.startswith("team-pulse.yaml, prompt 'tp-2': unknown cadence length 'yearly'")
    assert "daily, weekly, fortnightly, monthly" in message
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1", suits=[])])
    assert "team-pulse.yaml, prompt 'tp-1': suits: list at least one cadence length" in load_error(tmp_path)
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1", phase="someday")])
    assert "unknown phase 'someday' (expected one of: plan, execute, review, any)" in load_error(tmp_path)


def test_shipped_prompts_worded_for_a_week_suit_weekly_cadences_only(library: PromptLibrary) -> None:
    for prompt_set in library.sets():
        for prompt in prompt_set.prompts:
            english = prompt.texts["en"].lower()
            if "this week" in english or "next week" in english or "today" in english:
                assert prompt.suits == {CadenceLength.WEEKLY}, prompt.id


def test_every_shipped_set_has_questions_for_every_cadence_length(library: PromptLibrary) -> None:
    for prompt_set in library.sets():
        for audience in {p.audience for p in prompt_set.prompts}:
            for length in CadenceLength:
                fitting = [p for p in prompt_set.for_audience(audience) if length in p.suits]
                assert len(fitting) >= 3, (prompt_set.name, audience, length)


def test_candidates_put_the_phase_first_then_untagged_and_only_what_suits(tmp_path: Path) -> None:
    write_set(
        tmp_path,
        "team-pulse",
        [
            valid_prompt("tp-review", phase="review"),
            valid_prompt("tp-any", phase=None),
            valid_prompt("tp-plan-weekly", suits=["weekly"]),
            valid_prompt("tp-plan"),
            valid_prompt("tp-execute", phase="execute"),
        ],
    )
    pulse = PromptLibrary.load(tmp_path).set("team-pulse")

    def ids(phase: Phase | None, length: CadenceLength, count: int = 1) -> list[str]:
        found = candidates(pulse, audience=PromptAudience.MEMBER, phase=phase, length=length, count=count)
        return [p.id for p in found]

    assert ids(Phase.PLAN, CadenceLength.WEEKLY) == ["tp-plan-weekly", "tp-plan", "tp-any"]
    assert ids(Phase.PLAN, CadenceLength.MONTHLY) == ["tp-plan", "tp-any"]
    assert ids(None, CadenceLength.MONTHLY) == ["tp-review", "tp-any", "tp-plan", "tp-execute"]
    # Too few for one check-in: other phases fill the gap, still only those that suit.
    assert ids(Phase.EXECUTE, CadenceLength.MONTHLY, count=3) == ["tp-execute", "tp-any", "tp-review"]
    assert ids(Phase.EXECUTE, CadenceLength.MONTHLY, count=2) == ["tp-execute", "tp-any"]
