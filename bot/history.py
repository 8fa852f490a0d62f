"""`history [cadence]`: the person's own past check-ins and answers, newest first.

Only ever the asker's own record: their words as they gave them (``Quote``), questions they
skipped marked as skipped, and an edit made after the window closed shown as a revision next to
the answer that counted. Bounded, so a long history stays one readable message; `privacy export`
has everything.
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from bot.context import Context
from bot.i18n import N_
from bot.messages import Para, Part, Quote, Reply
from bot.self_assessment import answer_text
from storage.models import REMOVED_MARK, Answer, Cadence, Checkin, name_key

LIMIT = 10

STATES = {
    "open": N_("open"),
    "done": N_("answered"),
    "closed": N_("closed before every question was answered"),
    "missed": N_("missed"),
    "declined": N_("declined"),
}


def history(ctx: Context, cadence_name: str | None) -> list[Reply]:
    t, session = ctx.t, ctx.session
    query = (
        select(Checkin)
        .outerjoin(Cadence, Cadence.id == Checkin.cadence_id)  # onboarding check-ins have no cadence
        .where(Checkin.person_id == ctx.person.id, Checkin.opened_at <= ctx.now)
    )
    if cadence_name is not None:
        key = name_key(cadence_name)
        # By stored key, in any case; a removed cadence keeps its answers under a marked key
        # ("<key>~<id>"), and its history is still yours.
        query = query.where(
            Cadence.workspace_id == ctx.workspace.id,
            or_(Cadence.name_key == key, Cadence.name_key.startswith(key + REMOVED_MARK, autoescape=True)),
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if total == 0:
        return _nothing(ctx, cadence_name)
    shown = session.scalars(query.order_by(Checkin.opened_at.desc(), Checkin.id.desc()).limit(LIMIT)).all()
    parts: list[Part] = [
        Para(
            t.n_("*Your last check-in*", "*Your last {count} check-ins*, newest first", len(shown))
            if cadence_name is None
            else t.n_(
                "*Your last check-in of {cadence}*",
                "*Your last {count} check-ins of {cadence}*, newest first",
                len(shown),
                cadence=shown[0].cadence.label if shown[0].cadence is not None else cadence_name,
            )
        )
    ]
    for checkin in shown:
        parts.extend(_checkin(ctx, checkin))
    if total > len(shown):
        parts.append(
            Para(
                t.n_(
                    "_{count} older check-in is not shown; `privacy export` has all of them._",
                    "_{count} older check-ins are not shown; `privacy export` has all of them._",
                    total - len(shown),
                )
            )
        )
    return [Reply(tuple(parts))]


def _nothing(ctx: Context, cadence_name: str | None) -> list[Reply]:
    t = ctx.t
    if cadence_name is None:
        text = t._("You have no check-ins yet. `status` shows when the next one comes.")
    else:
        known = ctx.session.scalar(
            select(Cadence.id).where(
                Cadence.workspace_id == ctx.workspace.id, Cadence.name_key == name_key(cadence_name)
            )
        )
        text = (
            t._("You have no check-ins of *{cadence}* yet.", cadence=cadence_name)
            if known is not None
            else t._("There is no cadence called *{cadence}*. `status` lists yours.", cadence=cadence_name)
        )
    return [Reply((Para(text),))]


def _checkin(ctx: Context, checkin: Checkin) -> list[Part]:
    t, locale, zone = ctx.t, ctx.person.locale, ctx.person.timezone
    parts: list[Part] = [
        Para(
            t._(
                "*{cadence}* — {date}: {state}",
                cadence=checkin.cadence.label if checkin.cadence is not None else t._("Onboarding"),
                date=t.full_date(checkin.occurrence_date),
                state=t._(STATES.get(checkin.state, STATES["closed"])),
            )
        )
    ]
    answers = ctx.session.scalars(
        select(Answer).where(Answer.checkin_id == checkin.id).order_by(Answer.question)
    ).all()
    for answer in answers:
        question = ctx.library.asked(answer.prompt_id, answer.prompt_version).text_for(locale)
        if answer.skipped:
            parts.append(Para(t._("_{question}_ — skipped", question=question)))
            continue
        parts.append(Para(f"_{question}_"))
        parts.append(Quote(answer_text(ctx.library, answer, t, locale)))
        if answer.late:
            parts.append(Para(t._("_Late: kept for your own record, not part of the team results._")))
        if answer.revised_text is not None:
            when = t.when(answer.revised_at, zone) if answer.revised_at else ""
            parts.append(
                Para(
                    t._(
                        "_Revised on {when}, after the check-in closed (your own record only):_",
                        when=when,
                    )
                )
            )
            parts.append(Quote(answer.revised_text))
    return parts
