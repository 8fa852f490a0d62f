"""The `coachbot` command as a person runs it: a real subprocess, a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def coachbot(
    *args: str, stdin: str = "", cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    full_env.pop("DATABASE_URL", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**full_env, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["chat"],
        ["demo"],
        ["db"],
        ["db", "upgrade"],
        ["prompts"],
        ["prompts", "validate"],
        ["serve"],
        ["teams"],
    ],
)
def test_every_command_has_help(command: list[str]) -> None:
    result = coachbot(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = coachbot("db", "upgrade", "--database", url)
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert (tmp_path / "x.db").exists()


def test_prompts_validate_reports_the_file_and_entry(tmp_path: Path) -> None:
    assert "OK" in coachbot("prompts", "validate").stdout
    (tmp_path / "broken.yaml").write_text(
        "set: broken\ndescription: {en: x}\nprompts:\n  - id: b-1\n    intent: happiness\n    phase: plan\n"
        "    audience: manager\n    kind: text\n    text: {en: Hello?}\n"
    )
    result = coachbot("prompts", "validate", str(tmp_path))
    assert result.returncode == 2
    assert "broken.yaml" in result.stderr and "b-1" in result.stderr and "happiness" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_replays_a_script_from_stdin_and_exits(tmp_path: Path) -> None:
    script = ":as maria\n:advance to 2026-11-23 09:00 America/New_York\n> Finish the hiring plan\nteam list\n"
    result = coachbot("demo", "--start", "2026-11-21T12:00Z", stdin=script, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Demo organisation ready." in out
    assert "to maria, Mon 23 Nov 09:00 America/New_York, nudge" in out
    assert "*2/3*" in out  # the answer moved maria's check-in to its second question
    assert "atlas" in out and "harbor" in out
    assert (tmp_path / "coachbot.db").exists()  # the default SQLite file, where the command ran
    again = coachbot("demo", "--start", "2026-11-21T12:00Z", stdin="", cwd=tmp_path)
    assert "already set up" in again.stdout


def test_chat_reports_bad_lines_without_a_traceback(tmp_path: Path) -> None:
    script = ":advance banana\n:as zoe\ncadence add\nteam create x --manager @nobody\n:bogus\n"
    result = coachbot("chat", "--database", f"sqlite:///{tmp_path / 'c.db'}", stdin=script)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "not a duration" in result.stdout
    assert "Only Coachbot admins" in result.stdout
    assert "Unknown chat command :bogus" in result.stdout


def test_serve_without_any_platform_says_what_to_set(tmp_path: Path) -> None:
    result = coachbot("serve", "--database", f"sqlite:///{tmp_path / 's.db'}", cwd=tmp_path)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "MICROSOFT_APP_ID" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("value", ["soon", "2", "9999"])
def test_serve_with_a_bad_outbox_lease_says_so_in_one_line(tmp_path: Path, value: str) -> None:
    result = coachbot(
        "serve",
        "--database",
        f"sqlite:///{tmp_path / 's.db'}",
        cwd=tmp_path,
        env={"COACHBOT_OUTBOX_LEASE": value},
    )
    assert result.returncode == 2
    assert "COACHBOT_OUTBOX_LEASE" in result.stderr and "5 to 600" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


CORPUS = ROOT.parent / "shared" / "corpus"
TEAMS_SCHEMA = CORPUS / "teams" / "app-manifest-schema" / "v1.17" / "MicrosoftTeams.schema.json"


def test_teams_package_needs_an_app_id(tmp_path: Path) -> None:
    result = coachbot("teams", "package", "--out", str(tmp_path / "p.zip"), cwd=tmp_path)
    assert result.returncode == 2
    assert "MICROSOFT_APP_ID" in result.stderr
    assert not (tmp_path / "p.zip").exists()


def test_teams_package_builds_a_zip(tmp_path: Path) -> None:
    import json
    import zipfile

    env = {"MICROSOFT_APP_ID": "11111111-2222-3333-4444-555555555555", "MICROSOFT_APP_PASSWORD": "secret"}
    args = ["teams", "package", "--out", str(tmp_path)]
    if TEAMS_SCHEMA.exists():
        args += ["--schema", str(TEAMS_SCHEMA)]
    result = coachbot(*args, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    archive = zipfile.ZipFile(tmp_path / "coachbot-teams.zip")
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["bots"][0]["botId"] == env["MICROSOFT_APP_ID"]
    assert {manifest["icons"]["color"], manifest["icons"]["outline"]} <= set(archive.namelist())


def test_import_refuses_bad_rows_then_dry_runs_then_imports_once(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'hr.db'}"
    header = "platform id,name,manager,team,time zone,country\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "maria,Maria,,design,Mars/Olympus,US\nben,Ben,maria,design,Europe/Berlin,DE\n")
    good = tmp_path / "good.csv"
    good.write_text(
        header + "maria,Maria,,design,America/New_York,US\nben,Ben,maria,design,Europe/Berlin,DE\n"
    )
    where = ["--database", db, "--workspace", "acme"]

    refused = coachbot("import", str(bad), *where)
    assert refused.returncode == 1
    assert "Line 2: `Mars/Olympus` is not a time zone name like Europe/Berlin." in refused.stderr
    assert "Nothing was imported" in refused.stderr

    dry = coachbot("import", str(good), "--dry-run", *where)
    assert dry.returncode == 0, dry.stderr
    assert (
        "Line 3: create ben (Ben): time zone Europe/Berlin; country DE; manager maria; team design"
        in dry.stdout
    )
    assert dry.stdout.rstrip().endswith("Dry run: nothing was changed.")

    real = coachbot("import", str(good), *where)
    assert real.returncode == 0, real.stderr
    assert "Create team design, led by maria." in real.stdout and real.stdout.rstrip().endswith("Imported.")
    again = coachbot("import", str(good), "--database", db)  # the only local workspace is found
    assert again.stdout.rstrip().endswith("Nothing to change: the organisation already matches the file.")
