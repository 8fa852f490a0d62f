"""The prompt library by command: the competency map for anyone; adding, editing and retiring
prompts for admins (stored as versions by :mod:`bot.prompt_store`).

A change is checked against the library as it stands, so a refused command stores nothing; the
new version reaches every replica at its next event or tick (:class:`bot.prompt_store.LibraryCache`).
"""

from __future__ import annotations

from types import MappingProxyType

from bot.commands import ast as A
from bot.context import Context
from bot.domain import Intent, Phase, PromptAudience, PromptKind
from bot.messages import Para, Reply
from bot.prompt_store import Tags, store_version
from bot.prompts import Prompt, PromptLibrary

DEFAULT_INTENT = Intent.GROWTH
DEFAULT_PHASE = Phase.EXECUTE  # the longest part of a business cycle
NEEDS_COMPETENCY = frozenset({PromptKind.CHECKLIST, PromptKind.SCORECARD})


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def competencies(ctx: Context, cmd: A.PromptCompetencies) -> list[Reply]:
    t, locale = ctx.t, ctx.person.locale
    found = list(ctx.library.competencies)
    if not found:
        return _say(t._("This library has no competency map yet."))
    lines = [t._("*Competency map*")]
    for competency in found:
        lines.append(t._("*{name}* (`{id}`)", name=competency.name_for(locale), id=competency.id))
        lines.extend(
            t._("{number}. {behaviour}", number=n, behaviour=b.text_for(locale))
            for n, b in enumerate(competency.behaviours, start=1)
        )
    lines.append(
        t._(
            "Checklist prompts ask which of these you practised; scorecard prompts ask you to rate yourself,"
            " and only you ever see those ratings."
        )
    )
    return _say(*lines)


def _unknown(ctx: Context, prompt_id: str) -> list[Reply]:
    return _say(
        ctx.t._(
            "There is no prompt `{id}`. `prompts <set>` lists each set's prompts with their ids.",
            id=prompt_id,
        )
    )


def _texts(text: str, de: str | None) -> MappingProxyType[str, str]:
    return MappingProxyType({"en": text, **({"de": de} if de else {})})


def add(ctx: Context, cmd: A.PromptAdd) -> list[Reply]:
    t, library = ctx.t, ctx.library
    if library.knows(cmd.id):
        return _say(
            t._(
                "There is already a prompt `{id}`; change its words with `prompts edit {id} --text …`.",
                id=cmd.id,
            )
        )
    kind = cmd.kind or PromptKind.TEXT
    if kind in NEEDS_COMPETENCY and cmd.competency is None:
        return _say(
            t._("A {kind} prompt needs `--competency <id>`; `prompts competencies` lists them.", kind=kind)
        )
    if cmd.competency is not None and cmd.competency not in library.competencies:
        known = t.list(library.competencies.ids())
        return _say(t._("There is no competency `{id}`. Known: {known}.", id=cmd.competency, known=known))
    tags = Tags(
        set=cmd.set,
        intent=cmd.intent or DEFAULT_INTENT,
        phase=cmd.phase or DEFAULT_PHASE,
        audience=cmd.audience or _audience_of(library, cmd.set),
        kind=kind,
        competency=cmd.competency,
    )
    store_version(
        ctx.session,
        prompt_id=cmd.id,
        version=1,
        tags=tags,
        texts=_texts(cmd.text, cmd.de),
        by=ctx.person,
        now=ctx.now,
    )
    lines = [t._("Added `{id}` to the set *{set}*.", id=cmd.id, set=cmd.set)]
    if library.has_set(cmd.set):
        lines.append(t._("Cadences that use *{set}* can ask it from their next check-in.", set=cmd.set))
    else:
        lines.append(t._("*{set}* is a new set: `cadence add … --prompts {set}` asks from it.", set=cmd.set))
    if cmd.de is None:
        lines.append(t._("It has no German text yet, so German speakers see the English."))
    return _say(*lines)


def _audience_of(library: PromptLibrary, set_name: str) -> PromptAudience:
    """A set written for one audience keeps to it; otherwise a new prompt is for members."""
    if library.has_set(set_name):
        audiences = {p.audience for p in library.set(set_name).prompts}
        if len(audiences) == 1:
            return audiences.pop()
    return PromptAudience.MEMBER


def _current(ctx: Context, prompt_id: str) -> Prompt | None:
    return ctx.library.get(prompt_id) if ctx.library.knows(prompt_id) else None


def edit(ctx: Context, cmd: A.PromptEdit) -> list[Reply]:
    t = ctx.t
    prompt = _current(ctx, cmd.id)
    if prompt is None:
        return _unknown(ctx, cmd.id)
    if prompt.retired:
        return _say(t._("`{id}` is retired; add a new prompt instead of editing it.", id=cmd.id))
    texts = _texts(cmd.text, cmd.de)
    if dict(texts) == dict(prompt.texts):
        return _say(t._("`{id}` already has exactly these words; nothing changed.", id=cmd.id))
    version = prompt.version + 1
    store_version(
        ctx.session,
        prompt_id=cmd.id,
        version=version,
        tags=Tags.of(prompt),
        texts=texts,
        by=ctx.person,
        now=ctx.now,
    )
    lines = [
        t._(
            "`{id}` now reads as version {version}. Answers already given keep the words they answered.",
            id=cmd.id,
            version=version,
        )
    ]
    if cmd.de is None and "de" in prompt.texts:
        lines.append(t._("Its German text was dropped with the old words; add one with `--de`."))
    return _say(*lines)


def retire(ctx: Context, cmd: A.PromptRetire) -> list[Reply]:
    t, library = ctx.t, ctx.library
    prompt = _current(ctx, cmd.id)
    if prompt is None:
        return _unknown(ctx, cmd.id)
    if prompt.retired:
        return _say(t._("`{id}` is already retired.", id=cmd.id))
    others = [p for p in library.set(prompt.set).for_audience(prompt.audience) if p.id != prompt.id]
    if not others:
        return _say(
            t._(
                "`{id}` is the last prompt of *{set}* for its audience, and cadences using the set need one."
                " Add another first.",
                id=cmd.id,
                set=prompt.set,
            )
        )
    store_version(
        ctx.session,
        prompt_id=cmd.id,
        version=prompt.version + 1,
        tags=Tags.of(prompt),
        texts=prompt.texts,
        retired=True,
        by=ctx.person,
        now=ctx.now,
    )
    return _say(
        t._("Retired `{id}`: no check-in asks it from now on; answers already given keep it.", id=cmd.id)
    )
