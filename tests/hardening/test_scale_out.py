"""Scale-out: several app processes on one store, sharing nothing but the database.

* two ``gridmap serve`` processes started at once on a fresh PostGIS database load the
  demo street exactly once, and an edit written to the database is visible through
  both (a real browser logs in to each);
* two conflicting saves: the version check refuses the second, with two Store objects
  and with two OS processes racing on one row; nothing is overwritten;
* ``gridmap init`` upgrades a store created at every earlier schema revision to the
  newest one, with every row kept (SQLite and PostGIS);
* nothing that must be shared lives in one process: failed-login counts and locks,
  the cache version stamp.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import inspect, text

from gridmap import auth, snapshot
from gridmap.bench._process import free_port, stop_group, wait_healthy
from gridmap.errors import ConflictError
from gridmap.importing import import_demo
from gridmap.store import Store, open_store

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["sqlite", pytest.param("postgis", marks=pytest.mark.postgis)]
PASSWORD = "scale-out-pw-1"


# --- helpers ------------------------------------------------------------------------------


def _second_store(store: Store) -> Store:
    """Another Store on the same database, as a second app process would open it."""
    return Store(store.url)


def _street(store: Store, code: str = "110101888") -> dict:
    """Insert a versioned row (a street) and return it as read."""
    row_id = store.insert("streets", {"name": f"扩容街道{code}", "code": code}, username="test")
    return store.get("streets", row_id)


# --- (b) two conflicting saves ------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_second_of_two_conflicting_saves_is_refused(make_store, backend):
    first = make_store(backend)
    second = _second_store(first)
    try:
        row_id = _street(first)["id"]
        a = first.get("streets", row_id)  # both read version 1
        b = second.get("streets", row_id)
        assert a["version"] == b["version"] == 1
        assert first.update("streets", row_id, {"name": "甲的名字"}, version=a["version"],
                            username="alice") == 2  # fmt: skip
        with pytest.raises(ConflictError, match="changed by someone else") as info:
            second.update("streets", row_id, {"name": "乙的名字"}, version=b["version"],
                          username="bob")  # fmt: skip
        assert info.value.current_version == 2
        for store in (first, second):
            row = store.get("streets", row_id)
            assert (row["name"], row["version"]) == ("甲的名字", 2)
        updates = first.read_audit(table="streets", row_id=row_id)
        assert updates["action"].tolist() == ["update", "insert"]
        assert updates["username"].tolist()[0] == "alice"
    finally:
        second.close()


_RACER = textwrap.dedent(
    """
    import sys
    from gridmap.errors import ConflictError
    from gridmap.store import Store

    url, row_id, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    store = Store(url)
    version = store.get("streets", row_id)["version"]
    print("ready", flush=True)
    sys.stdin.readline()  # both start saving at the same moment
    try:
        store.update("streets", row_id, {"name": name}, version=version, username=name)
    except ConflictError:
        print("conflict", flush=True)
    else:
        print("won", flush=True)
    store.close()
    """
)


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_processes_racing_on_one_row_exactly_one_wins(make_store, backend):
    store = make_store(backend)
    row_id = _street(store)["id"]
    names = ("racer-a", "racer-b")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, store.url, str(row_id), name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for name in names
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "ready"
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=60) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    outcomes = [out.strip() for out, _ in results]
    assert all(proc.returncode == 0 for proc in procs), [err for _, err in results]
    assert sorted(outcomes) == ["conflict", "won"]
    winner = names[outcomes.index("won")]
    row = store.get("streets", row_id)
    assert (row["name"], row["version"]) == (winner, 2)
    audit = store.read_audit(table="streets", row_id=row_id)
    assert audit["action"].tolist() == ["update", "insert"]
    assert audit["username"].iloc[0] == winner


# --- (c) gridmap init upgrades an existing store without losing data ----------------------


def _old_revisions() -> list[str]:
    """Every schema revision before the newest, oldest first."""
    from alembic.script import ScriptDirectory

    with Store("sqlite://") as store:
        scripts = ScriptDirectory.from_config(store._alembic_config())
        head = scripts.get_current_head()
        return [r.revision for r in reversed(list(scripts.walk_revisions())) if r.revision != head]


def _downgrade(store: Store, revision: str) -> None:
    """Take the store's schema back to ``revision`` (Alembic downgrade, data kept where it fits)."""
    from alembic import command

    config = store._alembic_config()
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _table_rows(store: Store, columns: dict[str, list[str]]) -> dict:
    """Every row of the tables and columns in ``columns``, in key order."""
    out: dict[str, list[tuple]] = {}
    with store.engine.connect() as conn:
        for name, cols in columns.items():
            listed = ", ".join(f'"{c}"' for c in cols)
            rows = conn.execute(text(f'SELECT {listed} FROM "{name}" ORDER BY 1')).all()
            out[name] = [tuple(r) for r in rows]
    return out


def _columns(store: Store) -> dict[str, list[str]]:
    """Table name -> column names of every gridmap table of ``store``."""
    with store.engine.connect() as conn:
        found = inspect(conn)
        return {
            name: [c["name"] for c in found.get_columns(name)]
            for name in found.get_table_names()
            if name not in ("alembic_version", "spatial_ref_sys")
        }


