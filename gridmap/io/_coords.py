"""Coordinate cells as offices write them: cleaning, degrees-minutes-seconds, "lng,lat".

:func:`parse_coordinate` turns one cell into decimal degrees (or metres, for a
projected system), accepting what people paste from Word, WeChat and Excel:

- full-width digits and points (``１２０．１５``), non-breaking and ideographic
  (U+3000) spaces, zero-width characters, a typographic minus;
- degrees-minutes-seconds: ``120°09′30″``, ``120度09分30秒``, ``120 09 30``,
  ``120:09:30``, decimal minutes ``120°09.5′``, with Word's curly quotes or ASCII
  ``'`` and ``"`` as marks;
- a hemisphere letter or word: ``E``/``W``/``N``/``S``, ``东经``/``西经``/``北纬``/``南纬``
  (west and south are negative);
- a decimal comma (``120,15``) and thousands separators (``3,456,789.5``).

:func:`parse_location` splits an Amap-style ``location`` cell (``"lng,lat"``).
Both raise :class:`CoordinateError` (a :class:`ValueError`) holding a message key
of :mod:`gridmap.io._messages` and its parameters.
"""

from __future__ import annotations

import math
import re
import unicodedata

from gridmap.io._messages import text

__all__ = [
    "LOCATION_COLUMNS",
    "CoordinateError",
    "clean_text",
    "parse_coordinate",
    "parse_location",
]

#: Headers of a single column holding "longitude,latitude" (Amap exports: ``location``).
LOCATION_COLUMNS = ("location", "lnglat", "lonlat", "经纬度", "坐标", "位置坐标", "gps")

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"), None)
_MINUS = str.maketrans({"\u2212": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\ufe63": "-"})
_NUM = r"\d+(?:\.\d*)?|\.\d+"
_DEG = r"(?:°|º|˚|度|d(?:eg)?)"
_MIN = r"(?:′|'|’|‘|`|´|分|m(?:in)?)"
_SEC = r"(?:″|′′|''|\"|”|“|’’|秒|s(?:ec)?)"
_DMS_RE = re.compile(
    rf"^(?P<d>{_NUM})\s*{_DEG}\s*(?:(?P<m>{_NUM})\s*{_MIN}?\s*(?:(?P<s>{_NUM})\s*{_SEC}?)?)?$",
    re.IGNORECASE,
)
_SPACED_RE = re.compile(rf"^(?P<d>\d+)[\s:]+(?P<m>{_NUM})(?:[\s:]+(?P<s>{_NUM}))?$")
_PLAIN_RE = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_DECIMAL_COMMA_RE = re.compile(r"^\d+,\d+$")
_HEMI_PREFIX = re.compile(r"^(东经|西经|北纬|南纬|东|西|北|南|[NSEW])\s*", re.IGNORECASE)
_HEMI_SUFFIX = re.compile(r"\s*(东经|西经|北纬|南纬|东|西|北|南|[NSEW])$", re.IGNORECASE)
_NEGATIVE = {"w", "s", "西经", "南纬", "西", "南"}


class CoordinateError(ValueError):
    """A cell that is not a coordinate; ``key`` and ``params`` give the message."""

    def __init__(self, key: str, **params: object):
        self.key = key
        self.params = params
        super().__init__(text(key, "en", **params))


def _shown(value: object) -> str:
    shown = str(value)
    return repr(shown if len(shown) <= 40 else shown[:37] + "...")


def clean_text(value: object) -> str:
    """Normalise a pasted cell for parsing.

    NFKC (full-width → ASCII), no invisible characters, every kind of space one
    space, a typographic minus as ``-``; stripped.
    """
    cleaned = unicodedata.normalize("NFKC", str(value).translate(_INVISIBLE)).translate(_MINUS)
    return " ".join(cleaned.split())


def _minutes_seconds(d: str, m: str | None, s: str | None, *, value: object, what: str) -> float:
    if m is not None and "." in d:
        raise CoordinateError("io.coord.bad", what=what, value=_shown(value))
    if s is not None and m is not None and "." in m:
        raise CoordinateError("io.coord.bad", what=what, value=_shown(value))
    minutes = float(m) if m else 0.0
    seconds = float(s) if s else 0.0
    if minutes >= 60 or seconds >= 60:
        raise CoordinateError("io.coord.range", what=what, value=_shown(value))
    return float(d) + minutes / 60 + seconds / 3600


def parse_coordinate(value: object, *, what: str = "coordinate") -> float:
    """Return one coordinate cell as a finite number.

    Parameters
    ----------
    value
        The cell: a number, or text in any form listed in the module notes.
    what
        ``"longitude"`` or ``"latitude"``, for messages.

    Returns
    -------
    float
        Decimal degrees (or the number as written, e.g. projected metres).

    Raises
    ------
    CoordinateError
        If the cell is not a coordinate, or its minutes or seconds are 60 or more.

    Examples
    --------
    >>> parse_coordinate("１２０．１５")
    120.15
    >>> round(parse_coordinate("120°09′30″E"), 6)
    120.158333
    >>> parse_coordinate("30度15分")
    30.25
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
        if not math.isfinite(number):
            raise CoordinateError("io.coord.bad", what=what, value=_shown(value))
        return number
    cleaned = clean_text(value)
    sign = 1.0
    if cleaned.startswith(("-", "+")):
        sign = -1.0 if cleaned[0] == "-" else 1.0
        cleaned = cleaned[1:].strip()
    for pattern in (_HEMI_PREFIX, _HEMI_SUFFIX):
        match = pattern.search(cleaned)
        if match and len(cleaned) > len(match.group(0)):
            if match.group(1).lower() in _NEGATIVE:
                sign = -sign
            cleaned = (cleaned[: match.start()] + cleaned[match.end() :]).strip()
            break
    if cleaned.startswith(("-", "+")) and sign == 1.0:  # "E -120" is not a thing; "-" after N
        raise CoordinateError("io.coord.bad", what=what, value=_shown(value))
    number: float | None = None
    if _PLAIN_RE.match(cleaned):
        number = float(cleaned)
    elif _THOUSANDS_RE.match(cleaned):
        number = float(cleaned.replace(",", ""))
    elif _DECIMAL_COMMA_RE.match(cleaned):
        number = float(cleaned.replace(",", "."))
    elif match := _DMS_RE.match(cleaned) or _SPACED_RE.match(cleaned):
        number = _minutes_seconds(match["d"], match["m"], match["s"], value=value, what=what)
    if number is None or not math.isfinite(number):
        raise CoordinateError("io.coord.bad", what=what, value=_shown(value))
    return sign * number


def parse_location(value: object) -> tuple[float, float]:
    """Split a ``"lng,lat"`` cell (Amap's ``location``) into two numbers.

    ``，``, ``;`` and a space also separate; each half may be in any form
    :func:`parse_coordinate` reads.

    Raises
    ------
    CoordinateError
        If the cell is not two coordinates.

    Examples
    --------
    >>> parse_location("120.153576,30.287459")
    (120.153576, 30.287459)
    """
    cleaned = clean_text(value)
    parts = [p for p in re.split(r"\s*[,;]\s*|\s+", cleaned) if p]
    if len(parts) != 2:
        raise CoordinateError("io.coord.location", value=_shown(value))
    try:
        return (
            parse_coordinate(parts[0], what="longitude"),
            parse_coordinate(parts[1], what="latitude"),
        )
    except CoordinateError:
        raise CoordinateError("io.coord.location", value=_shown(value)) from None
