"""The kit is shared by every platform, so it imports none of their SDKs (checked on the source's AST)."""

from __future__ import annotations

from pathlib import Path

import pytest

import adapters.kit
from tests.bot.test_layering import imported_modules

PLATFORM_CODE = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "adapters.slack", "adapters.teams")
KIT = sorted(Path(adapters.kit.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("path", KIT, ids=lambda p: p.name)
def test_kit_module_imports_no_platform(path: Path) -> None:
    names = imported_modules(path.read_text(encoding="utf-8"))
    bad = [n for n in names if any(n == p or n.startswith(p + ".") for p in PLATFORM_CODE)]
    assert bad == [], f"{path} imports {bad}"


def test_there_are_kit_modules() -> None:
    assert {p.name for p in KIT} >= {"errors.py", "mount.py", "work.py", "roster.py", "settings.py"}
