"""The shared base of every platform adapter (Slack, Teams, the local chat, and the next one).

* :mod:`~adapters.kit.errors` - :class:`ConfigError`, raised by every adapter's settings;
* :mod:`~adapters.kit.settings` - :class:`EnvReader`, the one way settings are read and checked;
* :mod:`~adapters.kit.mount` - :class:`Mount`, what ``coachbot serve`` hosts, and :class:`Platform`,
  what a platform package exposes;
* :mod:`~adapters.kit.work` - :class:`BackgroundWork`, the tasks an adapter starts after answering;
* :mod:`~adapters.kit.roster` - :class:`RosterSync`, when and where roster syncs run;
* :mod:`~adapters.kit.retry_after` - :func:`retry_after_seconds`, a rate limit's wait in seconds.

The kit imports no chat SDK: a new platform brings its SDK into its own package only.
"""

from adapters.kit.errors import ConfigError
from adapters.kit.mount import Adapter, Mount, Platform
from adapters.kit.retry_after import retry_after_seconds
from adapters.kit.roster import RosterSync
from adapters.kit.settings import EnvReader
from adapters.kit.work import BackgroundWork, RunAgainJob

__all__ = [
    "Adapter",
    "BackgroundWork",
    "ConfigError",
    "EnvReader",
    "Mount",
    "Platform",
    "RosterSync",
    "RunAgainJob",
    "retry_after_seconds",
]
