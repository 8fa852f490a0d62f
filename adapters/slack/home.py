"""App Home: the core's :class:`~bot.views.HomeView` as a Slack Home tab (``views.publish``).

The core has already applied every privacy rule (threshold, anonymity) to the
view; this module only lays it out. Names and cadence names are people's text,
so they are escaped like everything else.
"""

from __future__ import annotations

from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.render import escape, render_parts
from bot.i18n import Tr, tr
from bot.views import CadenceGlance, HomeView

MAX_VIEW_BLOCKS = 100
HOME_ACTION_PREFIX = "coach_home"


def _md(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text, verbatim=True))


def _when(instant: datetime) -> str:
    """A Slack date token: shown in the *reader's* time zone, with a UTC fallback."""
    unix = int(instant.timestamp())
    return f"<!date^{unix}^{{date_short_pretty}} {{time}}|{instant:%Y-%m-%d %H:%M} UTC>"


def privacy_actions(t: Tr) -> ActionsBlock:
    """Privacy controls; each button runs the matching ``/coach privacy`` command for the viewer."""
    return ActionsBlock(
        block_id="coach_home_privacy",
        elements=[
            ButtonElement(
                text=t._("What's stored about me"), action_id=f"{HOME_ACTION_PREFIX}_show", value="privacy"
            ),
            ButtonElement(
                text=t._("Export my data"), action_id=f"{HOME_ACTION_PREFIX}_export", value="privacy export"
            ),
            ButtonElement(
                text=t._("Delete my data"),
                action_id=f"{HOME_ACTION_PREFIX}_delete",
                value="privacy delete",
                style="danger",
                confirm=ConfirmObject(
                    title=t._("Delete your data?"),
                    text=t._(
                        "Your check-ins and answers are erased, and so are your words in digests. "
                        "Totals that never named you stay as they are."
                    ),
                    confirm=t._("Delete"),
                    deny=t._("Cancel"),
                ),
            ),
        ],
    )


def home_blocks(view: HomeView) -> list[Block]:
    t = tr(view.locale)
    greeting = t._(
        "Hi {name} — your time zone is {zone}.",
        name=f"*{escape(view.display_name)}*",
        zone=f"`{escape(view.timezone)}`",
    )
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Coachbot")),
        _md(greeting),
        DividerBlock(),
        _md("*" + t._("Your open check-ins") + "*"),
    ]
    if view.open_checkins:
        blocks.extend(
            _md(
                "• "
                + t._(
                    "{cadence} — {answered} of {total} answered, closes {when}",
                    cadence=f"*{escape(c.cadence)}*",
                    answered=t.number(c.answered),
                    total=t.number(c.total),
                    when=_when(c.closes_at),
                )
            )
            for c in view.open_checkins
        )
    else:
        blocks.append(_md("_" + t._("Nothing open right now.") + "_"))
    blocks.append(_md("*" + t._("Next nudges") + "*"))
    for n in view.next_nudges:
        note = f" ({escape(n.note)})" if n.note else ""
        blocks.append(_md(f"• *{escape(n.cadence)}* — {_when(n.due_at)}{note}"))
    for name in view.paused:
        blocks.append(_md("• " + t._("{cadence} — paused", cadence=f"*{escape(name)}*")))
    if not view.next_nudges and not view.paused:
        blocks.append(_md("_" + t._("None scheduled.") + "_"))
    blocks.extend(render_parts(view.commitments, t=t, max_blocks=10))
    if view.self_ratings:
        blocks.append(_md("*" + t._("Your self-ratings (only you see these)") + "*"))
        blocks.extend(
            _md(
                t._(
                    "• {competency}: {ratings}",
                    competency=escape(r.competency),
                    ratings=" → ".join(map(str, r.ratings)),
                )
            )
            for r in view.self_ratings
        )
    blocks.extend(
        [
            _md(
                t._(
                    "*Privacy*: answers to team feedback are anonymous and shown only in aggregate, "
                    "once enough people have answered."
                )
            ),
            privacy_actions(t),
        ]
    )
    if view.is_manager:
        blocks.extend([DividerBlock(), _md("*" + t._("Your latest digests") + "*")])
        if not view.digests:
            blocks.append(_md("_" + t._("No digest yet.") + "_"))
        for digest in view.digests:
            blocks.append(_md(f"*{escape(digest.cadence)}* — {escape(t.date(digest.occurrence_date))}"))
            blocks.extend(render_parts(digest.parts, t=t, max_blocks=20))
    if view.is_admin:
        blocks.extend([DividerBlock(), _md("*" + t._("Cadences at a glance") + "*")])
        if not view.cadences:
            blocks.append(_md("_" + t._("No cadence yet: `/coach cadence add` opens a form.") + "_"))
        for c in view.cadences:
            blocks.append(_md("• " + _glance(c, t)))
        if view.needs_app:
            names = escape(t.list(view.needs_app))
            blocks.append(
                ContextBlock(
                    elements=[
                        MarkdownTextObject(text=t._("Can't message yet: {names}", names=names), verbatim=True)
                    ]
                )
            )
    if len(blocks) > MAX_VIEW_BLOCKS:
        more = t._("More than fits here — see `/coach status`.")
        blocks = [*blocks[: MAX_VIEW_BLOCKS - 1], _md("_" + more + "_")]
    return blocks


def _glance(c: CadenceGlance, t: Tr) -> str:
    """One cadence for admins: schedule, state, and its last closed run's participation if allowed."""
    values = {"cadence": f"*{escape(c.name)}*", "team": escape(c.team), "schedule": escape(c.schedule)}
    head = (
        t._("{cadence} ({team}) — {schedule}, paused", **values)
        if c.paused
        else t._("{cadence} ({team}) — {schedule}, active", **values)
    )
    if c.last_run is None:
        return head + "; " + t._("no run has closed yet")
    day = escape(t.date(c.last_run))
    if c.answered is None or c.invited is None:
        return head + "; " + t._("last run {date}: below the privacy threshold", date=day)
    rate = t._(
        "last run {date}: {answered} of {invited} answered",
        date=day,
        answered=t.number(c.answered),
        invited=t.number(c.invited),
    )
    return head + "; " + rate


def home_view(view: HomeView) -> View:
    return View(type="home", blocks=home_blocks(view))
