"""`coachbot prompts export`: the whole library in use — files, ``COACHBOT_PROMPTS_DIR`` and the
database's latest versions — as one YAML bundle that :meth:`bot.prompts.PromptLibrary.load` reads
back (a document for the competency map, then one per set, each in the prompt-file format)."""

from __future__ import annotations

from typing import Any

import yaml

from bot.domain import CadenceLength
from bot.prompt_schema import ANY_PHASE
from bot.prompts import Prompt, PromptLibrary, PromptSet

DATABASE_SET_DESCRIPTION = {"en": "Prompts your organisation added with `prompts add`."}
"""A set that only exists in the database has no description of its own; the file format needs one."""


def _prompt(prompt: Prompt) -> dict[str, Any]:
    phase = prompt.phase.value if prompt.phase is not None else ANY_PHASE
    entry: dict[str, Any] = {"id": prompt.id, "intent": prompt.intent.value, "phase": phase}
    if prompt.pathways:
        entry["pathways"] = sorted(p.value for p in prompt.pathways)
    entry["audience"] = prompt.audience.value
    entry["kind"] = prompt.kind.value
    if prompt.suits != frozenset(CadenceLength):
        entry["suits"] = sorted(length.value for length in prompt.suits)
    if prompt.competency is not None:
        entry["competency"] = prompt.competency
    entry["text"] = dict(prompt.texts)
    return entry


def _set(prompt_set: PromptSet) -> dict[str, Any]:
    described = {lang: text for lang, text in prompt_set.descriptions.items() if text}
    return {
        "set": prompt_set.name,
        "description": described or dict(DATABASE_SET_DESCRIPTION),
        "prompts": [_prompt(p) for p in prompt_set.prompts],
    }


def library_yaml(library: PromptLibrary) -> str:
    documents: list[dict[str, Any]] = []
    if len(library.competencies):
        documents.append(
            {
                "competencies": [
                    {
                        "id": c.id,
                        "name": dict(c.names),
                        "behaviours": [{"id": b.id, "text": dict(b.texts)} for b in c.behaviours],
                    }
                    for c in library.competencies
                ]
            }
        )
    documents += [_set(s) for s in library.sets()]
    return yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False, width=120)
