"""Lazy attributes for packages (PEP 562): names and submodules load on first use."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from importlib import import_module
from typing import Any


def attach(package: str, attrs: dict[str, str], modules: Iterable[str] = ()
           ) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """(__getattr__, __dir__, __all__) for `package`.

    attrs: name -> submodule (relative to the package) that defines it; modules: submodule names
    reachable as attributes. A loaded value is stored in the package, so it loads only once.
    """
    names = sorted({*attrs, *modules})

    def __getattr__(name: str) -> Any:
        if name in attrs:
            value = getattr(import_module(f"{package}.{attrs[name]}"), name)
        elif name in modules:
            value = import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return names

    return __getattr__, __dir__, names
