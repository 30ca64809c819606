"""Protocol drivers: one module per wire protocol, looked up by a profile's `protocol:` name.

Built-ins are listed in registry.py; third-party drivers register under the
`agentcheck.protocols` entry-point group and are found the same way. What a name points at is
checked: it must load and be a concrete driver class (a `HarnessDriver` or an `AgentDriver`),
else the profile's `protocol` field gets a ConfigError, not a traceback.
"""

from __future__ import annotations

import importlib
import inspect
from typing import TYPE_CHECKING

from agentcheck.core.errors import ConfigError
from agentcheck.vendors.protocols.registry import BUILTIN, entry_point_drivers, known_protocols

if TYPE_CHECKING:
    from agentcheck.vendors.driver import Driver

__all__ = ["BUILTIN", "driver_class", "known_protocols"]


def driver_class(name: str, *, file: str | None = None) -> type[Driver]:
    """The driver class protocol `name` points at; `file`: the profile naming it, for errors."""
    from agentcheck.vendors.driver import Driver  # it imports protocols.base, hence this package

    def wrong(message: str) -> ConfigError:
        return ConfigError(message, file=file, field="protocol")

    target = BUILTIN.get(name) or entry_point_drivers().get(name)
    if target is None:
        raise wrong(f"unknown protocol {name!r} (known: {', '.join(known_protocols())})")
    module_name, _, attr = target.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), attr)
    except Exception as exc:  # a third party's module may fail in any way while it loads
        raise wrong(f"protocol {name!r}: cannot load {target} "
                    f"({type(exc).__name__}: {exc})") from None
    if (not (isinstance(cls, type) and issubclass(cls, Driver)) or inspect.isabstract(cls)
            or getattr(cls, "kind", None) not in ("harness", "vendor")):
        raise wrong(f"protocol {name!r}: {target} is not a driver class (a concrete subclass "
                    "of agentcheck.vendors.protocols.harness.HarnessDriver or "
                    "agentcheck.vendors.agentloop.AgentDriver)")
    return cls
