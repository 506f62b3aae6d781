"""Write a :class:`~gridmap.checks.result.CheckReport`: text table, JSON, CSV, GeoJSON, XLSX.

Also builds supervision orders (督办单): each failure of a grid or a worker with
where it is and the date it must be fixed by, as a frame or an XLSX workbook with
one sheet per grid or worker. Column headers of the XLSX files are translated
(Chinese by default); CSV uses the stable English column names of
:data:`~gridmap.checks.result.FAILURE_COLUMNS` and is written as UTF-8 with a BOM
so that Excel opens it correctly.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pandas as pd

from gridmap import i18n
from gridmap.checks import REPORT_FORMATS
from gridmap.checks.result import FAILURE_COLUMNS, CheckReport, CheckResult
from gridmap.errors import InputError
from gridmap.io.writers import csv_text, xlsx_plain_text

__all__ = [
    "FORMATS",
    "STREAMED_FORMATS",
    "Download",
    "FileSpan",
    "StreamedReport",
    "downloads",
    "report_file",
    "rule_body",
    "stream_report",
    "supervision_orders",
    "supervision_xlsx",
    "to_csv",
    "to_findings",
    "to_geojson",
    "to_table",
    "to_xlsx",
    "validation_lines",
    "write_csv",
    "write_geojson",
    "write_json",
    "write_report",
]

#: Formats of :func:`write_report` (and ``gridmap check --format``).
FORMATS = REPORT_FORMATS

#: Rows rendered and written at a time by the streaming writers.
CHUNK_ROWS = 20_000


#: Columns of the failure sheets: one title and one message (in the sheet's language)
#: before the failure columns from ``layer`` on.
_TABLE_COLUMNS = (
    "rule_title",
    "severity",
    *(c for c in FAILURE_COLUMNS[FAILURE_COLUMNS.index("layer") :] if c != "message_zh"),
)


def _fmt(value: float | None) -> str:
    if value is None or pd.isna(value):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def to_table(report: CheckReport, *, lang: str = "en", limit: int | None = None) -> str:
    """Return the report as plain text: one block per rule, one line per failure.

    Parameters
    ----------
    report
        The report.
    lang
        Language of titles and messages (``"en"`` or ``"zh"``).
    limit
        Most failures listed per rule (``None``: all).

    Returns
    -------
    str
        The text, ending with a total line. In Chinese, titles, units (米, 户, 名) and
        the report's time (local, :func:`gridmap.i18n.format_time`) are Chinese too.
    """
    lang = _table_lang(lang)
    parts = [text for r in report.results for text in _table_block(r, lang, limit)]
    failed = sum(r.failed for r in report.results)
    parts.append(_table_total(len(report.results), failed, report.as_of, report.community, lang))
    return "".join(parts)


def _table_lang(lang: str) -> str:
    return "zh" if i18n.normalize_lang(lang) == "zh" else "en"


def _table_block(r: CheckResult, lang: str, limit: int | None = None) -> Iterator[str]:
    """Yield one rule's lines of the text table (each ending with a newline), a chunk at a time."""
    flag = "pass" if r.ok else ("fail" if r.severity == "failure" else "advise")
    head = [i18n.t(
        "cli.check.rule", lang, flag=i18n.t(f"cli.check.{flag}", lang), rule=r.rule,
        title=r.title(lang), checked=r.checked, failed=r.failed,
        threshold=r.threshold_label(lang), source=r.source,
    )]
    if r.note and not r.checked:
        head.append(i18n.t("cli.check.note", lang, note=r.note))
    yield "".join(line + "\n" for line in head)
    shown = r.table if limit is None else r.table.take(slice(0, limit))
    for piece in shown.chunks(CHUNK_ROWS):
        texts = piece.messages(lang)
        lines = []
        for oid, name, grid, workers, measured, text in zip(
            piece.object_id.tolist(), piece.name.tolist(), piece.grid.tolist(),
            piece.workers(), piece.measured.tolist(), texts, strict=True,
        ):
            who = "、".join(workers) or "—"
            label = oid + (f" {name}" if name and name != oid else "")
            lines.append(i18n.t(
                "cli.check.failure", lang, object=label, grid=grid or "—", workers=who,
                measured=_measure(measured, r.unit, lang), message=text,
            ) + "\n")
        yield "".join(lines)
    if limit is not None and len(r.table) > limit:
        yield i18n.t("cli.check.more", lang, n=len(r.table) - limit) + "\n"


