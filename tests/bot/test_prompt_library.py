"""The prompt library the organisation owns (issue 10, section 4): the competency map, checklists
and private scorecards, prompts added/edited/retired by command with their versions, the
organisation's own folder of prompt files, and the exported library."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from adapters.cli import app
from adapters.local import LocalChat
from bot.core import Coachbot
from bot.domain import Pathway, Phase, PromptAudience, PromptKind
from bot.handlers.library import NEEDS_COMPETENCY
from bot.prompt_export import library_yaml
from bot.prompts import PromptLibrary, PromptLibraryError
from tests.bot.conversation_kit import on_both_backends
from tests.bot.test_engine_helpers import answers, last_reply, org, received, run

core = on_both_backends  # the conversations here run on SQLite and PostgreSQL

NY = "America/New_York"
MEMBERS = ["bo", "cy", "di", "ed", "fa", "gu"]
MONDAY_9 = ":advance to 2026-11-23 09:00 America/New_York"
AFTER_CLOSE = ":advance to 2026-11-24 12:00 America/New_York"


def team(chat: LocalChat, *, prompts: str, questions: int) -> None:
    org(chat, {"mo": NY, **dict.fromkeys(MEMBERS, NY)})
    run(chat, "team create t --manager @mo", "team add t " + " ".join(f"@{m}" for m in MEMBERS))
    run(
        chat,
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00 --window 1d'
        f" --prompts {prompts} --questions {questions}",
    )


def status_of(chat: LocalChat, who: str) -> str:
    run(chat, f":as {who}", "status")
    return last_reply(chat)


# -- checklists and scorecards ------------------------------------------------------------------------


def test_a_checklist_and_a_scorecard_are_answered_and_the_scorecard_is_shown_only_to_its_owner(
    chat: LocalChat, core: Coachbot
) -> None:
    # self-assessment for members: three checklists, then the listening scorecard.
    team(chat, prompts="self-assessment", questions=4)
    run(chat, MONDAY_9)
    first = received(chat, "bo", "question")[0].text
    assert "Summed up what someone said before answering" in first  # behaviour 1 of listening
    run(chat, ":as bo", "> 9")  # no such behaviour: a hint, nothing stored
    assert answers(core, "bo") == []
    assert "numbers from 1 to 4" in received(chat, "bo", "notice")[-1].text
    run(chat, "> 1 3", "> none", "> 2, 4", "> 2")
    for n, who in enumerate(MEMBERS[1:]):
        run(chat, f":as {who}", "> 1", "> 2", "> skip", f"> {3 + n % 2}")
    run(chat, AFTER_CLOSE)

    given = answers(core, "bo")
    assert [a.picks for a in given[:3]] == [
        ["listening-summarise", "listening-no-devices"],
        [],
        ["ownership-finished", "ownership-unasked"],
    ]
    assert given[3].rating == 2
    summary = received(chat, "bo", "thanks")[0].text
    assert "Summed up what someone said before answering; Put my laptop and phone away" in summary

    # The owner sees their own trend; nobody else sees it, and the digest never carries it.
    assert "Listening: 2" in status_of(chat, "bo")
    assert "Listening: 3" in status_of(chat, "cy")
    assert "Listening: 2" not in status_of(chat, "cy")
    assert "self-ratings" not in status_of(chat, "mo")
    body = received(chat, "mo", "digest")[0].text
    assert "How would you rate your listening" not in body
    assert "Average" not in body  # no rating in this run may be shared: the only one is private
    # Checklists are shared only as counts of a group of at least K (six answered).
    assert "Summed up what someone said before answering: 6" in body
    assert core.home(chat.actor("bo")).self_ratings[0].ratings == (2,)
    assert core.home(chat.actor("mo")).self_ratings == ()


def test_checklist_buttons_pick_and_take_back(chat: LocalChat, core: Coachbot) -> None:
    team(chat, prompts="self-assessment", questions=2)
    run(chat, MONDAY_9, ":as bo")
    question = received(chat, "bo", "question")[0]
    run(chat, f":press {question.id} 2")
    assert answers(core, "bo")[0].picks == ["listening-ask-more"]
    run(chat, f":press {question.id} 4", f":press {question.id} 2")
    assert answers(core, "bo")[0].picks == ["listening-quiet-voices"]
    assert "Your picks now: Invited a quieter person to speak" in received(chat, "bo", "notice")[-1].text


def test_the_competency_map_is_shown_in_the_persons_language(chat: LocalChat) -> None:
    org(chat, {"bo": NY})
    run(chat, ":person bo tz=UTC locale=de", ":as bo", "prompts competencies")
    shown = last_reply(chat)
    assert "*Kompetenzlandkarte*" in shown and "*Zuhören* (`listening`)" in shown
    assert "1. Zusammengefasst, was jemand gesagt hat" in shown


# -- prompts by command, versioned --------------------------------------------------------------------


def test_a_custom_prompt_added_by_command_edited_and_the_old_answer_keeps_its_words(
    chat: LocalChat, core: Coachbot
) -> None:
    org(chat, {"mo": NY, "bo": NY})
    run(chat, ":as bo", 'prompts add own own-focus --text "What will you focus on?"')
    assert "Only Coachbot admins" in last_reply(chat)
    run(
        chat,
        ":as ada",
        'prompts add own own-focus --text "What will you focus on?" --de "Worauf konzentrierst du dich?"',
        "prompts add own own-help --text What would help you most?",  # unquoted: --text takes the rest
        'prompts add own own-skills --kind scorecard --text "How are you?"',
    )
    assert "needs `--competency <id>`" in last_reply(chat)
    run(chat, 'prompts edit nope --text "x?"')
    assert "There is no prompt `nope`" in last_reply(chat)
    run(
        chat,
        "team create t --manager @mo",
        "team add t @bo",
        'cadence add p --team t --audience members --every "weekly mon" --at 09:00'
        " --prompts own --questions 1",
        MONDAY_9,
        ":as bo",
        "> Shipping the search page",
    )
    assert received(chat, "bo", "question")[0].text.endswith("What will you focus on?")
    run(chat, ":as ada", 'prompts edit own-focus --text "What is your one focus this week?"')
    assert "version 2" in last_reply(chat) and "German text was dropped" in last_reply(chat)

    run(chat, ":as bo", "history")
    shown = last_reply(chat)
    assert "What will you focus on?" in shown and "one focus this week" not in shown
    assert [(a.prompt_id, a.prompt_version) for a in answers(core, "bo")] == [("own-focus", 1)]

    # Next week asks the other prompt, the week after the edited words; retiring leaves it out.
    run(chat, ":advance to 2026-11-30 09:00 America/New_York", "> More quiet time")
    run(chat, ":advance to 2026-12-07 09:00 America/New_York", "> Reviews")
    asked = [m.text for m in received(chat, "bo", "question")]
    assert asked[1].endswith("What would help you most?")
    assert asked[2].endswith("What is your one focus this week?")
    run(chat, ":as ada", "prompts retire own-help", "prompts retire own-focus")
    assert "last prompt of *own*" in last_reply(chat)
    run(chat, ":advance to 2026-12-14 09:00 America/New_York")
    assert received(chat, "bo", "question")[-1].text.endswith("What is your one focus this week?")
    run(chat, ":as bo", "history")
    assert "What will you focus on?" in last_reply(chat)  # still the words bo answered in week one


# -- the organisation's folder, and export ------------------------------------------------------------


def write(folder: Path, name: str, data: dict[str, Any]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def own_set(*prompts: dict[str, Any]) -> dict[str, Any]:
    return {
        "set": "values",
        "description": {"en": "Our values", "de": "Unsere Werte"},
        "prompts": list(prompts),
    }


def prompt(prompt_id: str, **changes: Any) -> dict[str, Any]:
    base = {
        "id": prompt_id,
        "intent": "growth",
        "phase": "plan",
        "audience": "member",
        "kind": "text",
        "text": {"en": "Where did you show courage?", "de": "Wo hast du Mut gezeigt?"},
    }
    return {**base, **changes}


def test_the_organisations_folder_adds_sets_and_competencies(tmp_path: Path) -> None:
    write(tmp_path, "values.yaml", own_set(prompt("va-courage", kind="scorecard", competency="courage")))
    behaviours = [{"id": f"courage-{n}", "text": {"en": f"Brave {n}", "de": f"Mutig {n}"}} for n in (1, 2)]
    write(
        tmp_path,
        "competencies.yaml",
        {"competencies": [{"id": "courage", "name": {"en": "Courage"}, "behaviours": behaviours}]},
    )
    library = PromptLibrary.load(extra=tmp_path)
    assert library.get("va-courage").kind is PromptKind.SCORECARD
    assert "courage" in library.competencies and "listening" in library.competencies
    assert len(library) == len(PromptLibrary.load()) + 1


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"values.yaml": own_set(prompt("va-1"), prompt("va-2", kind="checklist", competency="bravery"))},
            "values.yaml, prompt 'va-2': unknown competency 'bravery' (known: listening,",
        ),
        (
            {"values.yaml": own_set(prompt("va-1", kind="checklist"))},
            "values.yaml, prompt 'va-1': a checklist prompt needs 'competency: <id>'",
        ),
        (
            {"values.yaml": own_set(prompt("tp-priorities-1"))},
            "values.yaml, prompt 'tp-priorities-1': duplicate id",
        ),
        (
            {"growth.yaml": {**own_set(prompt("va-1")), "set": "growth"}},
            "growth.yaml: set 'growth' is already defined in growth.yaml",
        ),
        (
            {
                "values.yaml": own_set(prompt("va-1")),
                "competencies.yaml": {
                    "competencies": [
                        {"id": "courage", "name": {"en": "C"}, "behaviours": [{"id": "Bad Id"}, {}]}
                    ]
                },
            },
            "competencies.yaml, competency 'courage', behaviour 'Bad Id': id 'Bad Id' is not kebab-case",
        ),
    ],
)
def test_a_bad_file_in_the_organisations_folder_is_refused_naming_file_and_entry(
    tmp_path: Path, files: dict[str, dict[str, Any]], message: str
) -> None:
    for name, data in files.items():
        write(tmp_path, name, data)
    with pytest.raises(PromptLibraryError) as info:
        PromptLibrary.load(extra=tmp_path)
    assert str(info.value).startswith(message)


def test_chat_refuses_to_start_with_a_bad_prompts_dir_in_one_line(tmp_path: Path) -> None:
    write(tmp_path / "own", "values.yaml", own_set(prompt("va-1", intent="bravery")))
    result = CliRunner().invoke(
        app,
        ["chat", "--database", f"sqlite:///{tmp_path / 'c.db'}"],
        env={"COACHBOT_PROMPTS_DIR": str(tmp_path / "own")},
        input="",
    )
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "coachbot: COACHBOT_PROMPTS_DIR: values.yaml, prompt 'va-1': unknown intent 'bravery'"
    )


def test_the_export_loads_back_as_the_same_library(chat: LocalChat, core: Coachbot, tmp_path: Path) -> None:
    org(chat, {"bo": NY})
    run(
        chat,
        'prompts add own own-focus --text "What will you focus on?" --de "Worauf konzentrierst du dich?"',
        'prompts edit tp-growth-2 --text "Which skill will you practise next?"',
        "prompts retire tp-recognition-2",
    )
    with core.database.session() as session:
        library = core.prompts.current(session)
    bundle = tmp_path / "library.yaml"
    bundle.write_text(library_yaml(library), encoding="utf-8")
    loaded = PromptLibrary.load(bundle)

    assert [s.name for s in loaded.sets()] == [s.name for s in library.sets()]
    assert {p.id: dict(p.texts) for p in loaded.prompts()} == {p.id: dict(p.texts) for p in library.prompts()}
    assert loaded.get("tp-growth-2").texts == {"en": "Which skill will you practise next?"}
    assert loaded.get("own-focus").texts["de"] == "Worauf konzentrierst du dich?"
    assert not loaded.knows("tp-recognition-2")
    assert [c.id for c in loaded.competencies] == [c.id for c in library.competencies]
    assert {p.id: p.competency for p in loaded.prompts()} == {p.id: p.competency for p in library.prompts()}


def test_the_export_command_writes_a_file_the_validator_accepts(tmp_path: Path) -> None:
    out = tmp_path / "all.yaml"
    runner = CliRunner()
    database = f"sqlite:///{tmp_path / 'e.db'}"
    written = runner.invoke(app, ["prompts", "export", "--database", database, "--out", str(out)], env={})
    assert written.exit_code == 0, written.output
    checked = runner.invoke(app, ["prompts", "validate", str(out)])
    assert checked.exit_code == 0 and f"{len(PromptLibrary.load())} prompts" in checked.output


def test_the_shipped_library_has_a_quarter_of_prompts_per_pathway_and_phase() -> None:
    """A weekly check-in of three questions asks 39 in a quarter; people on a pathway get one in
    three from it (13), and every phase has a set's worth for each audience."""
    library = PromptLibrary.load()
    prompts = library.prompts()
    assert len(prompts) >= 120
    for audience in PromptAudience:
        for pathway in Pathway:
            tagged = [p for p in prompts if pathway in p.pathways and p.audience is audience]
            assert len(tagged) >= 13, (pathway, audience)
        for phase in Phase:
            assert len([p for p in prompts if p.phase is phase and p.audience is audience]) >= 13
    kinds = {p.kind for p in prompts}
    assert {PromptKind.CHECKLIST, PromptKind.SCORECARD} <= kinds
    assert all(p.competency in library.competencies for p in prompts if p.kind in NEEDS_COMPETENCY)


def test_an_answer_from_before_versions_were_kept_shows_the_files_words() -> None:
    files = PromptLibrary.load()
    shipped = files.get("tp-growth-2")
    edited = replace(shipped, texts={"en": "Which skill next?"}, version=2)
    retired = replace(shipped, texts={"en": "Which skill next?"}, version=3, retired=True)
    library = files.with_versions([retired, edited])
    assert library.asked("tp-growth-2", None) is shipped  # answers.prompt_version is empty: version 1
    assert library.asked("tp-growth-2", 2).texts == {"en": "Which skill next?"}
    assert library.get("tp-growth-2").retired and library.knows("tp-growth-2")
    assert "tp-growth-2" not in {p.id for p in library.set("team-pulse").prompts}
    assert len(library) == len(files) - 1
