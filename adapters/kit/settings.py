"""Reading a platform's settings from the environment, one style for every adapter.

Each platform has a frozen dataclass of settings and a ``from_env(env) -> Settings | None``:
None when none of the platform's variables is set (the platform is simply not used), the
settings when they fit together, and a :class:`~adapters.kit.errors.ConfigError` naming the
variable otherwise. :class:`EnvReader` does the reading and the checks that repeat across
platforms, so every adapter treats a blank value, a flag or a number the same way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from adapters.kit.errors import ConfigError

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class EnvReader:
    """Values of environment variables; a blank value counts as unset, surrounding spaces go."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def any_set(self, names: Iterable[str]) -> bool:
        """Whether any of ``names`` has a value: the platform is configured, well or badly."""
        return any(self.text(name) is not None for name in names)

    def text(self, name: str) -> str | None:
        value = self._env.get(name)
        if value is None:
            return None
        return value.strip() or None

    def text_or(self, name: str, default: str) -> str:
        return self.text(name) or default

    def flag(self, name: str) -> bool:
        """``1/true/yes/on`` or ``0/false/no/off`` (any case); unset is off, anything else an error."""
        value = self.text(name)
        if value is None:
            return False
        if value.lower() in TRUE:
            return True
        if value.lower() in FALSE:
            return False
        raise ConfigError(f"{name} must be 1 or 0 (true/false, yes/no, on/off), got {value!r}")

    def number(self, name: str, *, default: float, above: float | None = None) -> float:
        """A finite number, greater than ``above`` when given."""
        value = self.text(name)
        if value is None:
            return default
        bound = f" greater than {above:g}" if above is not None else ""
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or (above is not None and number <= above):
            raise ConfigError(f"{name} must be a number{bound}, got {value!r}")
        return number

    def url(self, name: str, *, default: str | None = None) -> str | None:
        """An ``http://`` or ``https://`` URL."""
        value = self.text(name)
        if value is None:
            return default
        if not value.lower().startswith(("http://", "https://")) or len(value) <= len("https://"):
            raise ConfigError(f"{name} must be an http(s) URL, got {value!r}")
        return value

    def choice(self, name: str, choices: Mapping[str, str], *, default: str) -> str:
        """One of ``choices`` (keys compared without case; the value is what the adapter uses)."""
        value = self.text(name)
        if value is None:
            return default
        for key, chosen in choices.items():
            if key.lower() == value.lower():
                return chosen
        allowed = ", ".join(dict.fromkeys(choices.values()))
        raise ConfigError(f"{name}={value!r} is not one of {allowed}")

    def ids(self, name: str) -> frozenset[str]:
        """A list of ids separated by commas, semicolons or spaces."""
        raw = self._env.get(name, "")
        parts = raw.replace(";", ",").replace(" ", ",").split(",")
        return frozenset(part.strip() for part in parts if part.strip())

    def items(self, name: str) -> tuple[str, ...] | None:
        """A comma-separated list, in order, without blanks; None when unset."""
        value = self.text(name)
        if value is None:
            return None
        return tuple(part.strip() for part in value.split(",") if part.strip())