def _table_total(rules: int, failed: int, as_of: dt.date, community: str | None,
                 lang: str) -> str:
    """Return the text table's last line: rules, failed objects, date (and community)."""
    day = as_of.isoformat() if lang == "en" else i18n.format_time(as_of)
    return (i18n.t("cli.check.total", lang, rules=rules, failed=failed, as_of=day)
            + (i18n.t("cli.check.community", lang, community=community) if community else "")
            + "\n")


def _measure(value: float | None, unit: str, lang: str) -> str:
    """Return a measured figure with its unit: ``268.0 m`` in English, ``268米`` in Chinese."""
    if lang == "en":
        return f"{_fmt(value)} {unit}"
    return i18n.format_measure(value, unit, lang=lang) or "—"  # the documents' units


def to_csv(report: CheckReport) -> bytes:
    """Return every failure as CSV bytes (UTF-8 with BOM), without geometry.

    Text a spreadsheet would run as a formula gets a leading apostrophe
    (:func:`gridmap.io.writers.csv_text`).

    Columns are :data:`~gridmap.checks.result.FAILURE_COLUMNS`; ``workers`` are
    joined with ``、``, grid head first.
    """
    buffer = io.BytesIO()
    write_csv(report, buffer)
    return buffer.getvalue()


def write_csv(report: CheckReport, fh: IO[bytes]) -> None:
    """Write every failure as CSV (UTF-8 with BOM, see :func:`to_csv`) to ``fh``, in chunks."""
    _write_streamed(report, "csv", fh)


def _csv_chunk(frame: pd.DataFrame, *, header: bool) -> str:
    for name in frame.columns:
        if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].map(csv_text)
    return frame.to_csv(index=False, header=header)


def to_geojson(report: CheckReport) -> str:
    """Return every failure as a GeoJSON FeatureCollection (EPSG:4326) with its columns."""
    buffer = io.StringIO()
    write_geojson(report, buffer)
    return buffer.getvalue()


def write_geojson(report: CheckReport, fh: IO[str]) -> None:
    """Write every failure as a GeoJSON FeatureCollection to ``fh``, in chunks."""
    _write_streamed(report, "geojson", fh)


def write_json(report: CheckReport, fh: IO[str]) -> None:
    """Write the report as JSON (:meth:`CheckReport.as_dict`) to ``fh``, one failure a line.

    The rules' fields are indented; each failure is one compact line, rendered
    and written :data:`CHUNK_ROWS` at a time, so memory does not grow with the
    number of failures.
    """
    _write_streamed(report, "json", fh)


#: The formats a report is streamed in rule by rule (:class:`StreamedReport`): every one.
STREAMED_FORMATS = REPORT_FORMATS


def rule_body(result: CheckResult, fmt: str, *, lang: str = "en") -> Iterator[str]:
    """Yield the failures of one rule as they stand in a streamed report, piece by piece.

    A piece is :data:`CHUNK_ROWS` rows; nothing before or after the rule's
    failures (its JSON fields, the separator from the rule before) is part of
    it: :class:`StreamedReport` writes those. In the text table the rule's own
    line comes first (it holds the rule's counts). Any process holding the result
    may write its body; the report is the same.

    Parameters
    ----------
    result
        One rule's result.
    fmt
        One of :data:`STREAMED_FORMATS`.
    lang
        The language of the text table.
    """
    if fmt == "table":
        yield from _table_block(result, _table_lang(lang))
        return
    first = True
    for piece in result.table.chunks(CHUNK_ROWS):
        if fmt == "json":
            lines = piece.json_lines()
            text = ("\n        " if first else ",\n        ") + ",\n        ".join(lines)
        elif fmt == "csv":
            frame = pd.DataFrame(result.to_frame_of(piece).drop(columns="geometry"))
            text = _csv_chunk(frame, header=False)
        else:
            frame = result.to_frame_of(piece)
            text = ("" if first else ",\n") + ",\n".join(
                json.dumps(feature, ensure_ascii=False)
                for feature in frame.iterfeatures(na="null", drop_id=True))
        if len(piece):
            yield text
            first = False


