"""The columnar failure tables give what one Failure object per row gave (refs #16).

Each rule's :class:`~gridmap.checks.result.FailureTable` is compared, on the demo
street and on a planted street, with an independent row-by-row path: messages
formatted by one :func:`gridmap.i18n.t` call per row (as before the tables),
JSON from :meth:`Failure.as_dict`, frames and scores rebuilt from the Failure
objects, and the streamed JSON/CSV/GeoJSON files parsed back.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from checkfixtures import AS_OF, bins, box, buildings, make_street, pt
from hypothesis import given
from hypothesis import strategies as st

from gridmap import checks, datasets, i18n
from gridmap.checks import export
from gridmap.checks._context import ABSENT, Finding, Findings, Outcome, rounded_or_none
from gridmap.checks.config import load_rules
from gridmap.checks.registry import _finish, get_rule
from gridmap.checks.result import FAILURE_COLUMNS, threshold_text
from gridmap.io import read_layer_file


@pytest.fixture(scope="module")
def demo_layers():
    layers = {}
    for entry in datasets.demo_manifest():
        frame, _ = read_layer_file(entry.path, entry.layer, crs=entry.crs)
        layers[entry.layer] = frame
    return layers


@pytest.fixture(scope="module")
def demo_report(demo_layers):
    return checks.run(demo_layers, rules=[r.id for r in checks.all_rules()], as_of=AS_OF)


@pytest.fixture(scope="module")
def planted_report():
    layers = make_street(households=(250, 400))
    layers["buildings"] = buildings(
        [box(100, 400, 40, 20), box(600, 400, 40, 20), box(620, 600, 40, 20)]
    )
    layers["bins"] = bins([pt(270, 410), pt(650, 500)])
    return checks.run(layers, rules=[r.id for r in checks.all_rules()], as_of=AS_OF)


@pytest.fixture(params=["demo", "planted"])
def report(request, demo_report, planted_report):
    return demo_report if request.param == "demo" else planted_report


def _row_args(table, i):
    return {k: v[i] for k, v in table.args.items() if v[i] is not ABSENT}


def test_the_reports_have_failures_to_compare(demo_report, planted_report):
    assert demo_report.failure_count() > 20
    assert len({r.rule for r in demo_report.results if len(r.table)}) > 8
    assert planted_report.failure_count() > 0


def test_messages_equal_one_translation_call_per_row(report):
    for r in report.results:
        t = r.table
        for i, f in enumerate(r.failures):
            for lang, got in (("en", f.message), ("zh", f.message_zh)):
                held = threshold_text(f.threshold, r.unit, lang=lang)
                want = i18n.t(f"checks.msg.{t.key[i]}", lang, **_row_args(t, i), threshold=held)
                assert got == want
                assert "{" not in got, got


def test_records_equal_the_failures_as_dicts(report):
    for r in report.results:
        assert r.table.records() == [f.as_dict() for f in r.failures]
        assert r.failed == len({(f.layer, f.object_id) for f in r.failures})
        assert r.ok == (not r.failures)


def test_json_lines_are_the_text_json_writes_for_each_record(report):
    for r in report.results:
        want = [json.dumps(rec, ensure_ascii=False) for rec in r.table.records()]
        assert r.table.json_lines() == want


def _reference_json(report):
    return {
        "as_of": report.as_of.isoformat(),
        "community": report.community,
        "rules": [
            {**r.header(), "failures": [f.as_dict() for f in r.failures]} for r in report.results
        ],
    }


def test_streamed_json_parses_to_the_row_by_row_report(report, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_ROWS", 3)  # several chunks per rule
    out = tmp_path / "r.json"
    export.write_report(report, "json", out)
    reference = _reference_json(report)
    assert json.loads(out.read_text(encoding="utf-8")) == reference
    assert json.loads(report.to_json()) == reference
    assert json.loads(report.to_json(indent=None)) == reference


def _reference_frame(report):
    rows = []
    for r in report.results:
        for f in r.failures:
            rows.append({
                "rule": f.rule, "family": r.family, "severity": f.severity,
                "rule_title_zh": r.title_zh, "rule_title_en": r.title_en, "source": r.source,
                "layer": f.layer, "object_id": f.object_id, "name": f.name,
                "community": f.community, "grid": f.grid, "workers": "、".join(f.workers),
                "measured": np.nan if f.measured is None else f.measured, "unit": f.unit,
                "threshold": threshold_text(f.threshold, f.unit), "message": f.message,
                "message_zh": f.message_zh,
                "lon": np.nan if f.lon is None else f.lon,
                "lat": np.nan if f.lat is None else f.lat,
            })
    return pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))


def test_frame_csv_and_geojson_equal_the_row_by_row_frame(report, monkeypatch):
    monkeypatch.setattr(export, "CHUNK_ROWS", 4)
    frame = report.to_frame()
    reference = _reference_frame(report)
    pd.testing.assert_frame_equal(pd.DataFrame(frame.drop(columns="geometry")), reference,
                                  check_dtype=False)
    geoms = [f.geometry for r in report.results for f in r.failures]
    assert all(a.equals(b) for a, b in zip(frame.geometry, geoms, strict=True))
    csv = pd.read_csv(io.BytesIO(export.to_csv(report)), encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    assert list(csv.columns) == list(FAILURE_COLUMNS)
    assert csv["object_id"].str.lstrip("'").tolist() == reference["object_id"].tolist()
    assert csv["message_zh"].tolist() == reference["message_zh"].tolist()
    features = json.loads(export.to_geojson(report))["features"]
    assert [f["properties"]["object_id"] for f in features] == reference["object_id"].tolist()
    assert [f["properties"]["message"] for f in features] == reference["message"].tolist()
    whole = json.loads(frame.to_json(drop_id=True, ensure_ascii=False, na="null"))["features"]
    assert features == whole


def test_scores_equal_the_row_by_row_count(report):
    for level in ("grid", "community", "worker"):
        got = report.scores(level)
        counts: dict[str, int] = {}
        for f in report.failures:
            owners = {"grid": [f.grid], "community": [f.community], "worker": list(f.workers)}
            for owner in owners[level]:
                counts[owner] = counts.get(owner, 0) + 1
        assert dict(zip(got["key"], got["failures"], strict=True)) == {
            k: counts.get(k, 0) for k in got["key"]
        }


def test_table_text_limits_rows_without_materialising(demo_layers):
    fresh = checks.run(demo_layers, rules=["building_boards"], as_of=AS_OF)
    rule = fresh.result("building_boards")
    assert len(rule.table) > 2
    text = export.to_table(fresh, limit=2)
    assert f"... {len(rule.table) - 2} more" in text
    assert rule._failures is None  # the text table rendered two rows, made no Failure


@pytest.mark.parametrize(
    "rule_id",
    ["bin_reach", "fitness_reach_advisory", "compound_boards", "building_boards",
     "compound_collection_point"],
)
def test_columns_and_a_list_of_findings_finish_alike(demo_layers, demo_report, rule_id):
    """A rule returning columns gives the result the same findings as a list would."""
    from gridmap.checks._context import Context
    from gridmap.checks.registry import _moment

    day, moment = _moment(AS_OF)
    ctx = Context(demo_layers, as_of=day, now=moment)
    rule = get_rule(rule_id)
    cfg = load_rules()[rule_id]
    outcome = rule.func(ctx, dict(cfg.params))
    cols = outcome.findings
    assert isinstance(cols, Findings)
    assert len(cols) > 0
    listed = [
        Finding(
            layer=cols.layer[i], object_id=cols.object_id[i], name=cols.name[i],
            measured=None if np.isnan(cols.measured[i]) else float(cols.measured[i]),
            key=cols.key[i], args={k: v[i] for k, v in cols.args.items()},
            geometry=cols.geometry[i], anchor=None if cols.anchor is None else cols.anchor[i],
            details={k: v[i] for k, v in cols.details.items()},
        )
        for i in range(len(cols))
    ]
    as_list = Outcome(outcome.checked_community, listed)
    a = _finish(rule, cfg, ctx, outcome, 0.0)
    b = _finish(rule, cfg, ctx, as_list, 0.0)
    assert a.table.records() == b.table.records()
    assert a.table.records() == demo_report.result(rule_id).table.records()


def test_a_buildings_own_shape_is_reported_as_read_not_projected_back(demo_layers, demo_report):
    shapes = dict(zip(demo_layers["buildings"]["code"].astype(str),
                      demo_layers["buildings"].geometry, strict=True))
    reach = [f for r in demo_report.results if r.rule in ("bin_reach", "fitness_reach")
             for f in r.failures]
    assert reach
    for f in reach:
        assert f.geometry.equals_exact(shapes[f.object_id], tolerance=0), f.object_id


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=40),
       st.integers(0, 4))
def test_rounded_or_none_is_round_per_value(values, digits):
    """The vectorised rounding is Python's round of each finite value, None for the rest."""
    got = rounded_or_none(np.array(values, dtype=np.float64), digits).tolist()
    assert got == [round(v, digits) if np.isfinite(v) else None for v in values]
