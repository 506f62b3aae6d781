"""Fitness rules: reach from homes, inspections and repairs from the maintenance log."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from checkfixtures import G1, box, buildings, frame, make_street, pt, run


def street_with_items(*items, **columns):
    layers = make_street()
    n = len(items)
    values = {
        "code": [f"F{i + 1}" for i in range(n)],
        "name": [f"器材{i + 1}" for i in range(n)],
        "equipment_type": ["漫步机"] * n,
        "status": ["active"] * n,
        "condition": ["good"] * n,
    }
    values.update(columns)
    layers["fitness"] = frame(list(items), **values)
    return layers


def log(*rows):
    return pd.DataFrame(rows, columns=["point", "date", "action", "condition"])


@pytest.mark.parametrize(
    ("distance", "failure", "advisory"),
    [(499, False, False), (501, False, True), (1001, True, True)],
)
def test_fitness_reach_failure_and_advisory(distance, failure, advisory):
    layers = street_with_items(pt(10 + 20 + distance, 10))
    layers["buildings"] = buildings([box(10, 5, 20, 10)])
    assert (not run(layers, "fitness_reach").ok) is failure
    result = run(layers, "fitness_reach_advisory")
    assert (not result.ok) is advisory
    if advisory:
        assert result.failures[0].measured == pytest.approx(distance, abs=0.5)
        assert result.failures[0].severity == "advisory"


def test_inspection_from_log_and_attribute():
    layers = street_with_items(
        pt(100, 100),
        pt(200, 100),
        pt(300, 100),
        pt(400, 100),
        last_inspected=[dt.date(2026, 9, 1), dt.date(2026, 6, 1), None, None],
        installed=[dt.date(2020, 1, 1)] * 3 + [None],
        equipment_type=["漫步机", "漫步机", "乒乓球台", "双杠"],
    )
    layers["maintenance"] = log(
        ("F2", dt.date(2026, 10, 1), "cleaned", "good"),  # cleaning is not an inspection
        ("F3", dt.date(2026, 9, 20), "repaired", "good"),  # a repair is
    )
    result = run(layers, "fitness_inspection")
    by_id = {f.object_id: f for f in result.failures}
    assert set(by_id) == {"F2", "F4"}
    assert by_id["F2"].measured == (dt.date(2026, 11, 1) - dt.date(2026, 6, 1)).days
    assert by_id["F2"].grid == G1
    assert by_id["F4"].measured is None  # never inspected, installation unknown
    per_type = run(
        layers, "fitness_inspection", params={"interval_days_by_type": {"漫步机": 200.0}}
    )
    assert {f.object_id for f in per_type.failures} == {"F4"}


def test_never_inspected_is_measured_from_installation():
    layers = street_with_items(pt(100, 100), installed=[dt.date(2026, 10, 1)])
    assert run(layers, "fitness_inspection").ok  # 31 days since installation
    layers = street_with_items(pt(100, 100), installed=[dt.date(2026, 1, 1)])
    (f,) = run(layers, "fitness_inspection").failures
    assert f.measured == 304 and "never" in f.message


def test_repairs_overdue_since_the_first_bad_report_after_the_last_fix():
    layers = street_with_items(
        pt(100, 100),
        pt(200, 100),
        pt(300, 100),
        pt(400, 100),
        condition=["broken", "poor", "good", "broken"],
        status=["damaged", "active", "active", "repairing"],
        last_inspected=[None, None, None, dt.date(2026, 10, 20)],
    )
    layers["maintenance"] = log(
        ("F1", dt.date(2026, 5, 1), "inspected", "broken"),
        ("F1", dt.date(2026, 6, 1), "repaired", "good"),
        ("F1", dt.date(2026, 9, 1), "inspected", "poor"),
        ("F1", dt.date(2026, 9, 15), "inspected", "broken"),
        ("F2", dt.date(2026, 10, 15), "inspected", "poor"),
        ("F3", dt.date(2026, 1, 1), "inspected", "broken"),  # fixed since: condition good
    )
    result = run(layers, "fitness_repairs")
    by_id = {f.object_id: f for f in result.failures}
    assert set(by_id) == {"F1"}  # F2 waits 17 days, F4 12 days: within 30
    assert by_id["F1"].measured == (dt.date(2026, 11, 1) - dt.date(2026, 9, 1)).days
    tight = run(layers, "fitness_repairs", params={"max_days": 10})
    assert {f.object_id for f in tight.failures} == {"F1", "F2", "F4"}