@dataclass(frozen=True)
class FileSpan:
    """``length`` bytes of UTF-8 text from ``offset`` of the open file ``fd``.

    A rule's body as a worker wrote it (:mod:`gridmap.checks.parallel`).
    """

    fd: int
    offset: int
    length: int

    def __bool__(self) -> bool:
        return self.length > 0

    def chunks(self, size: int = 1 << 24) -> Iterator[bytes]:
        """Yield the bytes, ``size`` at a time."""
        offset, end = self.offset, self.offset + self.length
        while offset < end:
            data = os.pread(self.fd, min(size, end - offset), offset)
            if not data:
                msg = "a worker's file is shorter than it wrote"
                raise OSError(msg)
            offset += len(data)
            yield data

    def send_to(self, fh: IO[bytes]) -> bool:
        """Copy the bytes into the binary file ``fh`` in the kernel; False where it cannot."""
        try:
            out = fh.fileno()
        except (AttributeError, OSError, ValueError):  # (io.BytesIO has no file number)
            return False
        if not hasattr(os, "sendfile"):
            return False
        fh.flush()
        offset, end = self.offset, self.offset + self.length
        try:
            while offset < end:
                sent = os.sendfile(out, self.fd, offset, end - offset)
                if sent == 0:
                    msg = "a worker's file is shorter than it wrote"
                    raise OSError(msg)
                offset += sent
        except OSError:
            if offset != self.offset:
                raise  # part of it is written: the report fails rather than repeat it
            return False
        return True


class StreamedReport:
    """Writes a report in a streamed format: its head, each rule's fields and body, its tail.

    The bodies (:func:`rule_body`) may come from elsewhere, as text or as UTF-8
    bytes (a worker's file, :mod:`gridmap.checks.parallel`): :meth:`rule` takes
    them as an iterable of either.

    Parameters
    ----------
    fh
        A binary file (written as UTF-8) or a text file.
    fmt
        One of :data:`STREAMED_FORMATS`.
    as_of, community
        The report's date and community (the JSON head).
    bom
        Start a CSV report with a byte order mark, for spreadsheets (not on a terminal).
    lang
        The language of the text table.
    """

    def __init__(self, fh: IO[Any], fmt: str, *, as_of: dt.date, community: str | None,
                 bom: bool = True, lang: str = "en") -> None:
        self.fh = fh
        self.fmt = fmt
        self.as_of, self.community, self.lang = as_of, community, _table_lang(lang)
        self.binary = not isinstance(fh, io.TextIOBase)
        self._decode = codecs.getincrementaldecoder("utf-8")().decode
        self.rules = 0
        self.failed = 0  # failed objects, summed over the rules written
        self.rows = False  # whether any failure has been written
        if fmt == "table":
            pass  # (each rule's body starts with its own line)
        elif fmt == "json":
            head = {"as_of": as_of.isoformat(), "community": community}
            self._text(json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ',\n  "rules": [')
        elif fmt == "csv":
            header = _csv_chunk(pd.DataFrame({c: [] for c in FAILURE_COLUMNS}), header=True)
            self._text(("\ufeff" if bom else "") + header)
        else:
            self._text('{"type": "FeatureCollection", "features": [')

    def _text(self, text: str) -> None:
        self.fh.write(text.encode("utf-8") if self.binary else text)

    def _body(self, piece: str | bytes | FileSpan) -> None:
        if isinstance(piece, str):
            self._text(piece)
        elif isinstance(piece, FileSpan):
            if not (self.binary and piece.send_to(self.fh)):
                for data in piece.chunks():
                    self._body(data)
        elif self.binary:
            self.fh.write(piece)
        else:  # (a piece of bytes may end inside a character: decoded incrementally)
            self.fh.write(self._decode(piece))

    def rule(self, header: Mapping[str, Any], body: Iterable[str | bytes | FileSpan]) -> None:
        """Write one rule: its fields (:meth:`CheckResult.header`) and its failures."""
        if self.fmt == "json":
            rule_head = json.dumps(dict(header), ensure_ascii=False, indent=2)[:-2]
            self._text(("\n" if self.rules == 0 else ",\n") + rule_head.replace(
                "\n", "\n    ").replace("{", "    {", 1) + ',\n      "failures": [')
        empty = True
        for piece in body:
            if not piece:
                continue
            if empty and self.fmt == "geojson":
                self._text(",\n" if self.rows else "\n")
            self._body(piece)
            empty = False
        if self.fmt == "json":
            self._text("]" if empty else "\n      ]")
            self._text("\n    }")
        self.rules += 1
        self.failed += int(header.get("failed", 0))
        self.rows = self.rows or not empty

    def close(self, *, newline: bool = True) -> None:
        """Write the report's tail, and a newline after JSON or GeoJSON (the file stays open)."""
        end = "\n" if newline else ""
        if self.fmt == "table":  # (its last line ends with a newline either way)
            self._text(_table_total(self.rules, self.failed, self.as_of, self.community,
                                    self.lang))
        elif self.fmt == "json":
            self._text(("\n  ]\n}" if self.rules else "]\n}") + end)
        elif self.fmt == "geojson":
            self._text("\n]}" + end)


