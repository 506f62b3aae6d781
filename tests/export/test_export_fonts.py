"""The CJK font: found, embeddable, configurable, and a clear error when missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.pdfbase import pdfmetrics

from gridmap.errors import GridmapError
from gridmap.export import fonts

NOTO_CFF = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.fixture(autouse=True)
def _no_config(monkeypatch, tmp_path):
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "gridmap.toml"))


def test_default_font_is_truetype_with_chinese_and_registers():
    font = fonts.find_cjk_font()
    assert font.path.is_file()
    name = fonts.register_pdf_font(font)
    face = pdfmetrics.getFont(name).face
    assert ord("网") in face.charToGlyph and ord("格") in face.charToGlyph
    assert fonts.register_pdf_font(font) == name  # registered once


def test_matplotlib_settings_name_the_font():
    params = fonts.matplotlib_font()
    assert params["font.family"][0]
    assert params["axes.unicode_minus"] is False


def test_environment_and_setting_choose_the_font(monkeypatch, tmp_path):
    chosen = fonts.find_cjk_font()
    monkeypatch.setenv(fonts.FONT_ENV, f"{chosen.path}#{chosen.index}")
    assert fonts.find_cjk_font() == chosen
    monkeypatch.delenv(fonts.FONT_ENV)
    (tmp_path / "gridmap.toml").write_text(
        f'[settings]\ncjk_font = "{tmp_path / "missing.ttf"}"\n', encoding="utf-8"
    )
    with pytest.raises(GridmapError, match=r"missing\.ttf"):
        fonts.find_cjk_font()


def test_a_font_that_cannot_be_embedded_is_refused():
    if not NOTO_CFF.is_file():
        pytest.skip("fonts-noto-cjk not installed")
    with pytest.raises(GridmapError, match="cannot be embedded"):
        fonts.find_cjk_font(NOTO_CFF)
    with pytest.raises(GridmapError, match="face index"):
        fonts.find_cjk_font(f"{NOTO_CFF}#x")


def test_no_font_names_the_debian_package(monkeypatch):
    monkeypatch.setattr(fonts, "CANDIDATES", ())
    fonts._default_font.cache_clear()
    try:
        with pytest.raises(GridmapError, match=fonts.FONT_PACKAGE):
            fonts.find_cjk_font()
    finally:
        monkeypatch.undo()
        fonts._default_font.cache_clear()
