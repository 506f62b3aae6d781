"""A check run in several processes writes the report one process writes (refs #16).

:func:`gridmap.checks.parallel.write_checks` forks workers that each take rules,
read the layers those need and write their failures to a file of their own;
the calling process assembles the report. These tests compare, byte for byte,
its JSON, CSV and GeoJSON with :func:`~gridmap.checks.export.stream_report` of
:func:`~gridmap.checks.run_checks_on_store` on the demo street (SQLite and
PostGIS), with the big-layer rule forced on, with a worker that dies, and from
the command line; and they check the board that shares the rules out.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridmap.checks import export, parallel, run_checks_on_store
from gridmap.checks.export import FileSpan, StreamedReport
from gridmap.importing import import_demo

AS_OF = dt.date(2026, 11, 1)
FORMATS = ("json", "csv", "geojson", "table")


def _one_process(store, fmt: str, lang: str = "en", **options) -> bytes:
    """The report as the one-process path writes it: run every rule, then write it."""
    report = run_checks_on_store(store, as_of=AS_OF, **options)
    if fmt == "table":  # the text as it was built before tables were streamed
        return export.to_table(report, lang=lang).encode()
    buffer = io.BytesIO()
    export.stream_report(report, fmt, buffer)
    return buffer.getvalue()


def _written(store, fmt: str, jobs: int, tmp_path, **options) -> tuple[bytes, parallel.Written]:
    """The report as :func:`write_checks` writes it into a real file."""
    path = tmp_path / f"report-{jobs}.{fmt}"
    with path.open("wb") as fh:
        written = parallel.write_checks(store, fmt, fh, jobs=jobs, as_of=AS_OF, **options)
    return path.read_bytes(), written


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_the_report_is_the_same_whatever_the_number_of_processes(demo_store, tmp_path, fmt,
                                                                 jobs):
    expected = _one_process(demo_store, fmt)
    got, written = _written(demo_store, fmt, jobs, tmp_path)
    assert got == expected
    assert written.jobs == jobs
    if fmt == "json":
        rules = json.loads(got)["rules"]
        assert written.rules == len(rules)
        assert written.failed == sum(r["failed"] for r in rules) > 0


def test_big_layers_are_read_by_one_process_and_the_report_is_unchanged(demo_store, tmp_path,
                                                                        monkeypatch):
    # the demo street has no layer of BIG_ROWS rows: make every layer with rows big
    monkeypatch.setattr(parallel, "BIG_ROWS", 1)
    expected = _one_process(demo_store, "json")
    got, _ = _written(demo_store, "json", 2, tmp_path)
    assert got == expected


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_chinese_table_is_the_same_from_any_number_of_processes(demo_store, tmp_path, jobs):
    expected = _one_process(demo_store, "table", lang="zh")
    got, written = _written(demo_store, "table", jobs, tmp_path, lang="zh")
    assert got == expected
    text = got.decode()
    assert "不达标" in text or "未达标" in text or "米" in text
    assert text.endswith("\n") and str(written.failed) in text.splitlines()[-1]


def test_a_community_and_chosen_rules_give_the_one_process_report(demo_store, tmp_path):
    community = sorted(demo_store.read_layer("communities")["code"])[0]
    options = {"community": community, "rules": ["bin_reach", "staffing", "tiling"]}
    expected = _one_process(demo_store, "json", **options)
    got, written = _written(demo_store, "json", 2, tmp_path, **options)
    assert got == expected
    assert written.rules == 3
    assert json.loads(got)["community"] == community


def test_a_worker_that_dies_leaves_the_report_whole(demo_store, tmp_path, monkeypatch):
    parent, real = os.getpid(), parallel._apply

    def dies_in_a_worker(plan, i, body, spool, worker):
        if os.getpid() != parent:
            os._exit(9)  # killed mid-rule: the rule it took is lost with it
        return real(plan, i, body, spool, worker)

    monkeypatch.setattr(parallel, "_apply", dies_in_a_worker)
    expected = _one_process(demo_store, "json")
    got, written = _written(demo_store, "json", 2, tmp_path)
    assert got == expected
    assert written.jobs == 2


@pytest.mark.postgis
def test_a_postgis_store_gives_the_same_report_from_two_processes(make_store, tmp_path):
    store = make_store("postgis")
    import_demo(store)
    expected = _one_process(store, "json")
    got, _ = _written(store, "json", 2, tmp_path)
    assert got == expected
    # the calling process's connections still work after the workers left
    assert store.counts()["grids"] > 0


def test_an_unknown_format_is_refused_before_anything_runs(demo_store):
    from gridmap.errors import InputError

    with pytest.raises(InputError, match="xlsx") as info:
        parallel.write_checks(demo_store, "xlsx", io.BytesIO())
    assert "json" in str(info.value)  # the formats there are


def test_the_command_writes_the_same_report_with_any_jobs(demo_db, tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"check-{jobs}.json"
        done = subprocess.run(
            [sys.executable, "-m", "gridmap", "check", "--db", demo_db, "--format", "json",
             "--out", str(out), "--as-of", AS_OF.isoformat(), "--jobs", jobs],
            capture_output=True, text=True, check=False, timeout=300)
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["rules"]


def test_a_bad_jobs_value_is_refused_in_chinese(demo_db):
    done = subprocess.run(
        [sys.executable, "-m", "gridmap", "--lang", "zh", "check", "--db", demo_db,
         "--format", "json", "--jobs", "0"],
        capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 2
    assert "不是进程数" in done.stderr
    assert "Traceback" not in done.stderr


# --- the assembly ---------------------------------------------------------------------------


def test_bytes_split_inside_a_character_are_written_whole_to_a_text_file():
    body = "\n        " + '{"message_zh": "B0000000 附近没有健身器材"}'
    data = body.encode("utf-8")
    cut = data.index("附".encode()) + 1  # inside the three bytes of 附
    text = io.StringIO()
    out = StreamedReport(text, "json", as_of=AS_OF, community=None)
    out.rule({"id": "r"}, [data[:cut], data[cut:]])
    out.close()
    assert json.loads(text.getvalue())["rules"][0]["failures"] == [
        {"message_zh": "B0000000 附近没有健身器材"}]


@pytest.mark.parametrize("sink", ["file", "bytesio", "text"])
def test_a_file_span_is_copied_into_any_kind_of_file(tmp_path, sink):
    source = tmp_path / "spool"
    source.write_bytes(b"head" + "甲乙丙".encode() * 1000 + b"tail")
    with source.open("rb") as spool:
        span = FileSpan(spool.fileno(), 4, len("甲乙丙".encode()) * 1000)
        if sink == "file":
            with (tmp_path / "out").open("wb") as fh:
                fh.write(b"[")
                assert span.send_to(fh)
                fh.write(b"]")
            got = (tmp_path / "out").read_bytes().decode()
        elif sink == "bytesio":
            fh = io.BytesIO()
            assert not span.send_to(fh)  # no file number: the caller copies the chunks
            got = "[" + b"".join(span.chunks(size=7)).decode() + "]"
        else:
            text = io.StringIO()
            out = StreamedReport(text, "geojson", as_of=AS_OF, community=None)
            out.rule({}, [span])
            out.close(newline=False)
            got = "[" + text.getvalue().split("[", 1)[1].removesuffix("]}").strip() + "]"
    assert got == "[" + "甲乙丙" * 1000 + "]"
    assert not FileSpan(0, 0, 0)


# --- the board ------------------------------------------------------------------------------


def test_a_process_keeps_the_rules_of_the_big_layer_it_reads():
    needs = [("grids",), ("boards",), ("buildings",), ("boards", "bins"), ("buildings",)]
    rows = {"grids": 10, "boards": 1_000_000, "buildings": 200_000, "bins": 50}
    board = parallel._Board(needs, rows, big_rows=100_000)
    read = {0: {"grids"}, 1: {"grids"}}
    assert board.take(0, read[0]) == 0  # nothing new to read comes first
    assert board.take(1, read[1]) == 2  # the fewest new rows: buildings before boards
    read[1] |= {"buildings"}
    assert board.take(0, read[0]) == 1  # worker 0 now keeps the boards
    read[0] |= {"boards"}
    assert board.take(1, read[1]) == 4  # its own buildings again
    assert board.take(1, read[1]) is None  # the rest needs worker 0's boards
    assert board.take(0, read[0]) == 3
    assert board.take(0, read[0]) is None


@settings(max_examples=150)
@given(
    needs=st.lists(st.sets(st.sampled_from("abcdef"), min_size=1, max_size=3).map(tuple),
                   min_size=1, max_size=12),
    rows=st.fixed_dictionaries({name: st.integers(0, 300) for name in "abcdef"}),
    turns=st.lists(st.integers(0, 2), min_size=60, max_size=60),
)
def test_the_board_gives_each_rule_once_and_each_big_layer_to_one_process(needs, rows, turns):
    board = parallel._Board(needs, rows, big_rows=100)
    big = {name for name, count in rows.items() if count >= 100}
    read = {w: set() for w in range(3)}
    done: set[int] = set()
    taken_by: dict[int, int] = {}
    for worker in [*turns, 0, 1, 2] * 20:  # then everyone asks until nothing is left for them
        if worker in done:
            continue
        i = board.take(worker, read[worker])
        if i is None:
            done.add(worker)
            continue
        assert i not in taken_by
        taken_by[i] = worker
        read[worker] |= set(needs[i])
    keepers: dict[str, set[int]] = {}
    for i, worker in taken_by.items():
        for name in set(needs[i]) & big:
            keepers.setdefault(name, set()).add(worker)
    assert all(len(workers) == 1 for workers in keepers.values())
    for i in set(range(len(needs))) - set(taken_by):
        # left for the calling process: it needs big layers kept by two processes
        holders = {next(iter(keepers[name])) for name in set(needs[i]) & big if name in keepers}
        assert len(holders) >= 2


def test_a_terminated_check_leaves_no_file_and_no_worker(demo_db, tmp_path):
    """SIGTERM (a scheduler's timeout) stops the command as Ctrl-C does: exit 143, the
    half-written report removed, the workers gone."""
    import signal
    import textwrap

    out = tmp_path / "reports" / "check.json"
    script = textwrap.dedent(f"""
        import sys, time
        from gridmap.checks import parallel
        real = parallel._apply
        def slow(plan, i, body, spool, worker):
            if i == len(plan.selected) - 1:  # the last rule: both processes are up
                sys.stderr.write("ready\\n"); sys.stderr.flush()
                time.sleep(120)
            return real(plan, i, body, spool, worker)
        parallel._apply = slow
        from gridmap.cli import main
        sys.exit(main(["check", "--db", {demo_db!r}, "--format", "json", "--out",
                       {str(out)!r}, "--jobs", "2"]))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr.readline().strip() == "ready"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 143
    assert "interrupted" in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in out.parent.iterdir()] == []  # no half-written file left
    left = subprocess.run(["pgrep", "-f", str(out)], capture_output=True, text=True).stdout
    assert left == ""
