"""Faults: a killed import, a database restart, a full or read-only store, a broken migration.

Each test names the message a user sees (see docs/deploy.md, "What each fault does to a
user"), and checks that the store is exactly as it was before the failed action:

* the import process killed with SIGKILL in its write phase (SQLite; PostGIS): nothing
  of the import remains, the audit log is unchanged, the SQLite file passes
  ``PRAGMA integrity_check`` after its WAL is recovered;
* the PostgreSQL server restarted between two calls on one Store: the next call
  reconnects; while it is down, calls raise ``StoreError`` "... the store is
  unreachable ..."; a transaction cut by the restart leaves no row behind. These run
  on a throwaway PostgreSQL cluster of their own (``pg_createcluster``), so the
  shared test server is never restarted;
* a read-only store (``mode=ro`` URL) and a full one (a 1 MB tmpfs where mounting is
  allowed, and SQLite's ``max_page_count`` everywhere): ``StoreError`` "... is
  read-only ..." / "... is full ...", nothing written;
* a migration that fails half-way, or whose process is killed half-way: the store
  stays at its old revision with its data, and running the upgrade again succeeds;
* PostgreSQL errors that cannot be provoked here (disk full, standby) get the same messages.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import shapely
from sqlalchemy import event, insert, inspect, text

from gridmap import auth, cli
from gridmap.bench._process import free_port
from gridmap.errors import StoreError
from gridmap.store import Store, open_store, schema

ROOT = Path(__file__).resolve().parents[2]
FIRST_REVISION = "0001"


# --- helpers ------------------------------------------------------------------------------


def _sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _dump(path: Path) -> list[str]:
    """Every statement that recreates the SQLite database: equal dumps, equal stores."""
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _snapshot(store: Store) -> tuple[dict[str, int], list[int], list[tuple]]:
    """Row counts, audit ids and layer_sources of a store (any backend)."""
    audit = store.read_audit(limit=1_000_000)
    with store.engine.connect() as conn:
        sources = conn.execute(text("SELECT id, layer, rows FROM layer_sources ORDER BY id")).all()
    return store.counts(), sorted(audit["id"].tolist()), [tuple(r) for r in sources]


def _boards_csv(store: Store, path: Path, n: int, *, seed: int = 9) -> Path:
    """Write ``n`` boards, each just inside a grid of ``store`` (representative point + jitter)."""
    grids = store.read_layer("grids")
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(grids), n)
    rep = shapely.get_coordinates(grids.geometry.representative_point().to_numpy())[which]
    xy = rep + rng.uniform(-2e-6, 2e-6, (n, 2))
    inside = shapely.contains_xy(grids.geometry.to_numpy()[which], xy[:, 0], xy[:, 1])
    xy[~inside] = rep[~inside]
    lines = [f"宣传栏,故障测试{i},{x:.8f},{y:.8f}\n" for i, (x, y) in enumerate(xy)]
    path.write_text("类型,名称,经度,纬度\n" + "".join(lines), encoding="utf-8")
    return path


def _import_command(csv: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "gridmap", "import", "boards", str(csv), "--db", url]


def _kill_when(proc: subprocess.Popen, in_write_phase, *, timeout_s: float = 120) -> None:
    """SIGKILL ``proc`` as soon as ``in_write_phase()`` is true; fail if it ends first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.communicate(timeout=30)[0] or ""
            pytest.fail(
                f"the import ended (code {proc.returncode}) before its write phase "
                f"was seen: {out[-500:]}"
            )
        if in_write_phase():
            proc.send_signal(signal.SIGKILL)
            proc.communicate(timeout=30)  # also closes the pipe
            assert proc.returncode == -signal.SIGKILL
            return
        time.sleep(0.05)
    proc.kill()
    proc.communicate(timeout=30)
    pytest.fail("the import never reached its write phase")


def _sqlite_writing(path: Path) -> bool:
    """Whether another connection holds the SQLite write lock and has spilled pages to the WAL."""
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size < 1_000_000:
        return False
    con = sqlite3.connect(path, timeout=0)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.rollback()
        return False
    except sqlite3.OperationalError as err:
        return "locked" in str(err)
    finally:
        con.close()