def _write_streamed(report: CheckReport, fmt: str, fh: IO[Any], *, newline: bool = False,
                    lang: str = "en") -> None:
    """Write ``report`` in one of :data:`STREAMED_FORMATS`, rule by rule."""
    out = StreamedReport(fh, fmt, as_of=report.as_of, community=report.community, lang=lang)
    for r in report.results:
        out.rule(r.header(), rule_body(r, fmt, lang=lang))
    out.close(newline=newline)


#: How ``gridmap validate`` names a rule's severity (its words predate the rule engine).
FINDING_SEVERITY = {"failure": "error", "advisory": "warning"}


def to_findings(report: CheckReport) -> list[dict[str, Any]]:
    """Return every failure as a finding of ``gridmap validate --json``.

    A finding is the failure's JSON (:meth:`~gridmap.checks.result.Failure.as_dict`)
    plus ``check`` (the rule id) and ``object`` (the object id), with ``severity``
    ``"error"`` for a failure and ``"warning"`` for an advisory.
    """
    out = []
    for r in report.results:
        for rec in r.table.records():
            out.append({
                "check": r.rule,
                "severity": FINDING_SEVERITY[r.table.severity],
                "message": rec["message"],
                "object": rec["object_id"],
                **{k: v for k, v in rec.items() if k not in ("severity", "message")},
            })
    return out


def validation_lines(report: CheckReport, *, lang: str = "en") -> list[str]:
    """Return the text of ``gridmap validate``: one line per finding, then a count.

    In Chinese (``lang="zh"``) a finding names its rule by title, its severity as
    不达标 or 建议改进, and its message in Chinese.
    """
    lang = "zh" if i18n.normalize_lang(lang) == "zh" else "en"
    titles = {r.rule: r.title(lang) for r in report.results}
    lines = []
    for f in to_findings(report):
        where = (i18n.t("cli.validate.where", lang, lon=f"{f['lon']:.6f}", lat=f"{f['lat']:.6f}")
                 if f["lon"] is not None else "")
        if lang == "en":
            severity, check, message = f["severity"], f["check"], f["message"]
        else:
            severity = i18n.t(f"checks.severity.{_RULE_SEVERITY[f['severity']]}", lang)
            check, message = titles.get(f["check"], f["check"]), f["message_zh"]
        lines.append(i18n.t("cli.validate.finding", lang, severity=severity, check=check,
                            object=f["object"], message=message, where=where))
    total = report.failure_count()
    errors = sum(len(r.table) for r in report.results if r.table.severity == "failure")
    lines.append(i18n.t("cli.validate.total", lang, total=total, errors=errors))
    return lines


#: A finding's severity back to its rule's (:data:`FINDING_SEVERITY` the other way).
_RULE_SEVERITY = {"error": "failure", "warning": "advisory"}


def _headers(columns: list[str], lang: str) -> dict[str, str]:
    return {c: i18n.t(f"checks.col.{c}", lang) for c in columns}


def _failure_table(report: CheckReport, lang: str) -> pd.DataFrame:
    frame = pd.DataFrame(report.to_frame().drop(columns="geometry"))
    zh = i18n.normalize_lang(lang) == "zh"
    frame["rule_title"] = frame["rule_title_zh"] if zh else frame["rule_title_en"]
    frame["message"] = frame["message_zh"] if zh else frame["message"]
    frame["severity"] = [i18n.t(f"checks.severity.{s}", lang) for s in frame["severity"]]
    frame["layer"] = [i18n.label(v, lang, field="layer") for v in frame["layer"]]
    return frame[list(_TABLE_COLUMNS)]


