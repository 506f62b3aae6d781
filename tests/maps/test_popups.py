"""Popup and hover texts: escaping (gridmap.maps.popups)."""

from __future__ import annotations

import html

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridmap import i18n
from gridmap.maps import popups


def test_template_literal_breakers_are_neutralised():
    text = "${alert(1)}`\\"
    out = popups.escape_text(text)
    assert "$" not in out and "`" not in out and "\\" not in out
    assert html.unescape(out) == text


@given(st.text(max_size=50))
def test_escape_text_is_inert_and_reversible(text):
    out = popups.escape_text(text)
    for ch in "<>\"'`$\\":
        assert ch not in out
    assert html.unescape(out) == text


@pytest.mark.parametrize("value", [None, float("nan"), np.nan])
def test_escape_missing(value):
    assert popups.escape_text(value) == ""


def test_every_popup_column_has_a_label():
    columns = {c for spec in popups.POPUP_COLUMNS.values() for alts in spec for c in alts}
    for column in columns:
        assert f"field.{column}" in i18n.STRINGS, column
