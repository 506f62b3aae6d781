"""gridmap.maps.FramesCache: drawn once per the very frames and options, held, bounded, shared."""

from __future__ import annotations

import gc
import threading
import time
import weakref

import pandas as pd
import pytest

from gridmap.maps import FramesCache


def _frames(code: str = "A1") -> dict:
    return {"grids": pd.DataFrame({"code": [code]}), "bins": pd.DataFrame({"code": []})}


def _drawer(log: list):
    def draw(frames, label):
        def run():
            log.append(label)
            return f"{label}:{','.join(frames['grids']['code'])}"
        return run
    return draw


def test_the_same_frames_and_options_are_drawn_once():
    cache, log = FramesCache(), []
    draw = _drawer(log)
    frames = _frames()
    assert cache.get(frames, ("zh", "none"), draw(frames, "first")) == "first:A1"
    assert cache.get(frames, ("zh", "none"), draw(frames, "again")) == "first:A1"
    assert cache.get(dict(frames), ("zh", "none"), draw(frames, "same objects")) == "first:A1"
    assert log == ["first"] and cache.made == 1


def test_other_frames_or_options_are_drawn_anew():
    cache, log = FramesCache(), []
    draw = _drawer(log)
    old, new = _frames("A1"), _frames("A1")  # equal content, other objects (a new version)
    cache.get(old, ("zh",), draw(old, "old"))
    assert cache.get(new, ("zh",), draw(new, "new")) == "new:A1"
    assert cache.get(old, ("en",), draw(old, "en")) == "en:A1"
    scoped = {**old, "grids": old["grids"].iloc[0:0]}  # one layer differs: another key
    assert cache.get(scoped, ("zh",), draw(scoped, "scoped")) == "scoped:"
    assert log == ["old", "new", "en", "scoped"]


def test_an_entry_holds_its_frames_so_their_ids_are_not_reused():
    cache = FramesCache()
    frames = _frames()
    ref = weakref.ref(frames["grids"])
    cache.get(frames, (), lambda: "drawn")
    del frames
    gc.collect()
    assert ref() is not None  # kept alive by the entry: no other frame can take its id


def test_the_least_recently_used_entry_is_dropped():
    cache, log = FramesCache(max_entries=2), []
    draw = _drawer(log)
    a, b, c = _frames("A"), _frames("B"), _frames("C")
    cache.get(a, (), draw(a, "a"))
    cache.get(b, (), draw(b, "b"))
    cache.get(a, (), draw(a, "a again"))  # a used last
    cache.get(c, (), draw(c, "c"))  # drops b
    assert len(cache) == 2
    cache.get(a, (), draw(a, "a third"))
    cache.get(b, (), draw(b, "b again"))
    assert log == ["a", "b", "c", "b again"]


def test_a_failed_drawing_keeps_nothing():
    cache, frames = FramesCache(), _frames()

    def fail():
        raise ValueError("bad basemap")

    with pytest.raises(ValueError, match="bad basemap"):
        cache.get(frames, (), fail)
    assert len(cache) == 0
    assert cache.get(frames, (), lambda: "drawn") == "drawn"


def test_threads_asking_for_the_same_map_draw_it_once():
    cache, frames, log = FramesCache(), _frames(), []

    def slow():
        time.sleep(0.2)  # ordering only: the other threads ask while this one draws
        log.append("drawn")
        return "map"

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(frames, (), slow)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == ["map"] * 4
    assert log == ["drawn"]