def _summary_table(report: CheckReport, lang: str) -> pd.DataFrame:
    zh = i18n.normalize_lang(lang) == "zh"
    summary = report.summary()
    summary["rule_title"] = summary["rule_title_zh"] if zh else summary["rule_title_en"]
    summary["severity"] = [i18n.t(f"checks.severity.{s}", lang) for s in summary["severity"]]
    summary["family"] = [i18n.t(f"checks.family.{f}", lang) for f in summary["family"]]
    columns = [
        "rule",
        "rule_title",
        "family",
        "severity",
        "threshold",
        "checked",
        "passed",
        "failed",
        "source",
    ]
    return summary[columns]


def _xlsx(sheets: dict[str, pd.DataFrame], lang: str) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.rename(columns=_headers(list(frame.columns), lang)).to_excel(
                writer, sheet_name=name, index=False
            )
            sheet = writer.sheets[name]
            for column in sheet.columns:
                width = max((len(str(c.value or "")) for c in column), default=8)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
        xlsx_plain_text(writer.book)
    return buffer.getvalue()


def to_xlsx(report: CheckReport, *, lang: str = "zh") -> bytes:
    """Return the report as an XLSX workbook: a summary sheet and a sheet of failures.

    Parameters
    ----------
    report
        The report.
    lang
        Language of the headers, titles and messages (Chinese by default).

    Returns
    -------
    bytes
        The workbook.
    """
    return _xlsx(
        {
            i18n.t("checks.sheet.summary", lang): _summary_table(report, lang),
            i18n.t("checks.sheet.failures", lang): _failure_table(report, lang),
        },
        lang,
    )


def supervision_orders(
    report: CheckReport, *, by: str = "grid", fix_days: int = 7, lang: str = "zh"
) -> dict[str, pd.DataFrame]:
    """Return supervision orders (督办单): the failures of each grid or worker, with a fix-by date.

    Parameters
    ----------
    report
        The report.
    by
        ``"grid"`` (one order per grid) or ``"worker"`` (one per worker; a failure
        appears in the order of every worker of its grid).
    fix_days
        Days after the report's date by which each failure must be fixed.
    lang
        Language of titles and messages.

    Returns
    -------
    dict
        Grid code or worker name -> frame with the columns of the failure table and
        ``fix_by``; failures without a grid (or worker) are under ``"—"``.

    Raises
    ------
    gridmap.errors.InputError
        If ``by`` is not ``"grid"`` or ``"worker"``.
    """
    if by not in ("grid", "worker"):
        raise InputError.keyed("rules.orders_by", by=by)
    table = _failure_table(report, lang)
    table["fix_by"] = (report.as_of + dt.timedelta(days=int(fix_days))).isoformat()
    orders: dict[str, pd.DataFrame] = {}
    if by == "grid":
        for key, part in table.groupby(table["grid"].fillna("—"), sort=True):
            orders[str(key)] = part.reset_index(drop=True)
        return orders
    owners: dict[str, list[int]] = {}
    i = 0
    for r in report.results:
        for workers in r.table.workers():
            for w in workers or ("—",):
                owners.setdefault(w, []).append(i)
            i += 1
    for key in sorted(owners):
        orders[key] = table.iloc[owners[key]].reset_index(drop=True)
    return orders


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def supervision_xlsx(
    report: CheckReport, *, by: str = "grid", fix_days: int = 7, lang: str = "zh"
) -> bytes:
    """Return the supervision orders as one XLSX workbook, one sheet per grid or worker.

    Parameters
    ----------
    report, by, fix_days, lang
        As for :func:`supervision_orders`.

    Returns
    -------
    bytes
        The workbook (an empty report gives one empty sheet).
    """
    orders = supervision_orders(report, by=by, fix_days=fix_days, lang=lang)
    sheets: dict[str, pd.DataFrame] = {}
    for key, frame in orders.items():
        name = _SHEET_BAD.sub("_", key)[:31] or "—"
        while name in sheets:
            name = name[:28] + f"~{len(sheets)}"
        sheets[name] = frame
    if not sheets:
        sheets[i18n.t("checks.sheet.failures", lang)] = _failure_table(report, lang).assign(
            fix_by=[]
        )
    return _xlsx(sheets, lang)


