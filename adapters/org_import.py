"""`coachbot import`: an HR file into one workspace, with the platform's directory for emails.

The core (:mod:`bot.org_import`) needs, for an email nobody stored yet, a way to ask the platform
who that is. Slack answers ``users.lookupByEmail`` when a bot token is configured
(``SLACK_BOT_TOKEN``; the ``users:read.email`` scope). Teams has no such lookup a bot can make
outside a conversation without Microsoft Graph rights, so there, as in the local chat, an email is
resolved only against people already stored with it (from an earlier import, a Slack profile or a
Teams roster sync).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from bot.hr_file import Problem, read_hr_file
from bot.i18n import Tr, tr
from bot.org_diff import render_plan
from bot.org_import import EmailLookup, apply_plan, plan_import, workspaces_of
from bot.people import workspace_for
from storage.db import open_database

PLATFORMS = ("slack", "teams", "local")


class ImportRefused(Exception):
    """The file, or the command line, cannot be imported; ``lines`` say why (nothing was changed)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def import_file(
    text: str,
    *,
    database: str | None,
    platform: str,
    workspace: str | None,
    dry_run: bool,
    env: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> list[str]:
    """Import (or with ``dry_run`` only plan) the file; the lines to print. Raises ImportRefused."""
    from adapters.server import load_env

    t = tr("en")
    if platform not in PLATFORMS:
        raise ImportRefused([f"--platform must be one of {', '.join(PLATFORMS)}, not {platform!r}"])
    env = load_env() if env is None else env
    rows, problems = read_hr_file(text)
    if problems:
        raise ImportRefused([*(_line(t, p) for p in problems), _nothing_imported(t)])
    db = open_database(database or env.get("DATABASE_URL"))
    try:
        with db.session() as session:
            known = workspaces_of(session, platform)
            if workspace is None:
                if len(known) != 1:
                    listed = ", ".join(known) or "none yet"
                    raise ImportRefused(
                        [f"name the workspace with --workspace (known on {platform}: {listed})"]
                    )
                workspace = known[0]
            now = now or datetime.now(UTC)
            ws = workspace_for(session, platform=platform, external_id=workspace, now=now)
            try:
                plan = plan_import(session, ws, rows, lookup=email_lookup(platform, env))
            except DirectoryError as exc:
                raise ImportRefused([str(exc), _nothing_imported(t)]) from exc
            lines = render_plan(plan, t)
            if plan.problems:
                raise ImportRefused([*lines, _nothing_imported(t)])
            if dry_run:
                raise _DryRun([*lines, t._("Dry run: nothing was changed.")])
            apply_plan(session, ws, plan, now=now)
            return [*lines, t._("Imported.")] if plan.changed else lines
    except _DryRun as done:  # raised inside the session, so that it rolls back
        return done.lines
    finally:
        db.dispose()


class _DryRun(Exception):
    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines


class DirectoryError(Exception):
    """The platform's directory could not be asked (a network error, a missing scope)."""


def _line(t: Tr, problem: Problem) -> str:
    return t._("Line {line}: {problem}", line=problem.line, problem=problem.message.render(t))


def _nothing_imported(t: Tr) -> str:
    return t._("Nothing was imported; fix these lines and run the import again.")


def email_lookup(platform: str, env: Mapping[str, str]) -> EmailLookup | None:
    """The platform's directory, where there is one a bot can ask (Slack with a bot token)."""
    token = env.get("SLACK_BOT_TOKEN")
    if platform != "slack" or not token:
        return None
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    base = env.get("SLACK_API_URL") or "https://slack.com/api/"
    client = WebClient(token=token, base_url=base if base.endswith("/") else base + "/")

    def lookup(email: str) -> str | None:
        try:
            answer = client.users_lookupByEmail(email=email)
        except SlackApiError as exc:
            if exc.response.get("error") == "users_not_found":
                return None
            raise DirectoryError(f"Slack users.lookupByEmail failed: {exc.response.get('error')}") from exc
        except OSError as exc:
            raise DirectoryError(f"Slack could not be reached: {exc}") from exc
        user = answer.get("user") or {}
        return str(user["id"]) if user.get("id") else None

    return lookup
