from __future__ import annotations

import re
import tomllib
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.domain import Intent, Pathway, Phase, PromptAudience, PromptKind
from bot.prompts import (
    DEFAULT_SETS,
    Prompt,
    PromptLibrary,
    PromptLibraryError,
    PromptSet,
    choose_next,
)

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
REQUIRED_SETS = ("manager-core", "team-pulse", "growth", "new-hire", "one-on-one")


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return PromptLibrary.load()


def all_prompts(library: PromptLibrary) -> list[Prompt]:
    return [p for s in library.sets() for p in s.prompts]


# --- the real library -------------------------------------------------------------------------------


def test_packaged_library_loads_with_enough_prompts(library: PromptLibrary) -> None:
    assert len(library) >= 60
    assert len(library) == len(all_prompts(library))
    assert [s.name for s in library.sets()] == sorted(s.name for s in library.sets())
    for name in REQUIRED_SETS:
        assert library.has_set(name)
        assert library.set(name).name == name
    assert not library.has_set("nope")


def test_loading_from_a_path_matches_the_packaged_library(library: PromptLibrary) -> None:
    from_path = PromptLibrary.load(Path(str(files("prompts"))))
    assert [s.name for s in from_path.sets()] == [s.name for s in library.sets()]
    assert len(from_path) == len(library)


def test_every_tag_value_is_covered(library: PromptLibrary) -> None:
    prompts = all_prompts(library)
    assert {p.intent for p in prompts} == set(Intent)
    assert {p.phase for p in prompts} == set(Phase)
    assert set().union(*(p.pathways for p in prompts)) == set(Pathway)
    assert {p.audience for p in prompts} == set(PromptAudience)
    assert {p.kind for p in prompts} == set(PromptKind)


def test_every_prompt_is_in_english_and_german(library: PromptLibrary) -> None:
    for prompt in all_prompts(library):
        assert set(prompt.texts) == {"en", "de"}, prompt.id
        assert prompt.texts["en"] != prompt.texts["de"], prompt.id
        assert all(t.strip() for t in prompt.texts.values()), prompt.id
    for prompt_set in library.sets():
        assert set(prompt_set.descriptions) == {"en", "de"}, prompt_set.name


def test_prompts_are_short_single_questions(library: PromptLibrary) -> None:
    for prompt in all_prompts(library):
        for text in prompt.texts.values():
            assert len(text) <= 160, prompt.id
            assert text.endswith("?"), prompt.id
            assert text.count("?") == 1, prompt.id


def test_ids_are_kebab_case_and_prefixed_per_set(library: PromptLibrary) -> None:
    for prompt_set in library.sets():
        prefixes = {p.id.split("-", 1)[0] for p in prompt_set.prompts}
        assert len(prefixes) == 1, prompt_set.name
        for prompt in prompt_set.prompts:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", prompt.id)
            assert prompt.set == prompt_set.name
            assert library.get(prompt.id) is prompt


def test_rating_prompts_name_the_scale(library: PromptLibrary) -> None:
    ratings = [p for p in all_prompts(library) if p.kind is PromptKind.RATING]
    for prompt in ratings:
        assert "from 1" in prompt.texts["en"] and "5" in prompt.texts["en"], prompt.id
        assert "von 1" in prompt.texts["de"] and "5" in prompt.texts["de"], prompt.id


def test_each_set_serves_its_audiences_with_at_least_four_prompts(library: PromptLibrary) -> None:
    for prompt_set in library.sets():
        for audience in PromptAudience:
            served = prompt_set.for_audience(audience)
            assert len(served) == 0 or len(served) >= 4, (prompt_set.name, audience)
            assert all(p.audience is audience for p in served)


def test_required_set_shapes(library: PromptLibrary) -> None:
    manager = PromptAudience.MANAGER
    member = PromptAudience.MEMBER
    core = library.set("manager-core")
    assert core.for_audience(member) == ()
    assert sum("commit" in p.id for p in core.prompts) >= 3

    pulse = library.set("team-pulse")
    assert pulse.for_audience(manager) == ()
    assert sum(p.kind is PromptKind.RATING for p in pulse.prompts) >= 6
    assert any(p.kind is PromptKind.TEXT for p in pulse.prompts)
    assert any(p.intent is Intent.MANAGER_FEEDBACK for p in pulse.prompts)

    growth = library.set("growth")
    assert growth.for_audience(manager) and growth.for_audience(member)
    assert any(p.pathways for p in growth.prompts)

    new_hire = library.set("new-hire")
    assert new_hire.for_audience(manager) and new_hire.for_audience(member)
    assert all(p.pathways == {Pathway.NEW_HIRE} for p in new_hire.prompts)

    one_on_one = library.set("one-on-one")
    assert {p.audience for p in one_on_one.prompts} == {manager}
    assert {p.phase for p in one_on_one.prompts} == set(Phase)
    tagged = set().union(*(p.pathways for p in one_on_one.prompts))
    assert {Pathway.HIGH_PERFORMER, Pathway.SPECIALIST} <= tagged