# --- 2a: SIGKILL in the middle of a large import ------------------------------------------


@pytest.mark.slow
def test_sigkill_in_the_write_phase_of_a_large_import_leaves_the_sqlite_store_as_before(
    demo_store, demo_db, tmp_path
):
    path = _sqlite_path(demo_db)
    csv = _boards_csv(demo_store, tmp_path / "big.csv", 200_000)
    before_counts = demo_store.counts()
    demo_store.close()
    before = _dump(path)

    proc = subprocess.Popen(
        _import_command(csv, demo_db), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, cwd=ROOT,
    )  # fmt: skip
    _kill_when(proc, lambda: _sqlite_writing(path))
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 1_000_000  # the killed transaction's pages are in the WAL

    # the next open recovers the WAL: the uncommitted import is gone, the file is sound
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    assert _dump(path) == before

    store = open_store(demo_db)
    try:
        assert store.counts() == before_counts
        assert not store.read_audit(limit=5)["note"].str.contains("big.csv").any()
        # the store is not left locked: a small import goes through at once
        small = _boards_csv(store, tmp_path / "small.csv", 3)
    finally:
        store.close()
    assert cli.main(["import", "boards", str(small), "--db", demo_db]) == 0
    with open_store(demo_db) as store:
        assert store.counts()["boards"] == before_counts["boards"] + 3


