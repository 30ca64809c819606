"""Protocol drivers: one module per wire protocol, looked up by a profile's `protocol:` name.

Built-ins are listed in registry.py; third-party drivers register under the
`agentcheck.vendors.protocols` entry-point group and are found the same way.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agentcheck.vendors.protocols.base import Driver

from agentcheck.vendors.protocols.registry import BUILTIN, entry_point_drivers, known_protocols

__all__ = ["BUILTIN", "driver_class", "known_protocols"]


def driver_class(name: str) -> type[Driver]:
    target = BUILTIN.get(name) or entry_point_drivers().get(name)
    if target is None:
        raise KeyError(name)
    module_name, _, attr = target.partition(":")
    cls: type[Driver] = getattr(importlib.import_module(module_name), attr)
    return cls
