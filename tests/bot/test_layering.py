"""The core never imports a chat SDK, a web framework or an adapter (checked on the source's AST)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bot

FORBIDDEN = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp", "adapters")
BOT_DIR = Path(bot.__file__).parent
MODULES = sorted(BOT_DIR.rglob("*.py"))


def imported_modules(source: str) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id)
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append(node.args[0].value)
    return names


def forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_there_are_modules_to_check() -> None:
    assert len(MODULES) > 10
    assert BOT_DIR / "core.py" in MODULES


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(BOT_DIR)))
def test_bot_module_imports_no_platform_code(path: Path) -> None:
    bad = [name for name in imported_modules(path.read_text(encoding="utf-8")) if forbidden(name)]
    assert bad == [], f"{path} imports {bad}"


@pytest.mark.parametrize(
    "source",
    [
        "import slack_sdk",
        "import slack_bolt.async_app as x",
        "from botbuilder.core import TurnContext",
        "from adapters.local import LocalChat",
        "def f():\n    import aiohttp\n",
        "import importlib\nimportlib.import_module('botframework.connector')",
    ],
)
def test_the_check_catches_forbidden_imports(source: str) -> None:
    assert any(forbidden(name) for name in imported_modules(source))


def test_the_check_allows_lookalikes() -> None:
    assert not any(forbidden(n) for n in imported_modules("import adapterslib\nfrom bot import core"))
