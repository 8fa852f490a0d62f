"""The wheel, not just the checkout, must carry the prompt library and the migrations."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_prompts_and_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(tmp_path.glob("coachbot-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert sum(n.startswith("prompts/") and n.endswith(".yaml") for n in names) >= 5
    assert any(n.startswith("storage/migrations/versions/") for n in names)
    assert "bot/locales/de/LC_MESSAGES/coachbot.po" in names
    assert not any(n.startswith("tests/") for n in names)

    # Import the unpacked wheel from a folder that is not the checkout: the library must load from it.
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    code = (
        "from bot.prompts import PromptLibrary; from bot.i18n import tr; import bot; "
        "print(len(PromptLibrary.load()), bot.__file__); print(tr('de')._('You have no open check-in.'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(site)},
        timeout=60,
        check=True,
    )
    first, german = result.stdout.splitlines()
    count, location = first.split()
    assert german == "Du hast keinen offenen Check-in."  # the catalogs load from the wheel
    assert int(count) >= 60
    assert location.startswith(str(site))
