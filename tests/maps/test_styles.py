"""Colours and styles of the map layers (gridmap.maps.styles)."""

from __future__ import annotations

import pytest

from gridmap import checks, maps
from gridmap.errors import InputError
from gridmap.maps import styles


def test_palette_is_stable_and_distinct():
    names = [f"worker{i}" for i in range(20)]
    a = maps.palette_for(names)
    b = maps.palette_for([*reversed(names), None, float("nan")])
    assert a == b
    assert len(set(a.values())) == 20
    assert len(maps.PALETTE) == len(set(maps.PALETTE)) == 20


def test_every_rule_family_has_a_colour():
    families = {rule.family for rule in checks.registry.all_rules()}
    assert families and families <= set(styles.FAMILY_COLORS)
    colours = list(styles.FAMILY_COLORS.values())
    assert len(set(colours)) == len(colours)
    for colour in colours:
        assert styles.safe_color(colour, "family") == colour


@pytest.mark.parametrize("bad", ["url(javascript:alert(1))", "red;x:y", "", None, "#12"])
def test_only_css_colours_pass(bad):
    with pytest.raises(InputError, match="CSS colour"):
        styles.safe_color(bad, "test")
    with pytest.raises(InputError, match="CSS colour"):
        styles.checked_colors({"a": bad})
    assert styles.checked_colors({1: "#abc", "b": "navy"}) == {"1": "#abc", "b": "navy"}
