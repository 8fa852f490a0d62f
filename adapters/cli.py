"""The `coachbot` command line: the composition root that wires core, storage and adapters."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Coachbot: coaching check-ins for Slack, Teams and a local chat.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
prompts_app = typer.Typer(help="The coaching prompt library.", no_args_is_help=True)
teams_app = typer.Typer(help="Microsoft Teams helpers.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(prompts_app, name="prompts")
app.add_typer(teams_app, name="teams")

DatabaseOption = Annotated[
    str | None,
    typer.Option("--database", help="SQLAlchemy URL; default: DATABASE_URL, else sqlite:///coachbot.db"),
]
StartOption = Annotated[
    str | None, typer.Option("--start", help="Start the chat clock here (ISO 8601, e.g. 2026-11-23T08:00Z)")
]


def _fail(message: str) -> typer.Exit:
    typer.echo(f"coachbot: {message}", err=True)
    return typer.Exit(code=2)


def _start(start: str | None) -> datetime:
    if start is None:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        instant = datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _fail(f"--start {start!r} is not an ISO 8601 time like 2026-11-23T08:00Z") from exc
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


PROMPTS_DIR = "COACHBOT_PROMPTS_DIR"


def _library(env: Mapping[str, str]):  # type: ignore[no-untyped-def]
    """The shipped library plus the organisation's folder (``COACHBOT_PROMPTS_DIR``), or one clear line."""
    from bot.prompts import PromptLibrary, PromptLibraryError

    folder = env.get(PROMPTS_DIR, "").strip()
    try:
        return PromptLibrary.load(extra=Path(folder) if folder else None)
    except PromptLibraryError as exc:
        raise _fail(f"{PROMPTS_DIR}: {exc}") from exc


def _run_chat(*, database: str | None, start: str | None, demo: bool, org: str) -> None:
    import os

    from adapters.local import LocalChat
    from adapters.local.demo import remember_zones, seed
    from bot.clock import ManualClock
    from bot.core import Coachbot
    from storage.db import open_database

    library = _library(os.environ)
    core = Coachbot(database=open_database(database), clock=ManualClock(_start(start)), library=library)
    chat = LocalChat(core=core, clock=core.clock, org=org)  # type: ignore[arg-type]
    interactive = sys.stdin.isatty()
    if demo:
        created = seed(chat)
        remember_zones(chat)
        typer.echo("Demo organisation ready." if created else "Demo organisation already set up; reusing it.")
        if interactive:
            typer.echo(
                "Try `:as maria`, then `:advance next` to watch the next nudge arrive. `:help` lists more."
            )
    elif interactive:
        typer.echo("Local chat. Start with `:as <your handle>`; `:help` lists the chat commands.")
    for line in _lines(interactive):
        if not chat.run_line(line):
            break


def _lines(interactive: bool):  # type: ignore[no-untyped-def]
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input("you: ")
        except EOFError:
            return


@app.command()
def chat(
    database: DatabaseOption = None,
    start: StartOption = None,
    org: Annotated[str, typer.Option(help="Local organisation name")] = "local",
) -> None:
    """Chat with Coachbot in the terminal; reads a script from stdin when it is not a terminal."""
    _run_chat(database=database, start=start, demo=False, org=org)


@app.command()
def demo(database: DatabaseOption = None, start: StartOption = None) -> None:
    """Seed a sample organisation (SQLite by default) and open the local chat."""
    _run_chat(database=database, start=start, demo=True, org="demo")


