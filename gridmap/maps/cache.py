"""What was made of some frames (a drawn map), kept per the frames, so a click does not redo it.

Drawing a street's map and rendering it to Leaflet's script takes most of a
map page's rerun, and a click on the map reruns the page's map fragment with
the very same frames. :class:`FramesCache` keeps what was made per the
*identity* of the frames (the objects, not their content) and the options it
was made with:

- the frames come from caches kept per data version, day and the user's scope
  and role (:func:`gridmap.snapshot.visible_frames` behind the app's caches):
  a write, a new day or another scope gives other frame objects, so a map drawn
  for other data or another user is never returned;
- an entry holds its frames, so no other object can take their ``id`` while it
  is kept.

The frames are shared and must be treated as read-only, as the caches that
hand them out already require.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

__all__ = ["FramesCache"]

T = TypeVar("T")


class FramesCache:
    """What was made of some frames (a drawn map, filtered frames), kept per frames and options.

    Shared between threads; while one thread makes an entry, another asking for
    the same one waits for it instead of making it too. Frames made by an entry
    (filtered frames) are themselves new objects, kept as long as the entry: a
    cache of drawn maps keyed by them hits while the entry is kept.

    Parameters
    ----------
    max_entries
        The most entries kept (least recently used dropped first).

    Examples
    --------
    >>> import pandas as pd
    >>> cache, frames = FramesCache(), {"grids": pd.DataFrame({"code": ["A1"]})}
    >>> cache.get(frames, ("zh",), lambda: "drawn once")
    'drawn once'
    >>> cache.get(frames, ("zh",), lambda: "not drawn again")
    'drawn once'
    >>> cache.get(dict(frames), ("en",), lambda: "other options")
    'other options'
    """

    def __init__(self, max_entries: int = 16):
        self.max_entries = max_entries
        self._items: OrderedDict[Hashable, tuple[tuple[Any, ...], Any]] = OrderedDict()
        self._making: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.made = 0  # entries made (misses)

    def __len__(self) -> int:
        return len(self._items)

    @staticmethod
    def key(frames: Mapping[str, Any], options: Hashable) -> Hashable:
        """Return the entry's key: the frames' names and identities, and the options."""
        return tuple((name, id(frame)) for name, frame in frames.items()), options

    def _kept(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return False, None
            self._items.move_to_end(key)
            return True, found[1]

    def get(self, frames: Mapping[str, Any], options: Hashable, make: Callable[[], T]) -> T:
        """Return what ``make()`` gave for these very frames and ``options``; make it once.

        Parameters
        ----------
        frames
            Layer name -> frame (the objects are the key: treat them as read-only).
        options
            Everything else ``make`` depends on (language, basemap, settings, filters, …).
        make
            Makes the entry; an exception is passed on and nothing is kept.
        """
        key = self.key(frames, options)
        found, value = self._kept(key)
        if found:
            return value
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        try:
            with making:
                found, value = self._kept(key)  # made by another thread meanwhile
                if found:
                    return value
                value = make()
                with self._lock:
                    self.made += 1
                    self._items[key] = (tuple(frames.values()), value)  # pins the ids
                    while len(self._items) > self.max_entries:
                        self._items.popitem(last=False)
                return value
        finally:
            with self._lock:
                if self._making.get(key) is making and not making.locked():
                    del self._making[key]
