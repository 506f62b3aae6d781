"""Lazy package exports (PEP 562): a package's modules and re-exported names load on first use.

A package ``__init__`` names what it offers and where each name lives::

    __getattr__, __dir__ = lazy_exports(
        __name__,
        modules=("registry", "result"),
        names={"registry": ("run", "Rule"), "result": ("CheckReport",)},
    )

``from gridmap.checks import run``, ``gridmap.checks.run`` and ``from gridmap.checks
import registry`` then work as with eager imports, and ``dir()`` lists every name,
but ``import gridmap.checks`` (and so ``import gridmap.checks.cli``) loads nothing
more: ``gridmap --help`` does not pay for pandas, shapely, SQLAlchemy or folium.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str,
    *,
    modules: Iterable[str] = (),
    names: Mapping[str, Iterable[str]] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a package's module ``__getattr__`` and ``__dir__`` that import on first use.

    Parameters
    ----------
    package
        The package's ``__name__``.
    modules
        Submodules offered as attributes (``package.registry``).
    names
        Submodule -> the names the package re-exports from it.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` to assign in the package's ``__init__``.
    """
    submodules = frozenset(modules)
    home = {name: module for module, found in (names or {}).items() for name in found}
    clash = submodules & home.keys()
    if clash:
        msg = f"{package}: {sorted(clash)} named both as module and as name"
        raise ValueError(msg)

    def __getattr__(name: str) -> Any:  # noqa: N807 (PEP 562 module hook)
        if name in submodules:
            # importing sets the package attribute, so this runs once per module
            return importlib.import_module(f"{package}.{name}")
        if name in home:
            value = getattr(importlib.import_module(f"{package}.{home[name]}"), name)
            setattr(sys.modules[package], name, value)  # later lookups skip this hook
            return value
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    def __dir__() -> list[str]:  # noqa: N807 (PEP 562 module hook)
        return sorted({*vars(sys.modules[package]), *submodules, *home})

    return __getattr__, __dir__
