"""gridmap.conflicts: what a refused stale save tells, and the versions open forms were read at."""

from __future__ import annotations

import datetime as dt

from gridmap import conflicts, i18n
from gridmap.conflicts import FieldChange, OtherChange
from gridmap.errors import ConflictError, InputError


def _error(read=2, current=4):
    return ConflictError.stale("points row 7", read, current, table="points", row_id=7)


def _change(fields=(), at=dt.datetime(2026, 3, 1, 9, 5, tzinfo=dt.UTC)):
    return OtherChange("points", 7, 2, 4, ("李四", "王五"), at, tuple(fields))


def test_field_and_value_text():
    assert conflicts.field_text("households", "zh") == "户数"
    assert conflicts.field_text("not_a_field", "zh") == "not_a_field"
    assert conflicts.value_text("note", None, "zh") == "—"
    assert conflicts.value_text("note", False, "zh") == i18n.t("value.no", "zh")
    assert conflicts.value_text("status", "damaged", "en") == "Damaged"
    assert conflicts.value_text("name", "damaged", "en") == "damaged"  # not an enum field
    assert conflicts.value_text("households", 3, "en") == "3"


def test_conflict_title():
    err = _error()
    assert conflicts.conflict_title(err, None) == ("conflict.unknown", {"read": 2, "current": 4})
    key, fields = conflicts.conflict_title(err, _change())
    assert key == "conflict.title"
    assert fields == {"who": "李四、王五", "at": "2026-03-01 09:05 UTC", "read": 2, "current": 4}
    assert conflicts.conflict_title(err, _change(at=None))[1]["at"] == "—"


def test_change_rows():
    assert conflicts.change_rows(None, "en") == []
    assert conflicts.change_rows(_change(), "en") == []
    rows = conflicts.change_rows(_change([FieldChange("status", "active", "damaged"),
                                          FieldChange("note", None, "x")]), "en")  # fmt: skip
    heads = [i18n.t(k, "en") for k in ("conflict.field", "conflict.before", "conflict.after")]
    assert rows == [
        dict(zip(heads, [i18n.t("field.status", "en"), i18n.label("active", "en", field="status"),
                         "Damaged"], strict=True)),
        dict(zip(heads, [i18n.t("field.note", "en"), "—", "x"], strict=True)),
    ]


def test_plan_text():
    err = InputError("plan changed")
    assert conflicts.plan_text(err) == "plan changed"
    err.changes = ["G1 now held by W2", "G3 removed"]
    assert conflicts.plan_text(err) == "G1 now held by W2；G3 removed"


def test_read_versions_are_kept_until_forgotten():
    versions: dict = {}
    assert conflicts.remember_read(versions, "pt_1", "3", {"name": "a"}) == 3
    assert conflicts.remember_read(versions, "pt_1", 5, {"name": "b"}) == 3  # the first read
    assert conflicts.read_values(versions, "pt_1") == {"name": "a"}
    assert conflicts.read_values(versions, "pt_9") == {}
    conflicts.remember_read(versions, "pt_2", 1)
    conflicts.remember_read(versions, "grid_1", 1)
    assert conflicts.read_values(versions, "pt_2") == {}
    conflicts.forget_reads(versions, "pt_", keep="pt_2")
    assert sorted(versions) == ["grid_1", "pt_2"]
    conflicts.forget_reads(versions, "pt_")
    assert sorted(versions) == ["grid_1"]