def test_default_sets_exist_for_each_audience(library: PromptLibrary) -> None:
    assert DEFAULT_SETS == {PromptAudience.MANAGER: "manager-core", PromptAudience.MEMBER: "team-pulse"}
    for audience, name in DEFAULT_SETS.items():
        assert len(library.set(name).for_audience(audience)) >= 4


def test_unknown_names_raise_key_error(library: PromptLibrary) -> None:
    with pytest.raises(KeyError):
        library.set("no-such-set")
    with pytest.raises(KeyError):
        library.get("no-such-prompt")


def test_prompts_and_sets_are_immutable_and_hashable(library: PromptLibrary) -> None:
    prompt = library.get("tp-priorities-1")
    with pytest.raises(AttributeError):
        prompt.id = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        prompt.texts["en"] = "x"  # type: ignore[index]
    assert {prompt, library.get("tp-priorities-1")} == {prompt}
    assert len({library.set("growth"), library.set("growth")}) == 1


def test_prompt_data_is_declared_as_package_data() -> None:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["package-data"]["prompts"] == ["*.yaml"]
    assert "prompts*" in config["tool"]["setuptools"]["packages"]["find"]["include"]


# --- localisation -----------------------------------------------------------------------------------


def make_prompt(prompt_id: str, **texts: str) -> Prompt:
    return Prompt(
        id=prompt_id,
        set="test",
        intent=Intent.PRIORITIES,
        phase=Phase.PLAN,
        pathways=frozenset(),
        audience=PromptAudience.MEMBER,
        kind=PromptKind.TEXT,
        texts=texts or {"en": f"English {prompt_id}?", "de": f"Deutsch {prompt_id}?"},
    )


@pytest.mark.parametrize("locale", ["de", "de-DE", "de_AT", "DE-ch", "de-CH"])
def test_text_for_german_locales(locale: str) -> None:
    assert make_prompt("a").text_for(locale) == "Deutsch a?"


@pytest.mark.parametrize("locale", [None, "", "en", "en-US", "fr-FR", "xx", "-"])
def test_text_for_falls_back_to_english(locale: str | None) -> None:
    assert make_prompt("a").text_for(locale) == "English a?"


def test_text_for_prefers_a_regional_text_when_present() -> None:
    prompt = make_prompt("a", en="E?", de="D?", **{"de-ch": "CH?"})
    assert prompt.text_for("de_CH") == "CH?"
    assert prompt.text_for("de-AT") == "D?"


def test_description_for_localises(library: PromptLibrary) -> None:
    pulse = library.set("team-pulse")
    assert pulse.description_for("de-DE") == pulse.descriptions["de"]
    assert pulse.description_for(None) == pulse.descriptions["en"]


# --- rotation ---------------------------------------------------------------------------------------


def test_choose_next_skips_used_in_candidate_order() -> None:
    candidates = [make_prompt(f"p{i}") for i in range(5)]
    assert [p.id for p in choose_next(candidates, {"p0", "p2"}, 2)] == ["p1", "p3"]
    assert [p.id for p in choose_next(candidates, [], 3)] == ["p0", "p1", "p2"]


def test_choose_next_starts_over_without_duplicates_when_exhausted() -> None:
    candidates = [make_prompt(f"p{i}") for i in range(5)]
    assert [p.id for p in choose_next(candidates, ["p0", "p1", "p2", "p3"], 3)] == ["p4", "p0", "p1"]
    assert [p.id for p in choose_next(candidates, [c.id for c in candidates], 2)] == ["p0", "p1"]
    assert [p.id for p in choose_next(candidates, ["p1"], 10)] == ["p0", "p2", "p3", "p4", "p1"]


@pytest.mark.parametrize("count", [0, -1])
def test_choose_next_with_nothing_to_choose(count: int) -> None:
    assert choose_next([make_prompt("a")], [], count) == []
    assert choose_next([], [], 3) == []


def test_rotation_over_the_real_set_never_repeats_until_exhausted(library: PromptLibrary) -> None:
    candidates = library.set("team-pulse").for_audience(PromptAudience.MEMBER)
    used: list[str] = []
    delivered: list[str] = []
    for _ in range(20):
        batch = [p.id for p in choose_next(candidates, used, 4)]
        assert len(set(batch)) == 4
        delivered += batch
        # The caller's side: prompts served again in this batch open the next cycle.
        restarted = [i for i in batch if i in used]
        used = restarted or used + batch
    n = len(candidates)
    assert delivered[:n] == [c.id for c in candidates]
    # After exhaustion the next prompts start over from the beginning of the set ...
    assert delivered[n : n + 2] == [candidates[0].id, candidates[1].id]
    # ... and no prompt ever comes back before all the others have been asked.
    for start in range(len(delivered) - n + 1):
        assert len(set(delivered[start : start + n])) == n