@pytest.mark.postgis
@pytest.mark.slow
def test_sigkill_in_the_write_phase_of_a_large_import_leaves_the_postgis_store_as_before(
    make_store, tmp_path
):
    from gridmap.importing import import_demo

    store = make_store("postgis")
    import_demo(store)
    csv = _boards_csv(store, tmp_path / "big.csv", 100_000)
    before = _snapshot(store)
    database = store.engine.url.database

    def writing() -> bool:
        # a backend of the import has a transaction id: it has started writing rows
        with store.engine.connect() as conn:
            return bool(conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db"
                     " AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                     " AND query ILIKE 'INSERT INTO points%'"),
                {"db": database},
            ).scalar())  # fmt: skip

    proc = subprocess.Popen(
        _import_command(csv, store.url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, cwd=ROOT,
    )  # fmt: skip
    _kill_when(proc, writing)
    # the server notices the dead client and rolls its transaction back
    deadline = time.monotonic() + 30
    while writing() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not writing()
    assert _snapshot(store) == before


# --- 2b: the database restarted while the app runs ----------------------------------------


class _Cluster:
    """A throwaway PostgreSQL cluster of the installed version, on a free port."""

    def __init__(self) -> None:
        versions = sorted(Path("/etc/postgresql").iterdir(), key=lambda p: float(p.name))
        self.version = versions[-1].name
        self.name = f"gmfault{os.getpid()}"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def ready(self) -> bool:
        done = subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False
        )
        return done.returncode == 0

    def wait_ready(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not self.ready():
            if time.monotonic() > deadline:
                pytest.fail(f"the test cluster on port {self.port} did not come back")
            time.sleep(0.2)

    def create(self) -> None:
        subprocess.run(
            ["pg_createcluster", self.version, self.name, "--port", str(self.port),
             "--", "--auth=trust"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self.ctl("start")
        self.wait_ready()

    def drop(self) -> None:
        subprocess.run(
            ["pg_dropcluster", "--stop", self.version, self.name],
            check=False, capture_output=True, timeout=120,
        )  # fmt: skip


@pytest.fixture(scope="module")
def cluster() -> Iterator[_Cluster]:
    """A PostgreSQL cluster this module may stop and restart; dropped at the end."""
    if os.environ.get("GRIDMAP_SKIP_POSTGIS", "").strip() == "1":
        pytest.skip("PostGIS tests skipped on request (GRIDMAP_SKIP_POSTGIS=1)")
    if os.geteuid() != 0 or not shutil.which("pg_createcluster"):
        pytest.skip("restarting a database needs root and pg_createcluster (postgresql-common)")
    made = _Cluster()
    try:
        made.create()
        yield made
    finally:
        made.drop()
    assert not made.ready()


@pytest.fixture
def restart_store(cluster: _Cluster) -> Iterator[Store]:
    cluster.wait_ready()
    store = open_store(cluster.url)
    yield store
    store.close()
    if not cluster.ready():  # a failed test must not leave the server down
        cluster.ctl("start")
        cluster.wait_ready()
    with Store(cluster.url) as admin, admin.engine.begin() as conn:
        conn.execute(text("DELETE FROM meta WHERE key LIKE 'fault%'"))


@pytest.mark.postgis
@pytest.mark.slow
def test_the_next_call_after_a_database_restart_reconnects(cluster, restart_store):
    restart_store.set_meta("fault-before", "1")
    cluster.ctl("restart")
    cluster.wait_ready()
    # the pooled connection died with the server; the pool checks it and reconnects
    assert restart_store.get_meta("fault-before") == "1"
    restart_store.set_meta("fault-after", "2")
    assert restart_store.get_meta("fault-after") == "2"


@pytest.mark.postgis
@pytest.mark.slow
def test_a_stopped_database_is_reported_as_unreachable_and_comes_back(cluster, restart_store):
    restart_store.set_meta("fault-kept", "1")
    cluster.ctl("stop")
    try:
        for call in (lambda: restart_store.get_meta("fault-kept"),
                     lambda: restart_store.set_meta("fault-lost", "2"),
                     lambda: Store(cluster.url)):  # fmt: skip
            with pytest.raises(StoreError, match="the store is unreachable") as info:
                call()
            message = str(info.value)
            assert "Traceback" not in message and "OperationalError" not in message
            assert "[SQL" not in message
            assert "check that the database server is running" in message
    finally:
        cluster.ctl("start")
        cluster.wait_ready()
    assert restart_store.get_meta("fault-kept") == "1"
    assert restart_store.get_meta("fault-lost") is None


@pytest.mark.postgis
@pytest.mark.slow
def test_a_write_cut_by_a_database_restart_leaves_no_row(cluster, restart_store):
    with pytest.raises(StoreError, match="the store is unreachable"):  # noqa: SIM117
        with restart_store.transaction() as conn:
            conn.execute(insert(schema.meta).values(key="fault-half-1", value="1"))
            cluster.ctl("restart")
            cluster.wait_ready()
            conn.execute(insert(schema.meta).values(key="fault-half-2", value="2"))
    assert restart_store.get_meta("fault-half-1") is None
    assert restart_store.get_meta("fault-half-2") is None
    with restart_store.engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM meta WHERE key LIKE 'fault-half%'")).scalar()
            == 0
        )


# --- 2c: a read-only or full store --------------------------------------------------------


def test_a_read_only_store_gives_a_clear_error_and_stays_unchanged(demo_store, demo_db, tmp_path):
    path = _sqlite_path(demo_db)
    demo_store.close()
    before = _dump(path)
    read_only = f"sqlite:///file:{path}?mode=ro&uri=true"
    store = Store(read_only)
    try:
        assert store.counts()["grids"] == 40  # reading works
        with pytest.raises(StoreError, match=r"is read-only .*nothing was saved") as info:
            auth.create_user(store, "newcomer", "long-enough-pw-1")
        assert "attempt to write a readonly database" in str(info.value)
    finally:
        store.close()
    assert _dump(path) == before


def test_the_cli_reports_a_read_only_store_without_a_traceback(demo_db, tmp_path, capsys):
    path = _sqlite_path(demo_db)
    with open_store(demo_db) as store:
        small = _boards_csv(store, tmp_path / "small.csv", 5)
    before = _dump(path)
    code = cli.main(["import", "boards", str(small), "--db",
                     f"sqlite:///file:{path}?mode=ro&uri=true"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0
    assert err.startswith("gridmap import: error: ")
    assert "is read-only" in err and "Traceback" not in err and "internal error" not in err
    assert _dump(path) == before


def _fill_up(store: Store) -> None:
    """Cap the SQLite file at its current size, as a full disk would."""

    @event.listens_for(store.engine, "connect")
    def _cap(dbapi_connection, connection_record) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    store.engine.dispose()


def test_a_full_sqlite_store_gives_a_clear_error_and_stays_unchanged(demo_store, demo_db, tmp_path):
    from gridmap.importing import import_file

    path = _sqlite_path(demo_db)
    csv = _boards_csv(demo_store, tmp_path / "many.csv", 20_000)
    before_counts = demo_store.counts()
    before = _dump(path)
    _fill_up(demo_store)
    with pytest.raises(StoreError, match=r"is full .*nothing was saved") as info:
        import_file(demo_store, "boards", csv, user=auth.SYSTEM)
    assert "database or disk is full" in str(info.value)
    assert "Free disk space" in str(info.value)
    assert demo_store.counts() == before_counts
    demo_store.close()
    assert _dump(path) == before


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (needs root and a sandbox that allows mounts; skipped otherwise)."""
    folder = tmp_path / "tiny"
    folder.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                          capture_output=True, check=False)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize("left_kb", [0, 256], ids=["disk-full-before", "disk-fills-up"])
def test_a_full_disk_gives_a_clear_error_and_the_store_stays_usable(
    demo_file, tiny_disk, tmp_path, capsys, left_kb
):
    path = tiny_disk / "store.sqlite"
    shutil.copyfile(demo_file, path)
    url = f"sqlite:///{path}"
    with open_store(url) as store:
        before_counts = store.counts()
        csv = _boards_csv(store, tmp_path / "many.csv", 20_000)
    before = _dump(path)
    # fill the 2 MB disk up to ``left_kb``: the import needs several MB
    ballast = tiny_disk / "ballast"
    with ballast.open("wb") as out:
        try:
            while shutil.disk_usage(tiny_disk).free > left_kb * 1024:
                out.write(b"\0" * 4096)
                out.flush()
        except OSError:
            pass
    code = cli.main(["import", "boards", str(csv), "--db", url])
    err = capsys.readouterr().err
    assert code != 0
    assert "is full" in err and "Traceback" not in err and "internal error" not in err
    ballast.unlink()  # space freed: the store works again and lost nothing
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()
    assert _dump(path) == before
    with open_store(url) as store:
        assert store.counts() == before_counts
        store.set_meta("after-full", "yes")
        assert store.get_meta("after-full") == "yes"


# --- 2d: a migration interrupted half-way can be re-run -----------------------------------


def _store_at_first_revision(make_store, backend: str) -> Store:
    store = make_store(backend, upgrade=False)
    store.upgrade(revision=FIRST_REVISION)
    assert store.schema_version() == FIRST_REVISION
    store.insert("streets", {"name": "迁移街道", "code": "110101999"}, username="test")
    # written with the first revision's columns (the library's user reads know later ones)
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO users (username, password_hash, role, failed_logins, disabled,"
                 " version, created_at, updated_at) VALUES (:u, :h, 'planner', 0, :f, 1, :t, :t)"),
            {"u": "migrant", "h": auth.hash_password("long-enough-pw-1"), "f": False,
             "t": dt.datetime(2026, 1, 1, tzinfo=dt.UTC)},
        )  # fmt: skip
    return store


def _tables(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _assert_first_revision_data(store: Store) -> None:
    """The rows written at the first revision are there (read with that revision's columns)."""
    with store.engine.connect() as conn:
        names = conn.execute(text("SELECT name FROM streets")).scalars().all()
        hashes = conn.execute(
            text("SELECT password_hash FROM users WHERE username = 'migrant'")
        ).scalars().all()
    assert names == ["迁移街道"]
    assert len(hashes) == 1 and auth.verify_password(hashes[0], "long-enough-pw-1")
    if store.schema_version() == store.head_version():  # the whole login works at head
        assert auth.authenticate(store, "migrant", "long-enough-pw-1") is not None


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_a_migration_failing_half_way_rolls_back_and_can_be_re_run(
    make_store, backend, monkeypatch
):
    from alembic import op
    from sqlalchemy import exc

    store = _store_at_first_revision(make_store, backend)
    real_create_index = op.create_index

    def create_index_then_fail(*args, **kwargs):
        real_create_index(*args, **kwargs)  # the step before succeeded: half-way through
        raise exc.OperationalError("CREATE INDEX ...", {}, OSError("disk I/O error"))

    monkeypatch.setattr(op, "create_index", create_index_then_fail)
    with pytest.raises(StoreError, match="disk I/O error"):
        store.upgrade()
    monkeypatch.undo()
    # all revisions run in one transaction: nothing of the half-done one is left
    assert store.schema_version() == FIRST_REVISION
    assert "issue_photos" not in _tables(store)
    _assert_first_revision_data(store)

    store.upgrade()
    assert store.schema_version() == store.head_version()
    assert "issue_photos" in _tables(store)
    _assert_first_revision_data(store)


_KILLED_MIGRATION = textwrap.dedent(
    """
    import sys, time
    from alembic import op
    from gridmap.store import Store

    real = op.create_index

    def create_index_and_hang(*args, **kwargs):
        real(*args, **kwargs)
        print("half-way", flush=True)
        time.sleep(600)

    op.create_index = create_index_and_hang
    Store(sys.argv[1]).upgrade()
    """
)


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)])
def test_a_migration_killed_half_way_can_be_re_run(make_store, backend):
    store = _store_at_first_revision(make_store, backend)
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MIGRATION, store.url], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        line = proc.stdout.readline()
        assert line.strip() == "half-way", line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
    if backend == "postgis":  # wait until the server has rolled the dead session back
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with store.engine.connect() as conn:
                others = conn.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE datname ="
                         " current_database() AND pid <> pg_backend_pid()")
                ).scalar()  # fmt: skip
            if not others:
                break
            time.sleep(0.1)
    assert store.schema_version() == FIRST_REVISION
    assert "issue_photos" not in _tables(store)
    _assert_first_revision_data(store)

    store.upgrade()
    assert store.schema_version() == store.head_version()
    _assert_first_revision_data(store)


