"""Export timings for ``gridmap bench``: they run the real exports and a plain baseline."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from gridmap.bench import export as bench
from gridmap.export import dossier
from gridmap.export._common import load_data, point_counts


def _audited(store) -> list[str]:
    audit = store.read_audit(limit=50)
    return [a["what"] for a in audit["after"] if isinstance(a, dict) and "what" in a]


def test_bench_roster_times_the_real_export_once_per_run(demo_store):
    before = _audited(demo_store).count("roster")
    seconds = bench.bench_roster(demo_store, repeat=2)
    assert 0 < seconds < 60
    assert _audited(demo_store).count("roster") == before + 2


def test_bench_dossier_exports_the_community(demo_store, monkeypatch):
    # no checks run here (the dossier of a grid without failures): the bench times the export
    monkeypatch.setattr(dossier, "current_failures", lambda *a, **k: pd.DataFrame({"grid": []}))
    grids = demo_store.read_layer("grids")
    community = grids["community"].value_counts().idxmin()
    assert bench.bench_dossier(demo_store, community) > 0
    latest = demo_store.read_audit(limit=1).iloc[0]["after"]
    assert latest["what"] == "dossier"
    assert latest["scope"] == f"community={community}"


def test_baseline_roster_lists_every_grid_with_its_point_counts(demo_store):
    assert bench.baseline_roster(demo_store) > 0
    ws = openpyxl.load_workbook(io.BytesIO(bench._plain_roster(demo_store))).active
    headers = [c.value for c in ws[1]]
    rows = [dict(zip(headers, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    grids = demo_store.read_layer("grids")
    assert sorted(r["code"] for r in rows) == sorted(grids["code"])
    data = load_data(demo_store, points="counts")
    counts = point_counts(data, grids["code"])
    assert sum(r.get("board") or 0 for r in rows) == counts["boards"].sum()


def test_lean_counts_on_an_empty_store(make_store):
    store = make_store("sqlite")
    data = load_data(store, points="counts")
    assert all(len(data[layer]) == 0 for layer in ("boards", "fitness", "bins"))
    assert point_counts(data, data["grids"]["code"]).empty
