"""Helpers for the PDF export tests: text, embedded fonts, rendering with pdftoppm."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image
from pypdf import PdfReader


def pdf_text(payload: bytes) -> list[str]:
    """Text of every page (pypdf)."""
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(payload)).pages]


def embedded_fonts(payload: bytes) -> dict[str, bool]:
    """Base font name -> whether its file is embedded, over every page."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(payload)).pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for ref in fonts.values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font.get("/BaseFont"))] = embedded
    return found


def render_page(payload: bytes, page: int, tmp_path: Path, *, dpi: int = 60) -> Image.Image:
    """Render one page (1-based) with poppler's pdftoppm and return it as an image."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm (poppler-utils) is needed"
    pdf = tmp_path / "render.pdf"
    pdf.write_bytes(payload)
    subprocess.run(
        [
            exe,
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def colour_pixels(image: Image.Image, hex_color: str, tol: int = 60) -> int:
    """Number of pixels within ``tol`` (sum of channel differences) of a colour."""
    rgb = np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(np.asarray(image).astype(int) - rgb).sum(axis=2) < tol).sum())
