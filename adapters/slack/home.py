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
from bot.views import HomeView

MAX_VIEW_BLOCKS = 100
HOME_ACTION_PREFIX = "coach_home"


def _md(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text, verbatim=True))


def _when(instant: datetime) -> str:
    """A Slack date token: shown in the *reader's* time zone, with a UTC fallback."""
    unix = int(instant.timestamp())
    return f"<!date^{unix}^{{date_short_pretty}} {{time}}|{instant:%Y-%m-%d %H:%M} UTC>"


def privacy_actions() -> ActionsBlock:
    """Privacy controls; each button runs the matching ``/coach privacy`` command for the viewer."""
    return ActionsBlock(
        block_id="coach_home_privacy",
        elements=[
            ButtonElement(
                text="What's stored about me", action_id=f"{HOME_ACTION_PREFIX}_show", value="privacy"
            ),
            ButtonElement(
                text="Export my data", action_id=f"{HOME_ACTION_PREFIX}_export", value="privacy export"
            ),
            ButtonElement(
                text="Delete my data",
                action_id=f"{HOME_ACTION_PREFIX}_delete",
                value="privacy delete",
                style="danger",
                confirm=ConfirmObject(
                    title="Delete your data?",
                    text="Your answers and profile are removed. Aggregates already shown stay as they are.",
                    confirm="Delete",
                    deny="Cancel",
                ),
            ),
        ],
    )


def home_blocks(view: HomeView) -> list[Block]:
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text="Coachbot")),
        _md(f"Hi *{escape(view.display_name)}* — your time zone is `{escape(view.timezone)}`."),
        DividerBlock(),
        _md("*Your open check-ins*"),
    ]
    if view.open_checkins:
        blocks.extend(
            _md(f"• *{escape(c.cadence)}* — {c.answered}/{c.total} answered, closes {_when(c.closes_at)}")
            for c in view.open_checkins
        )
    else:
        blocks.append(_md("_Nothing open right now._"))
    blocks.append(_md("*Next nudges*"))
    if view.next_nudges:
        for n in view.next_nudges:
            note = f" ({escape(n.note)})" if n.note else ""
            blocks.append(_md(f"• *{escape(n.cadence)}* — {_when(n.due_at)}{note}"))
    else:
        blocks.append(_md("_None scheduled._"))
    blocks.extend(
        [
            _md("*Privacy*: answers to team feedback are anonymous and shown only in aggregate."),
            privacy_actions(),
        ]
    )
    if view.is_manager:
        blocks.extend([DividerBlock(), _md("*Your latest digests*")])
        if not view.digests:
            blocks.append(_md("_No digest yet._"))
        for digest in view.digests:
            blocks.append(_md(f"*{escape(digest.cadence)}* — {digest.occurrence_date.isoformat()}"))
            blocks.extend(render_parts(digest.parts, max_blocks=20))
    if view.is_admin:
        blocks.extend([DividerBlock(), _md("*Cadences at a glance*")])
        if not view.cadences:
            blocks.append(_md("_No cadence yet: `/coach cadence add` opens a form._"))
        for c in view.cadences:
            state = "paused" if c.paused else "active"
            last = c.last_run.isoformat() if c.last_run else "never"
            rate = (
                f"{c.answered}/{c.invited} answered"
                if c.answered is not None and c.invited is not None
                else "below the privacy threshold"
            )
            line = f"• *{escape(c.name)}* ({escape(c.team)}) — {escape(c.schedule)}, {state}"
            blocks.append(_md(f"{line}; last run {last}: {rate}"))
        if view.needs_app:
            names = ", ".join(escape(n) for n in view.needs_app)
            blocks.append(
                ContextBlock(elements=[MarkdownTextObject(text=f"Can't message yet: {names}", verbatim=True)])
            )
    if len(blocks) > MAX_VIEW_BLOCKS:
        blocks = [*blocks[: MAX_VIEW_BLOCKS - 1], _md("_More than fits here — see `/coach status`._")]
    return blocks


def home_view(view: HomeView) -> View:
    return View(type="home", blocks=home_blocks(view))
