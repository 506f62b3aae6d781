"""What the issues page shows of a list and a case (gridmap.issues.panel), and mark_duplicate."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from gridmap import i18n, issues
from gridmap.auth import User
from gridmap.issues import panel
from gridmap.issues.lifecycle import MOVES, find_move
from gridmap.model import IssueStatus, UserRole

ADMIN = User("admin", UserRole.ADMIN)
INSPECTOR = User("insp", UserRole.INSPECTOR)
VIEWER = User("view", UserRole.VIEWER)
AT = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)


def detail(**changes) -> dict:
    """A case as issue_detail returns it (only the keys the panel reads)."""
    base = {
        "community": "C1",
        "grid": "G01",
        "overdue": False,
        "flagged": False,
        "boundary_distance_m": None,
        "neighbours": [],
        "duplicate_of": None,
        "duplicates": [],
        "linked": [],
        "photos": [],
        "moves": [],
        "dispatch_to": {},
    }
    return {**base, **changes}


def keys(notices) -> list[tuple[str, str, dict]]:
    return [(n.level, n.key, dict(n.params)) for n in notices]


def test_status_options_are_every_status_in_lifecycle_order():
    assert panel.status_options() == [s.value for s in IssueStatus]
    assert panel.status_options()[0] == "reported" and "closed" in panel.status_options()


def test_grid_codes_are_sorted_codes_of_the_visible_grids():
    frames = {"grids": pd.DataFrame({"code": ["B-2", "A-10", "A-2"]}), "issues": None}
    assert panel.grid_codes(frames) == ["A-10", "A-2", "B-2"]
    assert panel.grid_codes({"grids": pd.DataFrame({"code": []})}) == []


def test_list_counts_count_cases_and_overdue_ones():
    found = pd.DataFrame({"overdue": [True, False, True]})
    counts = panel.list_counts(found)
    assert counts == {"n": 3, "overdue": 2}
    assert all(type(v) is int for v in counts.values())
    assert panel.list_counts(pd.DataFrame({"overdue": pd.Series([], dtype=bool)})) == {
        "n": 0,
        "overdue": 0,
    }
    assert i18n.t("issues.count", "en", **counts)  # the message takes exactly these


def test_case_labels_map_int_ids_to_codes_in_list_order():
    found = pd.DataFrame({"id": pd.Series([7, 3], dtype="int64"), "code": ["E-7", "E-3"]})
    labels = panel.case_labels(found)
    assert labels == {7: "E-7", 3: "E-3"} and list(labels) == [7, 3]
    assert all(type(i) is int for i in labels)
    assert panel.case_labels(found.iloc[:0]) == {}


def test_a_quiet_case_has_no_notices_and_no_grid_to_confirm():
    view = panel.case_view(ADMIN, detail())
    assert view.alerts == () and view.references == () and view.grids == ()
    assert view.may_link


def test_an_overdue_boundary_case_warns_and_offers_its_grids_to_an_editor():
    case = detail(overdue=True, flagged=True, boundary_distance_m=3.5, neighbours=["G02", "G03"])
    view = panel.case_view(INSPECTOR, case)
    assert keys(view.alerts) == [
        ("warning", "issues.overdue_badge", {}),
        ("warning", "issues.boundary", {"distance": 3.5, "neighbours": "G02、G03"}),
    ]
    assert view.grids == ("G01", "G02", "G03")


def test_a_boundary_case_without_distance_or_neighbours_says_zero_and_a_dash():
    view = panel.case_view(ADMIN, detail(flagged=True))
    assert keys(view.alerts) == [
        ("warning", "issues.boundary", {"distance": 0.0, "neighbours": "—"})
    ]
    assert view.grids == ("G01",)


@pytest.mark.parametrize(
    "user",
    [VIEWER, User("other", UserRole.ADMIN, ("C2",))],
    ids=["viewer", "out-of-scope"],
)
def test_who_may_not_edit_sees_the_warning_but_no_grid_and_no_link(user):
    view = panel.case_view(user, detail(flagged=True, neighbours=["G02"]))
    assert [n.key for n in view.alerts] == ["issues.boundary"]
    assert view.grids == () and not view.may_link


def test_scoped_editor_in_the_cases_community_may_edit():
    view = panel.case_view(User("s", UserRole.INSPECTOR, ("C1",)), detail(flagged=True))
    assert view.grids == ("G01",) and view.may_link


def test_references_name_the_duplicate_the_merged_and_the_linked_cases():
    case = detail(duplicate_of="E-1", duplicates=["E-2", "E-3"], linked=["E-4"])
    assert keys(panel.case_view(VIEWER, case).references) == [
        ("info", "issues.duplicate_of", {"code": "E-1"}),
        ("caption", "issues.merged_here", {"codes": "E-2、E-3"}),
        ("caption", "issues.linked", {"codes": "E-4"}),
    ]
    assert keys(panel.case_view(VIEWER, detail(linked=["E-4"])).references) == [
        ("caption", "issues.linked", {"codes": "E-4"})
    ]


def test_photos_and_moves_carry_their_label_keys():
    moves = [find_move("reported", "registered"), find_move("reported", "closed")]
    photos = [{"id": 5, "kind": "before"}, {"id": 2, "kind": "report"}]
    view = panel.case_view(ADMIN, detail(photos=photos, moves=moves))
    assert view.photos == ((5, "issues.photo_kind.before"), (2, "issues.photo_kind.report"))
    assert view.moves == {moves[0]: "issues.action.register", moves[1]: "issues.action.dismiss"}


def test_every_key_the_panel_names_is_translated():
    case = detail(
        overdue=True,
        flagged=True,
        duplicate_of="E-1",
        duplicates=["E-2"],
        linked=["E-3"],
        photos=[{"id": 1, "kind": k} for k in ("report", "before", "after")],
        moves=list(MOVES),
    )
    view = panel.case_view(ADMIN, case)
    named = [
        *(n.key for n in (*view.alerts, *view.references)),
        *(k for _, k in view.photos),
        *view.moves.values(),
        *(k for a in panel.DUPLICATE_ACTIONS for k in (a.label, a.done)),
    ]
    for key in named:
        assert key in i18n.STRINGS, key
    params = {"distance": 1.0, "neighbours": "G", "code": "E", "codes": "E"}
    for notice in (*view.alerts, *view.references):
        assert set(notice.params) <= set(params)
        i18n.t(notice.key, "zh", **notice.params)


def test_move_label_key_names_the_action():
    assert panel.move_label_key(find_move("registered", "dispatched")) == "issues.action.dispatch"


def test_worker_choices_offer_everyone_first_then_the_grid_workers_in_order():
    case = detail(dispatch_to={"W2": "王二", "W1": "李一"})
    choices = panel.worker_choices(case, everyone="全部网格员")
    assert list(choices) == [None, "W2", "W1"]
    assert choices == {None: "全部网格员", "W2": "王二", "W1": "李一"}
    assert panel.worker_choices(detail(), everyone="all") == {None: "all"}


def test_move_request_names_a_worker_only_for_a_dispatch():
    dispatch = find_move("registered", "dispatched")
    assert panel.move_request(dispatch, note="n", worker="W1", photos=[b"x"]) == {
        "to": IssueStatus.DISPATCHED,
        "note": "n",
        "photos": [b"x"],
        "worker": "W1",
    }
    redispatch = find_move("returned", "dispatched")
    assert panel.move_request(redispatch, note="", worker="W1", photos=[])["worker"] == "W1"
    register = find_move("reported", "registered")
    request = panel.move_request(register, note="", worker="W1", photos=[])
    assert request["worker"] is None and request["to"] is IssueStatus.REGISTERED


def test_duplicate_actions_are_link_then_merge():
    assert [a.name for a in panel.DUPLICATE_ACTIONS] == ["link", "merge"]
    assert [(a.label, a.done) for a in panel.DUPLICATE_ACTIONS] == [
        ("report.link", "report.linked"),
        ("report.merge", "report.merged"),
    ]


# --- mark_duplicate: the link and merge buttons' one write -------------------------------


def _two_reports(store):
    point = store.read_layer("grids").iloc[7].geometry.representative_point()
    return [
        issues.report_issue(store, ADMIN, category="市容环境", lon=point.x, lat=point.y, at=AT)
        for _ in range(2)
    ]


def test_mark_duplicate_links_with_the_typed_code_stripped(issue_store):
    a, b = _two_reports(issue_store)
    version = issues.mark_duplicate(
        issue_store, INSPECTOR, b.id, f"  {a.code} ", how="link", version=1
    )
    shown = issues.issue_detail(issue_store, ADMIN, b.id)
    assert shown["linked"] == [a.code] and shown["status"] == "reported"
    assert shown["version"] == version == 2


def test_mark_duplicate_merges_into_the_other(issue_store):
    a, b = _two_reports(issue_store)
    issues.mark_duplicate(issue_store, INSPECTOR, b.id, a.code, how="merge", version=1, at=AT)
    row = issue_store.get("issue_reports", b.id)
    assert (row["status"], row["duplicate_of"]) == ("closed", a.id)


def test_mark_duplicate_refuses_an_unknown_action_and_writes_nothing(issue_store):
    a, b = _two_reports(issue_store)
    with pytest.raises(ValueError, match="unknown duplicate action"):
        issues.mark_duplicate(issue_store, INSPECTOR, b.id, a.code, how="join", version=1)
    assert issue_store.get("issue_reports", b.id)["version"] == 1


# --- the page draws what the panel decides (AppTest on a copy of the demo store) -----------


def _page(role: str):
    import time
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from gridmap import auth

    path = Path(__file__).resolve().parents[2] / "pages" / "issues.py"
    at = AppTest.from_file(str(path), default_timeout=60)
    at.session_state["gm_user"] = auth.User(role, UserRole(role), None)
    at.session_state["gm_last_active"] = time.time()
    return at


def _button(at, key: str):
    return next(b for b in at.button if b.key == key)


def test_page_links_a_case_with_the_typed_code(issue_store):
    a, b = _two_reports(issue_store)
    at = _page("inspector").run()
    at.selectbox(key="gm_iss_pick").set_value(b.id).run()
    assert not at.exception
    assert _button(at, f"gm_iss_link_{b.id}").disabled
    assert _button(at, f"gm_iss_merge_{b.id}").label == i18n.t("report.merge")
    at.text_input(key=f"gm_iss_other_{b.id}").input(f" {a.code} ").run()
    _button(at, f"gm_iss_link_{b.id}").click().run()
    assert not at.exception and [e.value for e in at.error] == []
    assert issues.issue_detail(issue_store, ADMIN, b.id)["linked"] == [a.code]
    assert i18n.t("issues.linked", codes=a.code) in [c.value for c in at.caption]


def test_page_dispatches_to_the_chosen_worker(issue_store):
    case = _two_reports(issue_store)[0]
    issues.move_issue(issue_store, ADMIN, case.id, "registered", version=1, note="ok", at=AT)
    workers = issues.issue_detail(issue_store, ADMIN, case.id)["dispatch_to"]
    code = next(iter(workers))
    at = _page("inspector").run()
    at.selectbox(key="gm_iss_pick").set_value(case.id).run()
    move_to = next(s for s in at.selectbox if s.label == i18n.t("issues.move_to"))
    assert move_to.options == [i18n.t("issues.action.dispatch"), i18n.t("issues.action.dismiss")]
    move_to.set_value(find_move("registered", "dispatched"))
    worker = next(s for s in at.selectbox if s.label == i18n.t("issues.worker"))
    assert worker.options == [i18n.t("issues.worker_all"), *workers.values()]
    worker.set_value(code)
    next(b for b in at.button if b.label == i18n.t("issues.move")).click().run()
    assert not at.exception and [e.value for e in at.error] == []
    row = issue_store.get("issue_reports", case.id)
    assert (row["status"], row["attrs"]["worker"], row["version"]) == ("dispatched", code, 3)