# --- validation -------------------------------------------------------------------------------------


def valid_prompt(prompt_id: str, **changes: Any) -> dict[str, Any]:
    prompt: dict[str, Any] = {
        "id": prompt_id,
        "intent": "priorities",
        "phase": "plan",
        "audience": "member",
        "kind": "rating",
        "text": {"en": "How clear are your goals, from 1 to 5?", "de": "Wie klar sind deine Ziele?"},
    }
    prompt.update(changes)
    return {k: v for k, v in prompt.items() if v is not None}


def write_set(directory: Path, name: str, prompts: list[dict[str, Any]], **changes: Any) -> Path:
    description = {"en": "Test set", "de": "Testset"}
    data: dict[str, Any] = {"set": name, "description": description, "prompts": prompts}
    data.update(changes)
    path = directory / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def load_error(directory: Path) -> str:
    with pytest.raises(PromptLibraryError) as info:
        PromptLibrary.load(directory)
    return str(info.value)


def test_a_valid_tmp_library_loads(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1"), valid_prompt("tp-2", pathways=["specialist"])])
    (tmp_path / "README.md").write_text("not a prompt file", encoding="utf-8")
    lib = PromptLibrary.load(tmp_path)
    assert len(lib) == 2
    assert lib.get("tp-2").pathways == {Pathway.SPECIALIST}
    assert [p.id for p in lib.set("team-pulse").prompts] == ["tp-1", "tp-2"]


def test_unknown_intent_names_file_entry_and_choices(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1"), valid_prompt("tp-3", intent="happiness")])
    message = load_error(tmp_path)
    assert message.startswith("team-pulse.yaml, prompt 'tp-3': unknown intent 'happiness' (expected one of: ")
    assert "manager-feedback" in message


def test_unknown_pathway_is_reported(tmp_path: Path) -> None:
    write_set(tmp_path, "growth", [valid_prompt("gr-1", pathways=["veteran"])])
    assert "growth.yaml, prompt 'gr-1': unknown pathway 'veteran'" in load_error(tmp_path)


def test_missing_english_text_is_rejected(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1", text={"de": "Nur Deutsch?"})])
    message = load_error(tmp_path)
    assert message.startswith("team-pulse.yaml, prompt 'tp-1': ")
    assert "missing English ('en') text" in message


def test_empty_text_is_rejected(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1", text={"en": "Fine?", "de": "   "})])
    assert "team-pulse.yaml, prompt 'tp-1': text: empty 'de' text" in load_error(tmp_path)


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1", weight=3)])
    assert "team-pulse.yaml, prompt 'tp-1': unknown key 'weight'" in load_error(tmp_path)


def test_unknown_top_level_key_is_rejected(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1")], owner="me")
    assert "team-pulse.yaml: unknown key 'owner'" in load_error(tmp_path)


def test_entry_without_id_is_named_by_position(tmp_path: Path) -> None:
    write_set(tmp_path, "team-pulse", [valid_prompt("tp-1"), valid_prompt(None)])  # type: ignore[arg-type]
    assert "team-pulse.yaml, prompt #2: missing key 'id'" in load_error(tmp_path)


def test_duplicate_id_across_files_names_both_files(tmp_path: Path) -> None:
    write_set(tmp_path, "alpha", [valid_prompt("shared-1")])
    write_set(tmp_path, "beta", [valid_prompt("beta-1"), valid_prompt("shared-1")])
    message = load_error(tmp_path)
    assert "beta.yaml, prompt 'shared-1'" in message
    assert "alpha.yaml" in message


def test_bad_yaml_names_the_file(tmp_path: Path) -> None:
    write_set(tmp_path, "alpha", [valid_prompt("a-1")])
    (tmp_path / "broken.yaml").write_text("set: broken\nprompts: [\n  - id: x\n", encoding="utf-8")
    message = load_error(tmp_path)
    assert message.startswith("broken.yaml: invalid YAML")


def test_non_mapping_yaml_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "listy.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    assert load_error(tmp_path).startswith("listy.yaml: ")


def test_set_name_must_match_file_name(tmp_path: Path) -> None:
    path = write_set(tmp_path, "team-pulse", [valid_prompt("tp-1")])
    path.rename(tmp_path / "pulse.yaml")
    message = load_error(tmp_path)
    assert message.startswith("pulse.yaml: ")
    assert "'team-pulse'" in message and "'pulse'" in message


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    assert "no prompt files" in load_error(tmp_path)


def test_error_is_a_value_error() -> None:
    assert issubclass(PromptLibraryError, ValueError)


def test_prompt_set_for_audience_keeps_file_order() -> None:
    prompts = (make_prompt("a"), make_prompt("b"))
    prompt_set = PromptSet("test", {"en": "Test"}, prompts)
    assert prompt_set.for_audience(PromptAudience.MEMBER) == prompts
    assert prompt_set.for_audience(PromptAudience.MANAGER) == ()
