"""Coachbot's platform-neutral core.

Everything here speaks in core events (:mod:`bot.events`) and core messages
(:mod:`bot.messages`). Chat SDKs and web frameworks live in ``adapters/``; this
package never imports them (``tests/bot/test_layering.py`` checks).
"""
