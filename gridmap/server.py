"""Start the web app: prepare the store and the offline assets, then run ``asgi:app`` with uvicorn.

``asgi.py`` (beside ``app.py``) is Streamlit's ``st.App`` around app.py with gridmap's
routes and middleware (:mod:`gridmap.web.app`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from gridmap import config
from gridmap.errors import StoreError

__all__ = ["app_path", "prepare", "serve", "streamlit_options", "uvicorn_command"]


def app_path() -> Path:
    """Return the path of the Streamlit entry script ``app.py``.

    Raises
    ------
    gridmap.errors.StoreError
        If gridmap was installed without its app (install from the source tree).
    """
    path = Path(__file__).resolve().parents[1] / "app.py"
    if not path.exists():
        raise StoreError.keyed("server.no_app", path=path)
    return path


def prepare(*, db: str | None = None, demo: bool = True, admin_password: str | None = None,
            echo: Callable[[str], None] = print, lang: str = "en") -> str:
    """Upgrade the store, load the demo street into an empty one, ensure an admin exists.

    What it does is told through ``echo``, in ``lang`` (``"zh"`` or ``"en"``).

    Returns
    -------
    str
        The store URL the app should use.
    """
    from gridmap import assets, auth
    from gridmap.i18n import t
    from gridmap.importing import import_demo
    from gridmap.store import open_store

    store = open_store(db)
    try:
        # several processes starting at once on one PostgreSQL store: one at a time here,
        # so the demo street is loaded and the admin created exactly once
        with store.startup_lock():
            store.upgrade()
            if demo and store.is_empty():
                written = import_demo(store)
                echo(t("cli.serve.demo", lang, rows=sum(written.values()), url=store.safe_url))
            if admin_password:
                auth.set_password(store, "admin", admin_password)
                echo(t("cli.serve.admin_given", lang))
            elif not auth.user_exists(store, "admin"):
                password = auth.random_password()
                auth.set_password(store, "admin", password)
                path = auth.write_password_file(password)
                echo(t("cli.serve.admin_file", lang, path=path))
            else:
                echo(t("cli.serve.admin_kept", lang))
        url = store.url
    finally:
        store.close()
    assets.install_static(app_path().parent / "static")
    return url


def streamlit_options(*, port: int = 8501, address: str = "localhost",
                      max_upload_mb: int = 200) -> dict[str, str]:
    """Return Streamlit's options for the app as environment variables (``STREAMLIT_...``).

    uvicorn runs ``st.App`` without ``streamlit run``, so the options go through
    the environment, which every worker process inherits.
    """
    return {
        "STREAMLIT_SERVER_PORT": str(port),
        "STREAMLIT_SERVER_ADDRESS": address,
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_SERVER_ENABLE_STATIC_SERVING": "true",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
        "STREAMLIT_CLIENT_TOOLBAR_MODE": "minimal",
        "STREAMLIT_SERVER_MAX_UPLOAD_SIZE": str(int(max_upload_mb)),
    }


def uvicorn_command(*, port: int = 8501, address: str = "localhost", workers: int = 1,
                    forwarded_allow_ips: str = "127.0.0.1") -> list[str]:
    """Return the command line that serves ``asgi:app`` (beside app.py) with uvicorn.

    Parameters
    ----------
    port, address
        Where to listen.
    workers
        Processes; each validates any session (the sessions live in the store).
    forwarded_allow_ips
        Proxies whose ``X-Forwarded-Proto``/``-For`` are believed (nginx on the
        same host by default), so an https proxy makes the session cookie Secure.
    """
    return [
        sys.executable, "-m", "uvicorn", "asgi:app",
        "--app-dir", str(app_path().parent),
        "--host", address,
        "--port", str(port),
        "--workers", str(max(1, int(workers))),
        "--ws", "websockets-sansio",
        "--no-access-log",
        "--proxy-headers",
        "--forwarded-allow-ips", forwarded_allow_ips,
        "--timeout-graceful-shutdown", "10",
    ]


def serve(*, db: str | None = None, port: int = 8501, address: str = "localhost",
          demo: bool = True, admin_password: str | None = None, workers: int = 1,
          echo: Callable[[str], None] = print, lang: str = "en") -> int:
    """Prepare the store and run the app until interrupted; return the exit code.

    The lines told through ``echo`` are in ``lang`` (``"zh"`` or ``"en"``).
    """
    from gridmap.i18n import t

    url = prepare(db=db, demo=demo, admin_password=admin_password, echo=echo, lang=lang)
    host = "localhost" if address in ("0.0.0.0", "::") else address
    echo(t("cli.serve.start", lang, url=f"http://{host}:{port}/"))
    env = dict(os.environ, GRIDMAP_DB=url)
    env.pop("GRIDMAP_ADMIN_PASSWORD", None)  # used by prepare; the app processes never need it
    env.update(streamlit_options(port=port, address=address,
                                 max_upload_mb=int(config.get("max_upload_mb"))))
    command = uvicorn_command(port=port, address=address, workers=workers)
    child = subprocess.Popen(command, env=env)

    def forward(signum: int, frame: object) -> None:
        child.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # pragma: no cover - forwarded by the handler
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
