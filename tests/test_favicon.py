"""gridmap.assets.favicon_image: the app's icon, drawn locally."""

from __future__ import annotations

from gridmap import assets


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))


def test_favicon_is_four_coloured_squares_on_transparency():
    image = assets.favicon_image()
    assert image.size == (32, 32) and image.mode == "RGBA"
    for (x, y), color in zip([(8, 8), (24, 8), (8, 24), (24, 24)], assets.FAVICON_COLORS,
                             strict=True):  # fmt: skip
        assert image.getpixel((x, y)) == (*_rgb(color), 255)
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((15, 15))[3] == 0
