"""Check results prepared for display: popup columns, filters and translated tables.

This module draws nothing and imports no map code: :func:`gridmap.maps.add_check_layers`
draws the frames made here on a folium map (one layer per rule, coloured by
:data:`gridmap.maps.styles.FAMILY_COLORS`), and the inspection page shows the tables.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from gridmap import i18n
from gridmap.checks.result import SEVERITIES, CheckReport

__all__ = [
    "POPUP_COLUMNS",
    "SUMMARY_COLUMNS",
    "failure_frame",
    "failure_table",
    "filter_failures",
    "scores_table",
    "summary_table",
]

#: Popup fields of a failure (labels ``field.<name>`` in :mod:`gridmap.i18n`).
POPUP_COLUMNS = (
    "check_rule",
    "check_severity",
    "check_object",
    "check_grid",
    "check_workers",
    "check_measured",
    "check_threshold",
    "check_message",
)

#: Columns of :func:`summary_table` (labels ``checks.col.<name>`` in :mod:`gridmap.i18n`).
SUMMARY_COLUMNS = ("rule_title", "severity", "threshold", "checked", "passed", "failed", "source")


def failure_frame(report: CheckReport, *, lang: str = "zh") -> gpd.GeoDataFrame:
    """Return every failure with display columns (:data:`POPUP_COLUMNS`), EPSG:4326.

    Parameters
    ----------
    report
        The report.
    lang
        Language of the texts.

    Returns
    -------
    geopandas.GeoDataFrame
        :meth:`CheckReport.to_frame` plus ``name`` (hover text), ``family`` colour
        and the ``check_*`` columns.
    """
    frame = report.to_frame()
    zh = i18n.normalize_lang(lang) == "zh"
    units = {u: i18n.t(f"checks.unit.{u}", lang) for u in set(frame["unit"])}
    frame["check_rule"] = frame["rule_title_zh"] if zh else frame["rule_title_en"]
    frame["check_severity"] = [i18n.t(f"checks.severity.{s}", lang) for s in frame["severity"]]
    frame["check_object"] = [
        f"{o} {n}" if isinstance(n, str) and n and n != o else o
        for o, n in zip(frame["object_id"], frame["name"], strict=True)
    ]
    frame["check_grid"] = frame["grid"]
    frame["check_workers"] = frame["workers"]
    frame["check_measured"] = [
        "" if pd.isna(m) else f"{m:,.1f}".rstrip("0").rstrip(".") + f" {units[u]}"
        for m, u in zip(frame["measured"], frame["unit"], strict=True)
    ]
    frame["check_threshold"] = [t for r in report.results for t in r.table.threshold_texts(lang)]
    frame["check_message"] = frame["message_zh"] if zh else frame["message"]
    frame["name"] = frame["check_object"]
    return frame


def filter_failures(
    frame: gpd.GeoDataFrame,
    *,
    severities: Iterable[str] = (),
    grids: Iterable[str] = (),
    text: str = "",
) -> gpd.GeoDataFrame:
    """Return the rows of a :func:`failure_frame` that pass the page's filters.

    Parameters
    ----------
    frame
        Output of :func:`failure_frame`.
    severities, grids
        Keep only these severities and grids (empty: all).
    text
        Keep only rows whose object, grid, workers or message contain it.

    Returns
    -------
    geopandas.GeoDataFrame
        The rows kept, index reset.
    """
    keep = frame["severity"].isin(list(severities) or list(SEVERITIES))
    grids = list(grids)
    if grids:
        keep &= frame["grid"].isin(grids)
    needle = text.strip()
    if needle:
        haystack = (
            frame["check_object"]
            + " "
            + frame["grid"].fillna("")
            + " "
            + frame["workers"]
            + " "
            + frame["check_message"]
        )
        keep &= haystack.str.contains(needle, regex=False)
    return frame[keep].reset_index(drop=True)


def failure_table(frame: pd.DataFrame, *, lang: str = "zh") -> pd.DataFrame:
    """Return the :data:`POPUP_COLUMNS` of a :func:`failure_frame`, headed in ``lang``."""
    return frame[list(POPUP_COLUMNS)].rename(columns=lambda c: i18n.t(f"field.{c}", lang))


def summary_table(report: CheckReport, *, lang: str = "zh") -> pd.DataFrame:
    """Return one row per rule (:data:`SUMMARY_COLUMNS`) in ``lang``, headed in ``lang``."""
    summary = report.summary()
    zh = i18n.normalize_lang(lang) == "zh"
    summary["rule_title"] = summary["rule_title_zh" if zh else "rule_title_en"]
    summary["severity"] = [i18n.t(f"checks.severity.{s}", lang) for s in summary["severity"]]
    summary["threshold"] = [r.threshold_label(lang) for r in report.results]
    return _headed(summary[list(SUMMARY_COLUMNS)], lang)


def scores_table(report: CheckReport, level: str, *, lang: str = "zh") -> pd.DataFrame:
    """Return :meth:`CheckReport.scores` at ``level``, headed in ``lang``."""
    return _headed(report.scores(level), lang)


def _headed(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return frame.rename(columns=lambda c: i18n.t(f"checks.col.{c}", lang))
