"""Message catalogs: every sentence the bot writes, in the reader's language.

Sentences are written in English in the code and marked for extraction; the catalogs in
``bot/locales/<language>/LC_MESSAGES/*.po`` (gettext, maintained with Babel) translate them.
English is the fallback for any language or sentence without a translation.

How code writes a sentence::

    t = tr(person.locale)
    t._("Hi {name}!", name=person.display_name)
    t.n_("{count} check-in", "{count} check-ins", count)
    t.day(occurrence_date)                  # "Mon 23 Nov" / "Mo., 23. Nov."

``N_("…")`` marks a sentence defined away from where it is shown (a table of help texts, say);
pass the marked string to ``t._`` where it is shown. Placeholders use ``str.format`` names, so a
translation can put them in any order. Dates, times and numbers are formatted by Babel for the
person's full locale (``en-US`` gets 12-hour times, ``de-DE`` 24-hour), while the catalog is chosen
by language.

Command words stay English in every language (``help``, ``skip``); a few native synonyms
such as ``hilfe`` are accepted by the parser.
"""

from __future__ import annotations

import gettext
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.lists import format_list
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

DEFAULT_LOCALE = "en"
LOCALES_DIR = Path(__file__).parent / "locales"
EXTRA_DIRS_VARIABLE = "COACHBOT_LOCALES_DIR"
"""A folder of extra catalogs (``<language>/LC_MESSAGES/*.po``) an operator adds without a release."""

KEYWORDS: dict[str, Any] = {"_": None, "n_": (1, 2), "N_": None}
"""Babel extraction keywords for the markers this module defines."""


def N_(message: str) -> str:
    """Mark a sentence for extraction where it is defined; translate it with ``t._`` where it is shown."""
    return message


def language_of(locale: str | None) -> str:
    """``de-DE`` → ``de``; anything empty → English."""
    if not locale:
        return DEFAULT_LOCALE
    return locale.replace("-", "_").split("_", 1)[0].lower() or DEFAULT_LOCALE


def _babel_locale(locale: str | None) -> Locale:
    try:
        return Locale.parse((locale or DEFAULT_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            return Locale.parse(language_of(locale))
        except (UnknownLocaleError, ValueError, TypeError):
            return Locale.parse(DEFAULT_LOCALE)


def _catalog_dirs() -> list[Path]:
    dirs = [LOCALES_DIR]
    extra = os.environ.get(EXTRA_DIRS_VARIABLE)
    if extra:
        dirs.extend(Path(p) for p in extra.split(os.pathsep) if p)
    return dirs


def catalog_files(language: str) -> list[Path]:
    """Every ``.po`` file of one language, in load order (the package's first)."""
    files: list[Path] = []
    for root in _catalog_dirs():
        folder = root / language / "LC_MESSAGES"
        if folder.is_dir():
            files.extend(sorted(folder.glob("*.po")))
    return files


def read_catalog(language: str) -> Catalog | None:
    """All of a language's catalog files merged into one catalog (the first translation of an id wins)."""
    files = catalog_files(language)
    if not files:
        return None
    merged: Catalog | None = None
    for path in files:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language if language != "qps" else None)
        if merged is None:
            merged = catalog
            continue
        for message in catalog:
            if message.id and message.id not in merged:
                merged[message.id] = message
    return merged


def available_languages() -> list[str]:
    found = {DEFAULT_LOCALE}
    for root in _catalog_dirs():
        if root.is_dir():
            found.update(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir())
    return sorted(found)


@cache
def _translations(language: str) -> gettext.NullTranslations:
    catalog = read_catalog(language) if language != DEFAULT_LOCALE else None
    if catalog is None:
        return gettext.NullTranslations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@dataclass(frozen=True)
class Tr:
    """Sentences, dates and numbers for one reader's locale."""

    locale: str
    _messages: gettext.NullTranslations = field(repr=False, compare=False)
    _babel: Locale = field(repr=False, compare=False)

    @property
    def language(self) -> str:
        return language_of(self.locale)

    def _(self, message: str, /, **values: Any) -> str:
        """The translation of ``message`` with ``{placeholders}`` filled in."""
        text = self._messages.gettext(message)
        return text.format(**values) if values else text

    def n_(self, singular: str, plural: str, count: int, /, **values: Any) -> str:
        """The right plural form for ``count``; ``{count}`` is the number written for this locale."""
        text = self._messages.ngettext(singular, plural, count)
        return text.format(count=self.number(count), **values)

    # -- values written the reader's way ------------------------------------------------------------

    def number(self, value: float, *, digits: int = 0) -> str:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(value, format=pattern, locale=self._babel))

    def day(self, value: date) -> str:
        """Weekday, day and month: "Mon, Nov 23" / "Mo., 23. Nov."."""
        return str(format_skeleton("MMMEd", value, locale=self._babel))

    def full_date(self, value: date) -> str:
        """Weekday, day, month and year."""
        return str(format_skeleton("yMMMEd", value, locale=self._babel))

    def short_date(self, value: date) -> str:
        """Day and month: "Nov 23" / "23. Nov."."""
        return str(format_skeleton("MMMd", value, locale=self._babel))

    def date(self, value: date) -> str:
        """A date with its year, in the locale's medium form: "Nov 23, 2026" / "23.11.2026"."""
        return str(format_date(value, format="medium", locale=self._babel))

    def time(self, value: time | datetime, zone: str | None = None) -> str:
        """A time of day: "9:00 AM" (en-US) / "09:00" (de)."""
        if isinstance(value, datetime) and zone:
            value = value.astimezone(ZoneInfo(zone))
        return str(format_time(value, format="short", locale=self._babel))

    def when(self, value: datetime, zone: str) -> str:
        """An instant in a person's zone: day and time, "Mon, Nov 23, 9:00 AM" / "Mo., 23. Nov., 09:00"."""
        local = value.astimezone(ZoneInfo(zone))
        return self._("{day}, {time}", day=self.day(local.date()), time=self.time(local.time()))

    def instant(self, value: datetime, zone: str) -> str:
        """A full date and time with the year, for records (exports, history)."""
        return str(format_datetime(value, format="medium", tzinfo=ZoneInfo(zone), locale=self._babel))

    def list(self, items: Iterable[str]) -> str:
        """ "Ana, Ben and Chloe" / "Ana, Ben und Chloe"."""
        values = list(items)
        return str(format_list(values, locale=self._babel)) if values else ""


@cache
def tr(locale: str | None) -> Tr:
    """The translator for a person's locale (``en``, ``de``, ``de-DE``, ``en_US``…)."""
    key = locale or DEFAULT_LOCALE
    language = language_of(key)
    # Dates follow the sentences: a language without a catalog reads English, dates included.
    known = language == DEFAULT_LOCALE or bool(catalog_files(language))
    return Tr(key, _translations(language), _babel_locale(key if known else DEFAULT_LOCALE))


def reload() -> None:
    """Forget loaded catalogs (after adding a catalog folder at run time, e.g. in tests)."""
    _translations.cache_clear()
    tr.cache_clear()
