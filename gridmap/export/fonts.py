"""Find and register an embeddable CJK font for PDF (reportlab) and image (matplotlib) exports.

reportlab embeds TrueType fonts only: the CFF-based Noto/Source Han ``.ttc``
files Debian installs with ``fonts-noto-cjk`` cannot be embedded. gridmap looks
for a TrueType CJK font, in this order:

1. the ``cjk_font`` setting (:mod:`gridmap.config`) or the ``GRIDMAP_CJK_FONT``
   environment variable: a ``.ttf``/``.ttc`` path, optionally ``path#index``
   for a face of a collection;
2. WenQuanYi Micro Hei / Zen Hei, AR PL UMing, Droid Sans Fallback (Debian
   packages ``fonts-wqy-microhei``, ``fonts-wqy-zenhei``,
   ``fonts-arphic-uming``, ``fonts-droid-fallback``);
3. common Windows and macOS fonts (SimHei, Microsoft YaHei, SimSun, Arial Unicode).

Nothing is downloaded. When no font is found, :func:`find_cjk_font` raises a
:class:`~gridmap.errors.GridmapError` naming the Debian package to install.
"""

from __future__ import annotations

import functools
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gridmap.errors import GridmapError
from gridmap.messages import Msg

__all__ = [
    "FONT_PACKAGE",
    "PDF_FONT_NAME",
    "CJKFont",
    "find_cjk_font",
    "matplotlib_font",
    "register_pdf_font",
]

#: The Debian package that provides the default CJK font.
FONT_PACKAGE = "fonts-wqy-microhei"
#: Name the CJK font is registered under in reportlab.
PDF_FONT_NAME = "GridmapCJK"
#: Environment variable naming a font file (overrides the ``cjk_font`` setting).
FONT_ENV = "GRIDMAP_CJK_FONT"

#: Known TrueType CJK fonts: (path, face index of the collection).
CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc", 0),  # Fedora
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)


@dataclass(frozen=True)
class CJKFont:
    """A TrueType font file (and face of a collection) with CJK glyphs."""

    path: Path
    index: int = 0


def _configured() -> str:
    env = os.environ.get(FONT_ENV, "").strip()
    if env:
        return env
    try:
        from gridmap import config

        return str(config.load_settings().get("cjk_font", "") or "").strip()
    except GridmapError:
        return ""


def _parse(spec: str) -> CJKFont:
    path, _, index = spec.partition("#")
    try:
        face = int(index) if index else 0
    except ValueError:
        raise GridmapError.keyed("fonts.face", spec=spec) from None
    return CJKFont(Path(path).expanduser(), face)


def _usable(font: CJKFont) -> Msg | str | None:
    """Return why ``font`` cannot be embedded, or ``None`` when it can."""
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if not font.path.is_file():
        return Msg("fonts.no_file")
    try:
        face = TTFont("probe", str(font.path), subfontIndex=font.index)
    except (TTFError, OSError, ValueError, IndexError) as err:
        return str(err)
    if 0x7F51 not in face.face.charToGlyph:  # 网
        return Msg("fonts.no_chinese")
    return None


def find_cjk_font(spec: str | os.PathLike[str] | None = None) -> CJKFont:
    """Return an embeddable TrueType font with Chinese characters.

    Parameters
    ----------
    spec
        A font file (``path`` or ``path#index``); default: the ``GRIDMAP_CJK_FONT``
        environment variable, the ``cjk_font`` setting, then the known fonts.

    Returns
    -------
    CJKFont
        The font file and face index.

    Raises
    ------
    gridmap.errors.GridmapError
        If the named font cannot be embedded, or no font is found (the message
        names the Debian package ``fonts-wqy-microhei``).
    """
    wanted = str(spec) if spec is not None else _configured()
    if wanted:
        font = _parse(wanted)
        problem = _usable(font)
        if problem:
            raise GridmapError.keyed("fonts.not_embeddable", path=font.path, problem=problem)
        return font
    return _default_font()


@functools.cache
def _default_font() -> CJKFont:
    for path, index in CANDIDATES:
        font = CJKFont(Path(path), index)
        if font.path.is_file() and _usable(font) is None:
            return font
    raise GridmapError.keyed("fonts.missing", package=FONT_PACKAGE, env=FONT_ENV)


@functools.cache
def _register(path: str, index: int) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = f"{PDF_FONT_NAME}-{zlib.crc32(f'{path}#{index}'.encode()):08x}"
    pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    return name


def register_pdf_font(font: CJKFont | None = None) -> str:
    """Register the CJK font with reportlab (once) and return its font name.

    The font is embedded (subset) in every PDF that uses the name.

    Parameters
    ----------
    font
        The font; default :func:`find_cjk_font`.

    Returns
    -------
    str
        The reportlab font name to use in styles.

    Raises
    ------
    gridmap.errors.GridmapError
        If no CJK font is found.
    """
    font = font or find_cjk_font()
    return _register(str(font.path), font.index)


@functools.cache
def _mpl_family(path: str) -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def matplotlib_font(font: CJKFont | None = None) -> dict[str, Any]:
    """Return matplotlib ``rcParams`` that draw Chinese text with the CJK font.

    Parameters
    ----------
    font
        As for :func:`register_pdf_font`.

    Returns
    -------
    dict
        ``{"font.family": [...], "axes.unicode_minus": False}`` for
        ``matplotlib.rc_context``.

    Raises
    ------
    gridmap.errors.GridmapError
        Without a CJK font (see :func:`find_cjk_font`).
    """
    font = font or find_cjk_font()
    family = _mpl_family(str(font.path))
    return {"font.family": [family, "DejaVu Sans"], "axes.unicode_minus": False}
