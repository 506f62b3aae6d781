"""Drawn maps kept per the frames they draw, so that a click does not draw the map again.

Drawing a street's map and rendering it to Leaflet's script takes most of a
map page's rerun, and a click on the map reruns the page's map fragment with
the very same frames. :class:`MapCache` keeps what was drawn per the *identity*
of the frames (the objects, not their content) and the options it was drawn
with:

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

__all__ = ["MapCache"]

T = TypeVar("T")


class MapCache:
    """What was drawn of some frames (a rendered map), kept per the frames and the options.

    Shared between threads; while one thread draws an entry, another asking for
    the same one waits for it instead of drawing it too.

    Parameters
    ----------
    max_maps
        The most entries kept (least recently used dropped first).

    Examples
    --------
    >>> import pandas as pd
    >>> cache, frames = MapCache(), {"grids": pd.DataFrame({"code": ["A1"]})}
    >>> cache.get(frames, ("zh",), lambda: "drawn once")
    'drawn once'
    >>> cache.get(frames, ("zh",), lambda: "not drawn again")
    'drawn once'
    >>> cache.get(dict(frames), ("en",), lambda: "other options")
    'other options'
    """

    def __init__(self, max_maps: int = 16):
        self.max_maps = max_maps
        self._items: OrderedDict[Hashable, tuple[tuple[Any, ...], Any]] = OrderedDict()
        self._drawing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()
        self.draws = 0  # entries drawn (misses)

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

    def get(self, frames: Mapping[str, Any], options: Hashable, draw: Callable[[], T]) -> T:
        """Return what ``draw()`` gave for these very frames and ``options``; draw it once.

        Parameters
        ----------
        frames
            Layer name -> frame, as drawn (the objects are the key: treat them as read-only).
        options
            Everything else the drawing depends on (language, basemap, settings, …).
        draw
            Draws the entry; an exception is passed on and nothing is kept.
        """
        key = self.key(frames, options)
        found, value = self._kept(key)
        if found:
            return value
        with self._lock:
            drawing = self._drawing.setdefault(key, threading.Lock())
        try:
            with drawing:
                found, value = self._kept(key)  # drawn by another thread meanwhile
                if found:
                    return value
                value = draw()
                with self._lock:
                    self.draws += 1
                    self._items[key] = (tuple(frames.values()), value)  # pins the ids
                    while len(self._items) > self.max_maps:
                        self._items.popitem(last=False)
                return value
        finally:
            with self._lock:
                if self._drawing.get(key) is drawing and not drawing.locked():
                    del self._drawing[key]
