"""Shared pytest fixtures.

Stores
------
``make_store(backend="sqlite", *, upgrade=True)``
    factory: a fresh, empty :class:`gridmap.store.Store` on an SQLite file under
    ``tmp_path`` or, for ``"postgis"``, on a throwaway PostgreSQL database
    ``gridmap_test_<random>`` with the PostGIS extension (emptied and reused by
    later tests, dropped at the end of the session). Every store it made is
    closed at the end of the test.
``store``
    a migrated store, parametrized over ``sqlite`` and ``postgis`` (the latter
    marked ``postgis``).

The PostGIS server is ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``
(trust authentication; override with ``GRIDMAP_TEST_PG``). When it cannot be
reached the PostGIS tests **fail**: CI must not skip them silently. Laptop users
without PostgreSQL opt out explicitly with ``GRIDMAP_SKIP_POSTGIS=1``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# messages in English unless a test asks otherwise (the CLI follows the locale)
os.environ.setdefault("GRIDMAP_LANG", "en")
from hypothesis import settings

# CI runs Hypothesis derandomized: the same examples every run, so a submission's result
# does not depend on which random examples one run happened to draw.
# No per-example deadline anywhere: timings never decide a test (the machine is shared).
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", derandomize=True, database=None, print_blob=True, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

POSTGIS_ADMIN_URL = os.environ.get(
    "GRIDMAP_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("sqlite", pytest.param("postgis", marks=pytest.mark.postgis))


def postgis_skipped() -> bool:
    """Whether the user opted out of PostGIS tests (``GRIDMAP_SKIP_POSTGIS=1``)."""
    return os.environ.get("GRIDMAP_SKIP_POSTGIS", "").strip() == "1"


class _PostGISServer:
    """Creates throwaway test databases ``gridmap_test_<random>`` on the PostGIS server.

    Migrated databases are recycled: when a test ends its tables are emptied
    (``TRUNCATE ... RESTART IDENTITY``, so ids start at 1 again) and the next test
    gets the database. Creating a database with PostGIS and migrating it takes
    about a second; emptying it takes milliseconds. Every database is dropped at
    the end of the session.
    """

    def __init__(self, admin_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        self.admin_url = make_url(admin_url)
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self._created: list[str] = []
        self._clean: list[str] = []  # migrated and empty, ready for the next test

    def _execute(self, sql: str) -> None:
        from sqlalchemy import exc, text

        try:
            with self.engine.connect() as conn:
                conn.execute(text(sql))
        except exc.OperationalError as err:
            pytest.fail(
                f"PostGIS tests need a PostgreSQL server at "
                f"{self.admin_url.render_as_string(hide_password=True)} ({err.orig}). "
                "Start it, or set GRIDMAP_SKIP_POSTGIS=1 to skip these tests explicitly."
            )

    def url(self, name: str) -> str:
        """Return the URL of database ``name`` on this server."""
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def acquire(self, *, migrated: bool) -> str:
        """Return the name of an empty database with PostGIS (and the schema if ``migrated``)."""
        from sqlalchemy import create_engine, exc, text

        from gridmap.store import Store

        if migrated and self._clean:
            return self._clean.pop()
        name = f"gridmap_test_{secrets.token_hex(6)}"
        self._execute(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        engine = create_engine(self.url(name), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        except exc.DBAPIError as err:
            pytest.fail(f"the PostGIS extension is not available: {err.orig}")
        finally:
            engine.dispose()
        if migrated:
            store = Store(self.url(name))
            try:
                store.upgrade()
            finally:
                store.close()
        return name

    def release(self, name: str) -> None:
        """Empty database ``name`` for reuse if it holds the current schema, else drop it."""
        from sqlalchemy import create_engine, inspect, text

        from gridmap.store import schema

        engine = create_engine(self.url(name))
        try:
            with engine.connect() as conn:
                tables = set(inspect(conn).get_table_names())
                conn.rollback()
                ours = [t.name for t in schema.metadata.sorted_tables]
                if set(ours) | {"alembic_version", "spatial_ref_sys"} == tables:
                    # DELETE in one transaction: much faster than TRUNCATE on tiny tables
                    with conn.begin():
                        for table in reversed(schema.metadata.sorted_tables):
                            conn.execute(text(f'DELETE FROM "{table.name}"'))
                            if "id" in table.c:
                                conn.execute(
                                    text(
                                        f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"',"
                                        " 'id'), 1, false)"
                                    )
                                )
                    self._clean.append(name)
                    return
        finally:
            engine.dispose()
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._created.remove(name)

    def close(self) -> None:
        """Drop every database made in this session and close the admin connections."""
        for name in self._created:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.engine.dispose()


@pytest.fixture(autouse=True)
def _no_user_store(tmp_path_factory, monkeypatch):
    """Never touch the user's own store or settings: by default a test gets empty private ones.

    Fixtures such as ``demo_db`` point ``GRIDMAP_DB`` at their store afterwards.
    """
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("GRIDMAP_DB", f"sqlite:///{home / 'gridmap.sqlite'}")
    monkeypatch.setenv("GRIDMAP_CONFIG", str(home / "gridmap.toml"))


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[_PostGISServer]:
    """The PostGIS server tests create their databases on."""
    if postgis_skipped():
        pytest.skip("PostGIS tests skipped on request (GRIDMAP_SKIP_POSTGIS=1)")
    server = _PostGISServer(POSTGIS_ADMIN_URL)
    yield server
    server.close()


@pytest.fixture
def make_store(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Callable[..., object]]:
    """Return a factory ``make_store(backend="sqlite", *, upgrade=True)`` of fresh stores."""
    from gridmap.store import Store

    made: list[tuple[Store, _PostGISServer | None, str | None]] = []

    def factory(backend: str = "sqlite", *, upgrade: bool = True) -> Store:
        server, database = None, None
        if backend == "sqlite":
            url = f"sqlite:///{(tmp_path / f'store{len(made)}.sqlite').as_posix()}"
        elif backend == "postgis":
            server = request.getfixturevalue("postgis_server")
            database = server.acquire(migrated=upgrade)
            url = server.url(database)
        else:
            msg = f"unknown backend {backend!r}"
            raise ValueError(msg)
        store = Store(url)
        made.append((store, server, database))
        if upgrade and backend == "sqlite":  # PostGIS databases come migrated from the template
            store.upgrade()
        return store

    yield factory
    for store, server, database in made:
        store.close()
        if server is not None and database is not None:
            server.release(database)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, make_store: Callable[..., object]) -> object:
    """A migrated, empty store on each backend (``sqlite``, ``postgis``)."""
    return make_store(request.param)


# --- the demo street ------------------------------------------------------------------------

DEMO_PASSWORD = "correct-horse-9"
DEMO_ROLES = ("viewer", "inspector", "planner", "admin")


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file with the demo street and one user per role, built once per session.

    Users: ``viewer``, ``inspector``, ``planner``, ``admin`` (whole street) and
    ``scoped_planner``, ``scoped_admin``, ``scoped_inspector`` (first community only),
    all with password :data:`DEMO_PASSWORD`.
    """
    from gridmap import auth
    from gridmap.importing import import_demo
    from gridmap.store import open_store

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    store = open_store(f"sqlite:///{path}")
    try:
        import_demo(store)
        first = sorted(store.read_layer("communities")["code"])[0]
        for role in DEMO_ROLES:
            auth.create_user(store, role, DEMO_PASSWORD, role=role)
        for role in ("planner", "admin", "inspector"):
            auth.create_user(store, f"scoped_{role}", DEMO_PASSWORD, role=role, scope=[first])
    finally:
        store.close()
    return path


@pytest.fixture
def demo_password() -> str:
    """The password of every user in ``demo_file``."""
    return DEMO_PASSWORD


@pytest.fixture
def demo_db(demo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """URL of a private copy of the demo store; ``GRIDMAP_DB`` and ``GRIDMAP_CONFIG`` point
    at it and at an empty settings file in the test's folder."""
    import shutil

    copy = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_file, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("GRIDMAP_DB", url)
    monkeypatch.setenv("GRIDMAP_CONFIG", str(tmp_path / "gridmap.toml"))
    return url


@pytest.fixture
def demo_store(demo_db: str) -> Iterator[object]:
    """A :class:`gridmap.store.Store` on a private copy of the demo street."""
    from gridmap.store import open_store

    store = open_store(demo_db)
    yield store
    store.close()