@app.command("import")
def import_people(
    path: Annotated[Path, typer.Argument(help="CSV file of people (columns: see README)")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would change; change nothing")
    ] = False,
    database: DatabaseOption = None,
    platform: Annotated[str, typer.Option(help="slack, teams or local")] = "local",
    workspace: Annotated[
        str | None, typer.Option(help="Slack team id, Teams tenant id or local organisation name")
    ] = None,
) -> None:
    """Create and update people, reporting lines and teams from an HR file; all or nothing."""
    from adapters.org_import import ImportRefused, import_file

    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"cannot read {path}: {exc}") from exc
    try:
        lines = import_file(text, database=database, platform=platform, workspace=workspace, dry_run=dry_run)
    except ImportRefused as exc:
        for line in exc.lines:
            typer.echo(line, err=True)
        raise typer.Exit(code=1) from exc
    for line in lines:
        typer.echo(line)


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Bring the database schema to the latest version (Alembic)."""
    from storage.db import Database, database_url

    Database(database_url(database)).upgrade()
    typer.echo("Database is up to date.")


@prompts_app.command("validate")
def prompts_validate(
    path: Annotated[
        Path | None, typer.Argument(help="A folder of prompt files, or an exported bundle")
    ] = None,
) -> None:
    """Check prompt files and report the first problem, naming the file and the entry."""
    from bot.prompts import PromptLibrary, PromptLibraryError

    try:
        library = PromptLibrary.load(path)
    except PromptLibraryError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"{len(library)} prompts in {len(library.sets())} sets: OK")


@prompts_app.command("export")
def prompts_export(
    out: Annotated[Path | None, typer.Option("--out", help="File to write; default: standard output")] = None,
    database: DatabaseOption = None,
) -> None:
    """Write the whole library in use (shipped, COACHBOT_PROMPTS_DIR and the database) as YAML."""
    from adapters.server import load_env
    from bot.prompt_export import library_yaml
    from bot.prompt_store import LibraryCache
    from storage.db import open_database

    env = load_env()
    files = _library(env)
    with open_database(database or env.get("DATABASE_URL")).session() as session:
        text = library_yaml(LibraryCache(files).current(session))
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {out}")


DEFAULT_PACKAGE = Path("coachbot-teams.zip")
SchemaOption = Annotated[Path | None, typer.Option("--schema", help="Teams manifest schema to check")]


@teams_app.command("package")
def teams_package(
    out: Annotated[Path, typer.Option("--out", help="Zip file or folder to write")] = DEFAULT_PACKAGE,
    schema: SchemaOption = None,
) -> None:
    """Build the Teams app package (manifest.json and icons, zipped) from MICROSOFT_* settings."""
    import json

    from adapters.kit import ConfigError
    from adapters.server import load_env
    from adapters.teams.package import PackageError, build_package, manifest, validate_manifest
    from adapters.teams.settings import from_env

    try:
        settings = from_env(load_env())
        if settings is None:
            raise _fail("set MICROSOFT_APP_ID (and the other MICROSOFT_* settings) to build the package")
        if schema is not None:
            errors = validate_manifest(manifest(settings), json.loads(schema.read_text()))
            if errors:
                raise _fail(f"manifest does not match {schema}: {errors[0]}")
        path = build_package(settings, out)
    except (ConfigError, PackageError, OSError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"Wrote {path}" + (f" (valid against {schema})" if schema else ""))


@app.command()
def serve(
    database: DatabaseOption = None,
    port: Annotated[int | None, typer.Option(help="HTTP port; default PORT or 3000")] = None,
) -> None:
    """Serve the configured platforms (Slack, Teams) and run the scheduler."""
    from aiohttp import web

    from adapters.kit import ConfigError
    from adapters.server import build_app, configured_mounts, load_env
    from bot.core import Coachbot
    from storage.db import open_database

    env = load_env()
    try:
        lease = outbox_lease(env)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    library = _library(env)
    core = Coachbot(
        database=open_database(database or env.get("DATABASE_URL")), outbox_lease=lease, library=library
    )
    try:
        mounts = configured_mounts(core, env)
    except ConfigError as exc:
        raise _fail(str(exc)) from exc
    # Logging starts once configuration is known to be good, so a bad setting prints exactly one line.
    logging.basicConfig(level=env.get("LOG_LEVEL", "INFO"))
    web.run_app(build_app(core, mounts), port=port or int(env.get("PORT", "3000")))


def outbox_lease(env: Mapping[str, str]) -> timedelta:
    """``COACHBOT_OUTBOX_LEASE`` (seconds, 5–600): how long a replica owns a claimed message between
    renewals, and so how soon a dead replica's messages move on. The default suits almost everyone."""
    from adapters.kit import ConfigError
    from bot.core import OUTBOX_LEASE

    raw = env.get("COACHBOT_OUTBOX_LEASE", "").strip()
    if not raw:
        return OUTBOX_LEASE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1
    if not 5 <= seconds <= 600:
        raise ConfigError(f"COACHBOT_OUTBOX_LEASE must be a number of seconds from 5 to 600, got {raw!r}")
    return timedelta(seconds=seconds)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