def write_report(
    report: CheckReport, fmt: str, path: str | Path | None = None, *, lang: str = "en"
) -> str | bytes:
    """Return the report in one of :data:`FORMATS`, or with ``path``, stream it to that file.

    Parameters
    ----------
    report
        The report.
    fmt
        ``"table"``, ``"json"``, ``"csv"`` or ``"geojson"``.
    path
        File to write; the parent folder must exist. The content is written in
        chunks (:func:`stream_report`) and not kept in memory.
    lang
        Language of the text table.

    Returns
    -------
    str or bytes
        The content (bytes for CSV); empty when written to ``path``.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown format or a file that cannot be written.
    """
    _check_format(fmt)
    if path is None:
        buffer: IO[Any] = io.BytesIO() if fmt == "csv" else io.StringIO()
        stream_report(report, fmt, buffer, lang=lang)
        return buffer.getvalue()
    with report_file(path) as fh:
        stream_report(report, fmt, fh, lang=lang)
    return b"" if fmt == "csv" else ""


@contextlib.contextmanager
def report_file(path: str | Path) -> Iterator[IO[bytes]]:
    """Open ``path`` to write a report into (binary): it is replaced whole or not at all.

    Raises
    ------
    gridmap.errors.InputError
        If the file cannot be written (naming it and why).
    """
    from gridmap.io.atomic import replacing

    target = Path(path)
    try:
        with replacing(target) as tmp, tmp.open("wb") as fh:
            yield fh
    except OSError as exc:
        raise InputError.keyed(
            "files.unwritable", file=str(target), reason=exc.strerror or exc
        ) from None


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError.keyed("rules.format", fmt=fmt, formats=list(FORMATS))


def stream_report(report: CheckReport, fmt: str, fh: IO[Any], *, lang: str = "en") -> None:
    """Write the report in one of :data:`FORMATS` to an open file, in chunks.

    ``fh`` is a text file or a binary one (written as UTF-8); CSV starts with a BOM.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown format.
    """
    _check_format(fmt)
    _write_streamed(report, fmt, fh, newline=True, lang=lang)


_XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Download:
    """One file the inspection page offers, made only when asked for.

    Parameters
    ----------
    name
        Short stable id (``"xlsx"``, ``"csv"``, ``"geo"``, ``"grid"``, ``"worker"``).
    label
        Button text, in the language asked for.
    filename
        File name, stamped with the report's date.
    mime
        MIME type.
    make
        Returns the content (called when the button is clicked, not before).
    """

    name: str
    label: str
    filename: str
    mime: str
    make: Callable[[], str | bytes]


def downloads(report: CheckReport, *, lang: str = "zh") -> list[Download]:
    """Return the files a report can be downloaded as: XLSX, CSV, GeoJSON, supervision orders.

    Parameters
    ----------
    report
        The report.
    lang
        Language of the labels and of the XLSX files.

    Returns
    -------
    list of Download
        The whole report as XLSX, CSV and GeoJSON, then the supervision orders by
        grid and by worker (XLSX).
    """
    stamp = report.as_of.strftime("%Y%m%d")

    def orders(by: str) -> Download:
        return Download(
            by,
            i18n.t("checks.download_orders", lang, by=i18n.t(f"checks.level.{by}", lang)),
            f"supervision_{by}_{stamp}.xlsx",
            _XLSX_MIME,
            lambda: supervision_xlsx(report, by=by, lang=lang),
        )

    return [
        Download(
            "xlsx",
            i18n.t("checks.download_xlsx", lang),
            f"checks_{stamp}.xlsx",
            _XLSX_MIME,
            lambda: to_xlsx(report, lang=lang),
        ),
        Download(
            "csv",
            i18n.t("checks.download_csv", lang),
            f"checks_{stamp}.csv",
            "text/csv",
            lambda: to_csv(report),
        ),
        Download(
            "geo",
            i18n.t("checks.download_geojson", lang),
            f"checks_{stamp}.geojson",
            "application/geo+json",
            lambda: to_geojson(report),
        ),
        orders("grid"),
        orders("worker"),
    ]
