"""`pathway set`, `pathway clear` and `pathway length`: pathways per person (issue 10, section 3).

Who may set a pathway is decided here, per person (:func:`bot.pathways.may_set`), because the
registry's permission only knows admins and everyone. The person is always told, in their own
language, by a direct message of their own.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot import onboarding, outbox, pathways, people, working_hours
from bot.commands import ast as A
from bot.context import Context
from bot.i18n import tr
from bot.messages import Para, Reply
from bot.pathways import describe, name_of
from bot.schedule import next_working_moment
from storage.models import Person


def _say(*lines: str) -> list[Reply]:
    return [Reply(tuple(Para(line) for line in lines))]


def _subject(ctx: Context, mention: A.Mention) -> Person | list[Reply]:
    subject = people.resolve(ctx.session, ctx.workspace, mention)
    if subject is None:
        name = mention.label or mention.ref
        return _say(ctx.t._("I don't know {name} yet; nothing was changed.", name=name))
    if not pathways.may_set(ctx.session, actor=ctx.person, subject=subject):
        return _say(
            ctx.t._(
                "You can set pathways only for the members of teams you lead; an admin can set anyone's."
                " Nothing was changed."
            )
        )
    return subject


def _tell(ctx: Context, subject: Person, key: str, text: str) -> None:
    """A direct message to the person a pathway is about (not when they changed their own)."""
    if subject.id == ctx.person.id:
        return
    # Not in the middle of their night: it waits for their next working moment, like a digest.
    policy = working_hours.policy_for(ctx.session, subject)
    outbox.enqueue(
        ctx.session,
        key=key,
        person=subject,
        kind="notice",
        now=ctx.now,
        not_before=next_working_moment(ctx.now, policy),
        parts=(Para(text),),
    )


def pathway_set(ctx: Context, cmd: A.PathwaySet) -> list[Reply]:
    t, session = ctx.t, ctx.session
    found = _subject(ctx, cmd.person)
    if isinstance(found, list):
        return found
    subject = found
    today = pathways.today_for(subject, ctx.now)
    start = cmd.start or today
    if cmd.until is not None:
        ends: date | None = cmd.until + timedelta(days=1)
    else:
        ends = pathways.end_date(start, pathways.length_days(session, ctx.workspace, cmd.pathway))
    if ends is not None and ends <= today:
        return _say(t._("That pathway would already be over; give a later `--until`. Nothing was changed."))
    now_on = pathways.current(session, subject, ctx.now)
    if now_on is not None and (now_on.pathway, now_on.starts, now_on.ends) == (cmd.pathway, start, ends):
        return _say(
            t._(
                "{name} is already on the {pathway} pathway.",
                name=subject.display_name,
                pathway=name_of(t, cmd.pathway),
            )
        )
    row = pathways.assign(
        session, person=subject, pathway=cmd.pathway, starts=start, ends=ends, set_by=ctx.person, now=ctx.now
    )
    steps = onboarding.plan(session, row, now=ctx.now)
    theirs = tr(subject.locale)
    _tell(
        ctx,
        subject,
        f"pathway:{row.id}",
        theirs._(
            "{setter} put you on a pathway: {pathway}. Some questions in your check-ins will come from it;"
            " your answers stay as private as any other. `status` shows it.",
            setter=ctx.person.display_name,
            pathway=describe(theirs, row, today=today),
        ),
    )
    lines = [
        t._(
            "{name} is now on the pathway {pathway}.",
            name=subject.display_name,
            pathway=describe(t, row, today=today),
        )
    ]
    if steps and any(step.recipient_id != subject.id for step in steps):
        lines.append(
            t.n_(
                "{count} onboarding check-in is planned for them and their leads.",
                "{count} onboarding check-ins are planned for them and their leads.",
                len(steps),
            )
        )
    elif steps:
        lines.append(
            t.n_(
                "{count} onboarding check-in is planned for them; they have no lead yet to ask along.",
                "{count} onboarding check-ins are planned for them; they have no lead yet to ask along.",
                len(steps),
            )
        )
    if subject.id != ctx.person.id:
        lines.append(t._("They have been told."))
    return _say(*lines)


def pathway_clear(ctx: Context, cmd: A.PathwayClear) -> list[Reply]:
    t = ctx.t
    found = _subject(ctx, cmd.person)
    if isinstance(found, list):
        return found
    subject = found
    row = pathways.clear(ctx.session, subject, ctx.now)
    if row is None:
        return _say(t._("{name} is not on a pathway; nothing to clear.", name=subject.display_name))
    theirs = tr(subject.locale)
    _tell(
        ctx,
        subject,
        f"pathway-clear:{row.id}",
        theirs._(
            "{setter} ended your pathway ({pathway}). Your check-ins ask their usual questions again.",
            setter=ctx.person.display_name,
            pathway=name_of(theirs, row.pathway),
        ),
    )
    return _say(
        t._(
            "{name} is no longer on the {pathway} pathway.",
            name=subject.display_name,
            pathway=name_of(t, row.pathway),
        )
    )


def pathway_length(ctx: Context, cmd: A.PathwayLength) -> list[Reply]:
    t = ctx.t
    pathways.set_length(ctx.session, ctx.workspace, cmd.pathway, cmd.days)
    return _say(
        t.n_(
            "From now on the {pathway} pathway lasts {count} day unless `--until` says otherwise.",
            "From now on the {pathway} pathway lasts {count} days unless `--until` says otherwise.",
            cmd.days,
            pathway=name_of(t, cmd.pathway),
        )
    )
