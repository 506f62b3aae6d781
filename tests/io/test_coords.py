"""Coordinate cells as people paste them: gridmap.io._coords (refs #18)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridmap.io._coords import CoordinateError, clean_text, parse_coordinate, parse_location

FULL_WIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２０．１５", 120.15),
        ("120.15\u00a0", 120.15),  # non-breaking space (Word)
        ("\u3000120.15", 120.15),  # ideographic space
        ("\u200b120.15\ufeff", 120.15),  # zero-width characters (WeChat)
        ("120°09′30″", 120 + 9 / 60 + 30 / 3600),
        ("120度09分30秒", 120 + 9 / 60 + 30 / 3600),
        ("120 09 30", 120 + 9 / 60 + 30 / 3600),
        ("120:09:30", 120 + 9 / 60 + 30 / 3600),
        ("120°09.5′", 120 + 9.5 / 60),
        ("120°09’30”", 120 + 9 / 60 + 30 / 3600),  # Word's curly quotes
        ("120°09'30\"", 120 + 9 / 60 + 30 / 3600),
        ("东经120.15", 120.15),
        ("30.25N", 30.25),
        ("S30°15′", -30.25),
        ("\u2212120.5", -120.5),
        ("120,15", 120.15),  # decimal comma
        ("3,456,789.5", 3456789.5),  # thousands separators (projected metres)
    ],
)
def test_cells_people_paste_are_parsed(text, expected):
    assert parse_coordinate(text) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("text", ["abc", "120°61′", "120°09′75″", "1.2.3", "", "120-30", "N"])
def test_bad_cells_say_what_a_coordinate_looks_like(text):
    with pytest.raises(CoordinateError) as info:
        parse_coordinate(text, what="longitude")
    message = str(info.value)
    assert "longitude" in message
    assert "120.15" in message or "60" in message


def test_location_column_of_amap():
    assert parse_location("120.153576,30.287459") == (120.153576, 30.287459)
    assert parse_location("１２０．１，３０．２") == (120.1, 30.2)
    with pytest.raises(CoordinateError, match="longitude,latitude"):
        parse_location("120.15")


def _dms(value: float) -> tuple[int, int, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 3)
    if seconds >= 60:
        seconds = 59.999
    return degrees, minutes, seconds


@st.composite
def _written_coordinate(draw) -> tuple[str, float]:
    """A longitude or latitude written as a clerk would, and the number it means."""
    value = draw(st.floats(18, 135, allow_nan=False).map(lambda v: round(v, 6)))
    form = draw(st.sampled_from(["decimal", "dms", "dm", "spaced", "chinese", "colon"]))
    d, m, s = _dms(value)
    if form == "decimal":
        text, meant = f"{value}", value
    elif form == "dm":
        minutes = round((value - d) * 60, 4)
        minutes = min(minutes, 59.9999)
        text, meant = f"{d}°{minutes}′", d + minutes / 60
    else:
        sep = {
            "dms": ("°", draw(st.sampled_from(["′", "'", "’", "分"])),
                    draw(st.sampled_from(["″", '"', "”", "秒", "''"]))),
            "spaced": (" ", " ", ""),
            "chinese": ("度", "分", "秒"),
            "colon": (":", ":", ""),
        }[form]
        text = f"{d}{sep[0]}{m:02d}{sep[1]}{s:g}{sep[2]}"
        meant = d + m / 60 + s / 3600
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    pad = st.sampled_from(["", " ", "\u00a0", "\u3000", "\u200b", "\t"])
    text = draw(pad) + text + draw(pad)
    if draw(st.booleans()):
        hemi = draw(st.sampled_from(["E", "N", "东经", "北纬"]))
        text = hemi + text if draw(st.booleans()) else text + hemi
    return text, meant


@given(_written_coordinate())
def test_fuzz_written_coordinates_parse_to_the_number_meant(case):
    text, meant = case
    assert parse_coordinate(text) == pytest.approx(meant, abs=1e-6), repr(text)


_PASTED = "0123456789.,:-+ °′″'\"度分秒NSEWnsew东西南北经纬\u3000\u00a0１２．"


@given(st.text(alphabet=_PASTED, max_size=16))
def test_fuzz_any_text_parses_or_gives_a_clear_message(text):
    try:
        number = parse_coordinate(text, what="latitude")
    except CoordinateError as exc:
        message = str(exc)
        assert message.startswith("bad latitude")
        assert "120.15" in message or "60 or more" in message
        assert exc.key in ("io.coord.bad", "io.coord.range")
    else:
        assert math.isfinite(number)
        assert any(c.isdigit() for c in clean_text(text))


def test_clean_text_turns_pasted_text_into_ascii():
    assert clean_text("\u3000１２０．１５\u00a0") == "120.15"
