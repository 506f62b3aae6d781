"""reportlab building blocks shared by the PDF exports: styles, tables, page frame.

Every text is set in the embedded CJK font (:func:`gridmap.export.fonts.register_pdf_font`)
with CJK line breaking. Pages are A4 with a header (title) and a footer
("page x of y", who generated it and when).
"""

from __future__ import annotations

import datetime as dt
import html
import io
from collections.abc import Callable, Sequence
from typing import Any

from gridmap import i18n
from gridmap.export._common import tr
from gridmap.export.fonts import register_pdf_font

#: Colours of table headers and rules.
HEADER_BG = "#dde6f0"
RULE_COLOR = "#999999"
ACCENT = "#1f3b63"


def styles() -> dict[str, Any]:
    """Return the paragraph styles in the CJK font.

    Keys: ``font`` (the font name), ``body``, ``small``, ``title``, ``subtitle``,
    ``h1`` (grid headings, listed in the contents), ``h2``, ``h3``, ``cell``,
    ``cell_head``, ``toc0``.
    """
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    font = register_pdf_font()
    base = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "font": font,
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=11, textColor=colors.HexColor("#555555")
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontSize=22,
            leading=30,
            alignment=TA_CENTER,
            spaceAfter=10,
            textColor=colors.HexColor(ACCENT),
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=12, leading=18, alignment=TA_CENTER, spaceAfter=18
        ),
        "h1": ParagraphStyle(
            "GridHeading",
            parent=base,
            fontSize=15,
            leading=21,
            spaceAfter=6,
            textColor=colors.HexColor(ACCENT),
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontSize=11.5,
            leading=16,
            spaceBefore=8,
            spaceAfter=4,
            textColor=colors.HexColor(ACCENT),
        ),
        "h3": ParagraphStyle(
            "h3", parent=base, fontSize=10, leading=14, spaceBefore=4, spaceAfter=2
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "cell_head": ParagraphStyle(
            "cell_head",
            parent=base,
            fontSize=8.5,
            leading=11.5,
            textColor=colors.HexColor("#1a1a1a"),
        ),
        "toc0": ParagraphStyle("toc0", parent=base, fontSize=10.5, leading=17),
    }


def para(text: object, style: Any) -> Any:
    """Return a Paragraph of plain text (escaped: user text never becomes markup)."""
    from reportlab.platypus import Paragraph

    return Paragraph(html.escape("" if text is None else str(text)), style)


def table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str],
    widths_cm: Sequence[float],
    st: dict[str, Any],
    *,
    zebra: bool = True,
) -> Any:
    """Return a bordered table with a shaded header row repeated on every page.

    Parameters
    ----------
    rows
        Cell values (plain text, escaped).
    headers
        Column headers (all empty: no header row).
    widths_cm
        Column widths in centimetres.
    st
        Output of :func:`styles`.
    zebra
        Shade every other row.
    """
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Table, TableStyle

    head = 1 if any(headers) else 0
    data = [[para(h, st["cell_head"]) for h in headers]] if head else []
    data += [[para(v, st["cell"]) for v in row] for row in rows]
    t = Table(data, colWidths=[w * cm for w in widths_cm], repeatRows=head)
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE_COLOR)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if head:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(HEADER_BG)))
    if zebra:
        commands += [
            ("BACKGROUND", (0, i), (-1, i), colors.HexColor("#f6f8fa"))
            for i in range(2, len(data), 2)
        ]
    t.setStyle(TableStyle(commands))
    return t


def key_value_table(
    pairs: Sequence[tuple[str, object]],
    st: dict[str, Any],
    *,
    columns: int = 2,
    width_cm: float = 18.0,
) -> Any:
    """Return a table of label/value pairs, ``columns`` pairs per row."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.platypus import Table, TableStyle

    cells: list[list[Any]] = []
    row: list[Any] = []
    for label, value in pairs:
        row += [para(label, st["cell_head"]), para(value, st["cell"])]
        if len(row) == 2 * columns:
            cells.append(row)
            row = []
    if row:
        row += [para("", st["cell"])] * (2 * columns - len(row))
        cells.append(row)
    label_w, value_w = width_cm * 0.17, width_cm * (1 / columns - 0.17)
    t = Table(cells, colWidths=[label_w * cm, value_w * cm] * columns)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE_COLOR)),
                *[
                    ("BACKGROUND", (2 * j, 0), (2 * j, -1), colors.HexColor(HEADER_BG))
                    for j in range(columns)
                ],
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def numbered_canvas(footer_left: str, header: str, lang: str) -> Callable[..., Any]:
    """Return a canvas class that writes the header and "page x of y" on every page."""
    from reportlab.lib import colors
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas

    font = register_pdf_font()

    class _Canvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any):
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._frame(total)
                super().showPage()
            super().save()

        def _frame(self, total: int) -> None:
            width, height = self._pagesize
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#555555"))
            self.setStrokeColor(colors.HexColor(RULE_COLOR))
            self.setLineWidth(0.4)
            if header:
                self.drawString(1.5 * cm, height - 1.1 * cm, header)
                self.line(1.5 * cm, height - 1.25 * cm, width - 1.5 * cm, height - 1.25 * cm)
            self.line(1.5 * cm, 1.35 * cm, width - 1.5 * cm, 1.35 * cm)
            self.drawString(1.5 * cm, 0.9 * cm, footer_left)
            self.drawRightString(
                width - 1.5 * cm,
                0.9 * cm,
                tr("export.footer.page", lang, page=self._pageNumber, pages=total),
            )
            self.restoreState()

    return _Canvas


def build_pdf(
    story: list[Any],
    *,
    title: str,
    author: str,
    lang: str,
    subject: str | None = None,
    header: str = "",
    doc_class: type | None = None,
    multi_pass: bool = False,
) -> bytes:
    """Lay out ``story`` on A4 pages with the house margins, header and footer.

    Parameters
    ----------
    story
        reportlab flowables.
    title, author, subject
        PDF metadata; ``author`` (the exporting user) is also named in the footer.
    lang
        Language of the footer.
    header
        Text at the top of every page (none when empty).
    doc_class
        A ``BaseDocTemplate`` subclass (default ``SimpleDocTemplate``).
    multi_pass
        Build with ``multiBuild`` (needed for a table of contents).

    Returns
    -------
    bytes
        The PDF.
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = (doc_class or SimpleDocTemplate)(
        buf,
        pagesize=A4,
        leftMargin=1.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=1.7 * cm,
        bottomMargin=1.8 * cm,
        title=title,
        author=author,
        subject=subject,
        creator="gridmap",
    )
    canvas = numbered_canvas(footer_text(author, lang), header, lang)
    (doc.multiBuild if multi_pass else doc.build)(story, canvasmaker=canvas)
    return buf.getvalue()


def footer_text(user_name: str, lang: str) -> str:
    """Return "generated at ... by ..." for page footers (local time, to the minute)."""
    now = i18n.format_time(dt.datetime.now(dt.UTC))
    return tr("export.footer.generated", lang, at=now, user=user_name)
