"""Catalog checks shared by the tests: every sentence in the code is in every catalog, and a
pseudo-language shows any sentence that reaches a person without passing through a catalog.

The pseudo-language ``qps`` wraps every translation in ⟦…⟧. A message for a ``qps`` person must
consist of wrapped text, people's own words (``Quote``) and punctuation only: a letter outside the
brackets is an English literal that skipped the catalogs.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot import i18n
from bot.messages import Choices, Para, Part, Quote

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("bot", "adapters")
PSEUDO = "qps"
_WRAPPED = re.compile(r"⟦[^⟦⟧]*⟧")
_LETTER = re.compile(r"[^\W\d_]")


def extracted() -> dict[str | tuple[str, str], list[str]]:
    """Every marked sentence in the code: msgid (or (singular, plural)) -> where it appears."""
    found: dict[str | tuple[str, str], list[str]] = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=i18n.KEYWORDS, comment_tags=()
        ):
            key: str | tuple[str, str] = message if isinstance(message, str) else (message[0], message[1])
            if not key:
                continue
            found.setdefault(key, []).append(f"{folder}/{filename}:{lineno}")
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def write_pseudo_catalog(folder: Path) -> None:
    """A ``qps`` catalog translating every extracted sentence to ⟦sentence⟧."""
    catalog = Catalog(locale=None, project="coachbot")
    catalog._set_mime_headers([("Plural-Forms", "nplurals=2; plural=(n != 1);")])
    for key in extracted():
        if isinstance(key, tuple):
            catalog.add(key, (f"⟦{key[0]}⟧", f"⟦{key[1]}⟧"))
        else:
            catalog.add(key, f"⟦{key}⟧")
    target = folder / PSEUDO / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "pseudo.po").open("wb") as handle:
        write_po(handle, catalog)


def untranslated(texts: Iterable[str]) -> list[str]:
    """The texts that still show letters once every ⟦translated⟧ span is taken out."""
    return [text for text in texts if _LETTER.search(_unwrap(text))]


def _unwrap(text: str) -> str:
    """Take out ⟦…⟧ spans, innermost first: a translated date sits inside a translated sentence."""
    while True:
        shorter = _WRAPPED.sub("", text)
        if shorter == text:
            return text
        text = shorter


def bot_texts(parts: Iterable[Part]) -> Iterator[str]:
    """What the bot itself wrote in a message: paragraphs and button labels, not people's quotes."""
    for part in parts:
        if isinstance(part, Para):
            yield part.text
        elif isinstance(part, Choices):
            yield from (choice.label for choice in part.choices)
        elif isinstance(part, Quote):
            continue
