"""Check results on a folium map: one layer per rule, coloured by family and severity.

Like :func:`gridmap.issues.add_issue_layer`, this only prepares frames and hands
them to :mod:`gridmap.maps` (which builds the folium layers); it computes nothing.
Failures are drawn as they are (buildings and compounds as polygons, road
stretches and café-to-school lines as lines, points as circle markers); each
rule's coverage shapes (service circles, the 200 m buffers around schools) are a
further layer, off unless asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd

from gridmap import i18n
from gridmap.checks.result import CheckReport, threshold_text

__all__ = ["FAMILY_COLORS", "POPUP_COLUMNS", "add_report_layers", "failure_frame"]

#: Colour of each rule family on the map.
FAMILY_COLORS = {
    "integrity": "#6a3d9a",
    "waste": "#b15928",
    "boards": "#1f78b4",
    "schools": "#e31a1c",
    "fitness": "#33a02c",
    "issues": "#ff7f00",
}

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
    failures = report.failures
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
    frame["check_threshold"] = [threshold_text(f.threshold, f.unit, lang=lang) for f in failures]
    frame["check_message"] = frame["message_zh"] if zh else frame["message"]
    frame["name"] = frame["check_object"]
    return frame


def add_report_layers(
    m: Any,
    report: CheckReport,
    *,
    lang: str = "zh",
    basemap: str = "none",
    rules: Iterable[str] | None = None,
    coverage: bool = False,
    school_buffers: bool = False,
) -> list[Any]:
    """Draw a report's failures (and optionally coverage shapes) on a folium map.

    Parameters
    ----------
    m
        The folium map (e.g. from :func:`gridmap.views.street_map`).
    report
        The report.
    lang
        Language of layer names and popups.
    basemap
        The map's basemap; with Amap the shapes are shifted to GCJ-02 for display.
    rules
        Only these rules' failures (default all).
    coverage
        Draw each rule's service circles (as layers of their own).
    school_buffers
        Draw the 200 m exclusion zones around schools.

    Returns
    -------
    list of folium.FeatureGroup
        The layers added, failures first.
    """
    from gridmap import maps

    shift = maps.basemap_needs_gcj(basemap)
    wanted = None if rules is None else set(rules)
    frame = failure_frame(report, lang=lang)
    layers = []
    for result in report.results:
        if wanted is not None and result.rule not in wanted:
            continue
        color = FAMILY_COLORS.get(result.family, "#d62728")
        advisory = result.severity == "advisory"
        style = {
            "color": color,
            "weight": 5,
            "opacity": 0.7 if advisory else 0.95,
            "fillColor": color,
            "fillOpacity": 0.12 if advisory else 0.3,
            **({"dashArray": "6 4"} if advisory else {}),
        }
        part = frame[frame["rule"] == result.rule]
        if len(part):
            shown = maps.shift_for_display(part) if shift else part
            layers.append(
                maps.add_polygons(
                    m,
                    shown,
                    layer_name=f"{result.title(lang)} ({len(part)})",
                    kind="check",
                    style=style,
                    lang=lang,
                    popup_columns=list(POPUP_COLUMNS),
                    simplify_m=None,
                )
            )
        cov = result.coverage
        if cov is not None and len(cov):
            is_buffer = cov["kind"] == "school_buffer"
            for sub, on, name in (
                (
                    cov[~is_buffer],
                    coverage,
                    i18n.t("checks.layer_coverage", lang, rule=result.title(lang)),
                ),
                (cov[is_buffer], school_buffers, i18n.t("checks.layer_buffers", lang)),
            ):
                if not on or not len(sub):  # hidden layers would only add weight to the page
                    continue
                sub = gpd.GeoDataFrame(sub.assign(name=name), crs=cov.crs)
                shown = maps.shift_for_display(sub) if shift else sub
                layers.append(
                    maps.add_polygons(
                        m,
                        shown,
                        layer_name=name,
                        kind="check",
                        style={
                            "color": color,
                            "weight": 1,
                            "opacity": 0.6,
                            "fillColor": color,
                            "fillOpacity": 0.06,
                        },
                        lang=lang,
                        popup_columns=["name"],
                    )
                )
    return layers
