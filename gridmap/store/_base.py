"""Internals shared by the store's modules: error text, the error guard, the clock.

Every public store function that touches the database is wrapped in :func:`guard`,
so callers see :class:`~gridmap.errors.StoreError` or
:class:`~gridmap.errors.InputError`, never a raw SQLAlchemy exception.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import exc

from gridmap.errors import GridmapError, InputError

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = ["guard", "reason", "utcnow"]

_T = TypeVar("_T")


def reason(err: BaseException) -> str:
    """Short, user-readable text of a database error."""
    orig = getattr(err, "orig", None) or err
    lines = [line.strip() for line in str(orig).strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith(("(Background", "[SQL", "[parameters"))]
    return " ".join(lines[:2]) or type(orig).__name__


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


def guard(function: Callable[..., _T]) -> Callable[..., _T]:
    """Turn database exceptions escaping ``function(store, ...)`` into gridmap errors.

    Works on :class:`~gridmap.store.Store` methods and on store functions whose
    first argument is the store.
    """

    @functools.wraps(function)
    def wrapper(store: Store, *args: Any, **kwargs: Any) -> _T:
        try:
            return function(store, *args, **kwargs)
        except GridmapError:
            raise
        except exc.IntegrityError as err:
            raise InputError.keyed("store.integrity", reason=reason(err)) from None
        except (exc.DBAPIError, exc.ResourceClosedError) as err:
            raise store._store_error(err) from None

    return wrapper