def _gridmap_init(url: str) -> str:
    """Run ``gridmap init --db URL`` as a user would; return what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "gridmap", "init", "--db", url],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("revision", _old_revisions())
def test_gridmap_init_upgrades_an_old_store_and_keeps_every_row(make_store, backend, revision):
    # the demo street (which grows with the schema: roads.owner, hoardings ... since 0003)
    # loaded at the newest revision, then the store taken back to the old one
    store = make_store(backend)
    import_demo(store)
    auth.create_user(store, "veteran", PASSWORD, role="planner")
    _downgrade(store, revision)
    old_columns = _columns(store)
    before = _table_rows(store, old_columns)
    assert sum(len(rows) for rows in before.values()) > 2_000
    store.close()

    head = store.head_version()
    assert f"(schema {head})" in _gridmap_init(store.url)

    upgraded = Store(store.url)
    try:
        assert upgraded.schema_version() == head
        assert _table_rows(upgraded, old_columns) == before
        assert set(old_columns) <= set(_columns(upgraded))
        now = _table_rows(upgraded, _columns(upgraded))
        _gridmap_init(store.url)  # a second run changes nothing
        assert _table_rows(upgraded, _columns(upgraded)) == now
        assert auth.authenticate(upgraded, "veteran", PASSWORD) is not None
    finally:
        upgraded.close()


# --- (d) nothing shared lives in one process ----------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_failed_logins_through_one_process_lock_the_user_in_another(make_store, backend):
    first = make_store(backend)
    second = _second_store(first)
    try:
        auth.create_user(first, "target", PASSWORD, role="viewer")
        for _ in range(auth.MAX_FAILED_LOGINS):
            assert auth.authenticate(first, "target", "wrong-password") is None
        # the right password through the other process is refused: the lock is in the store
        assert auth.authenticate(second, "target", PASSWORD) is None
        row = second.find_user("target")
        assert row["failed_logins"] == auth.MAX_FAILED_LOGINS
        assert row["locked_until"] is not None
    finally:
        second.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_failures_spread_over_processes_add_up(make_store, backend):
    stores = [make_store(backend)]
    stores.append(_second_store(stores[0]))
    try:
        auth.create_user(stores[0], "target", PASSWORD, role="viewer")
        for i in range(auth.MAX_FAILED_LOGINS - 1):
            assert auth.authenticate(stores[i % 2], "target", "wrong-password") is None
        # one short of the limit: the right password still works, and resets the count
        assert auth.authenticate(stores[1], "target", PASSWORD) is not None
        assert stores[0].find_user("target")["failed_logins"] == 0
        for i in range(auth.MAX_FAILED_LOGINS):
            assert auth.authenticate(stores[i % 2], "target", "wrong-password") is None
        assert auth.authenticate(stores[0], "target", PASSWORD) is None
        assert auth.authenticate(stores[1], "target", PASSWORD) is None
    finally:
        stores[1].close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_cache_version_stamp_changes_for_every_process(make_store, backend):
    first = make_store(backend)
    second = _second_store(first)
    try:
        row = _street(first)
        seen = snapshot.data_version(second)
        first.update("streets", row["id"], {"city": "北京市"}, version=row["version"],
                     username="test")  # fmt: skip
        # the app caches frames per data_version: the other process must see a new stamp
        assert snapshot.data_version(second) != seen
    finally:
        second.close()


@pytest.mark.postgis
def test_a_write_committed_out_of_id_order_still_changes_the_cache_version(make_store):
    from sqlalchemy import insert

    from gridmap.store import schema

    first = make_store("postgis")
    second = _second_store(first)
    try:
        slow, quick = _street(first, "110101801"), _street(first, "110101802")
        with first.transaction() as conn:  # a long edit: its audit row takes an id first
            first.update("streets", slow["id"], {"city": "甲"}, version=1, username="a",
                         conn=conn)  # fmt: skip
            second.update("streets", quick["id"], {"city": "乙"}, version=1, username="b")
            seen = snapshot.data_version(second)  # a page loads its frames now ...
            conn.execute(insert(schema.meta).values(key="long-edit", value="done"))
        # ... and the long edit commits: the page must not keep the frames it cached
        assert snapshot.data_version(second) != seen
    finally:
        second.close()


_PREPARE = textwrap.dedent(
    """
    import sys
    from gridmap import server

    server.prepare(db=sys.argv[1], admin_password=sys.argv[2])
    """
)


@pytest.mark.postgis
@pytest.mark.slow
def test_app_processes_started_at_once_load_the_demo_street_once(postgis_server, tmp_path):
    database = postgis_server.acquire(migrated=False)
    url = postgis_server.url(database)
    env = dict(os.environ, GRIDMAP_CONFIG=str(tmp_path / "gridmap.toml"))
    try:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", _PREPARE, url, PASSWORD],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
                env=env,
            )
            for _ in range(2)
        ]
        results = [proc.communicate(timeout=300) for proc in procs]
        assert [proc.returncode for proc in procs] == [0, 0], [err for _, err in results]
        assert sum("loaded the demo street" in out for out, _ in results) == 1
        with open_store(url, upgrade=False) as store:
            assert store.counts()["communities"] == 5
            assert auth.authenticate(store, "admin", PASSWORD) is not None
    finally:
        postgis_server.release(database)


@pytest.mark.postgis
def test_the_startup_lock_is_held_by_one_process_at_a_time(make_store):
    import threading

    first = make_store("postgis")
    second = _second_store(first)
    got = threading.Event()

    def take() -> None:
        with second.startup_lock():
            got.set()

    try:
        with first.startup_lock():
            thread = threading.Thread(target=take)
            thread.start()
            assert not got.wait(0.5)  # blocked while the first holds it
        assert got.wait(10)
        thread.join(10)
    finally:
        second.close()


# --- (a) two app processes on one PostGIS store -------------------------------------------

CHROMIUM = "/usr/bin/chromium"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]  # fmt: skip


@pytest.fixture
def two_apps(postgis_server, tmp_path: Path) -> Iterator[dict]:
    """Two ``gridmap serve`` processes started at once on one fresh PostGIS database."""
    database = postgis_server.acquire(migrated=False)
    url = postgis_server.url(database)
    env = dict(os.environ, GRIDMAP_CONFIG=str(tmp_path / "gridmap.toml"), GRIDMAP_DB=url)
    apps, logs = [], []
    try:
        for i in range(2):
            port = free_port()
            log = tmp_path / f"serve{i}.log"
            logs.append(log.open("w"))
            proc = subprocess.Popen(
                [sys.executable, "-m", "gridmap", "serve", "--db", url, "--port", str(port),
                 "--address", "127.0.0.1", "--admin-password", PASSWORD],
                stdout=logs[-1], stderr=subprocess.STDOUT, env=env, start_new_session=True,
                cwd=ROOT,
            )  # fmt: skip
            apps.append({"proc": proc, "port": port, "log": log})
        for app in apps:
            wait_healthy(f"http://127.0.0.1:{app['port']}/_stcore/health", app["proc"],
                         timeout_s=120, log=Path(app["log"].name))
        yield {"url": url, "apps": apps}
    finally:
        for app in apps:
            stop_group(app["proc"])
        for log in logs:
            log.close()
        postgis_server.release(database)


@pytest.mark.postgis
@pytest.mark.browser
@pytest.mark.slow
def test_two_app_processes_share_one_postgis_store(two_apps):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    from playwright.sync_api import sync_playwright

    url = two_apps["url"]
    logs = [app["log"].read_text() for app in two_apps["apps"]]
    # started together, the processes loaded the demo street once between them
    assert sum("loaded the demo street" in log for log in logs) == 1, logs
    with open_store(url, upgrade=False) as store:
        assert store.counts()["communities"] == 5
        community = store.read_layer("communities").iloc[0]
        auth.create_user(store, "local_viewer", PASSWORD, role="viewer",
                         scope=[str(community["code"])])  # fmt: skip

    blocked: list[str] = []

    def route(request_route) -> None:
        address = request_route.request.url
        if urlparse(address).hostname in LOCAL_HOSTS or address.startswith(
            ("data:", "blob:", "about:")
        ):
            request_route.continue_()
        else:
            blocked.append(address)
            request_route.abort()

    def shows(browser, port: int, name: str) -> bool:
        """Log in to the app on ``port`` as the scoped viewer; wait for ``name`` in the sidebar."""
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.context.route("**/*", route)
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_label("用户名").fill("local_viewer")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            sidebar = page.locator("[data-testid='stSidebar']")
            sidebar.get_by_text(name).first.wait_for(timeout=60_000)
            return True
        finally:
            page.close()

    renamed = "扩容测试社区"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for app in two_apps["apps"]:  # each process caches the frames with the old name
                assert shows(browser, app["port"], str(community["name"]))
            with open_store(url, upgrade=False) as store:  # an edit, as either app writes it
                store.update("communities", int(community["id"]), {"name": renamed},
                             version=int(community["version"]), username="admin")  # fmt: skip
            for app in two_apps["apps"]:
                assert shows(browser, app["port"], renamed)
        finally:
            browser.close()
    assert blocked == [], f"the page asked for non-local resources: {blocked}"
    for app in two_apps["apps"]:
        assert app["proc"].poll() is None


@pytest.mark.postgis
@pytest.mark.slow
def test_a_fresh_app_process_serves_the_map_component_before_any_page_ran(two_apps):
    """With several processes the map iframe's request may reach one that ran no page yet."""
    import urllib.error
    import urllib.request

    for app in two_apps["apps"]:
        address = (f"http://127.0.0.1:{app['port']}/component/streamlit_folium.st_folium/"
                   "index.html")  # fmt: skip
        try:
            with urllib.request.urlopen(address, timeout=30) as response:  # localhost only
                status = response.status
        except urllib.error.HTTPError as err:
            status = err.code
        assert status == 200, app["log"].read_text()[-2000:]
