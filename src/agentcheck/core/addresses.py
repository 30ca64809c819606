"""Where a vendor lives: a loopback address changes port from run to run and never goes through a
proxy."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(url: str) -> bool:
    """A vendor on this machine (the demos, a local server): its port changes from run to run
    and proxy settings must not apply to it."""
    return urlsplit(url).hostname in LOOPBACK_HOSTS