# --- the classification behind the messages, for PostgreSQL errors not provoked above --------


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str | None):
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("message", "sqlstate", "expected"),
    [
        ('could not extend file "base/16384/16390": No space left on device', "53100", "is full"),
        ("cannot execute INSERT in a read-only transaction", "25006", "is read-only"),
        ("terminating connection due to administrator command", "57P01", "is unreachable"),
        ("the database system is starting up", "57P03", "is unreachable"),
        ("server closed the connection unexpectedly", None, "is unreachable"),
        ('relation "grids" does not exist', "42P01", "not an initialised gridmap store"),
    ],
)
def test_postgresql_errors_get_a_clear_message(message, sqlstate, expected):
    from sqlalchemy import exc

    err = exc.OperationalError("INSERT INTO grids ...", {}, _DriverError(message, sqlstate))
    store = Store("sqlite://")
    try:
        store.dialect = "postgresql"  # classify as the PostgreSQL store would
        text_ = str(store._store_error(err))
    finally:
        store.close()
    assert expected in text_
    assert message in text_
    assert "[SQL" not in text_ and "INSERT INTO" not in text_


@pytest.mark.postgis
@pytest.mark.slow
def test_the_dashboard_reads_report_a_stopped_database_as_unreachable(cluster, restart_store):
    """Every read of the dashboard page gives the clean StoreError, never SQLAlchemy's."""
    import datetime as dt

    from gridmap import issues
    from gridmap.importing import import_demo

    if restart_store.is_empty():
        import_demo(restart_store)
    cfg = issues.load_issue_config()
    month = dt.date.today().strftime("%Y-%m")
    calls = {
        "list_issues": lambda: issues.list_issues(restart_store, auth.SYSTEM, config=cfg),
        "month_scores": lambda: issues.month_scores(restart_store, month=month, by="grid",
                                                    user=auth.SYSTEM, config=cfg),
        "scores_workbook": lambda: issues.scores_workbook(restart_store, month=month,
                                                          user=auth.SYSTEM, config=cfg,
                                                          audit=False),
        "record_scores_export": lambda: issues.record_scores_export(restart_store, auth.SYSTEM,
                                                                    month=month),
    }
    for call in calls.values():
        call()  # the pool holds live connections when the server stops
    cluster.ctl("stop")
    try:
        for name, call in calls.items():
            with pytest.raises(StoreError, match="the store is unreachable") as info:
                call()
            assert "OperationalError" not in str(info.value), name
    finally:
        cluster.ctl("start")
        cluster.wait_ready()
