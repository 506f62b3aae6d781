"""The settings page's channel list with its "send test" button, and the delivery log page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from gridmap import auth, i18n
from gridmap.model import UserRole
from gridmap.store import open_store
from gridmap.store import outbox as store_outbox
from gridmap.web import sessions as web_sessions

ROOT = Path(__file__).resolve().parents[2]


def _login(username: str) -> str:
    store = open_store(upgrade=False)  # GRIDMAP_DB: the test's demo copy
    try:
        row = store.find_user(username)
        user = auth.User(username, UserRole(row["role"]), None, row["id"])
        token, _ = web_sessions.start_session(store, user, user_agent="AppTest")
    finally:
        store.close()
    return token


def _admin_app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["gm_session_token"] = _login("admin")
    return at


def test_send_test_button_reaches_the_receiver_and_hides_the_secret(
    demo_db, demo_store, tmp_path, receiver, navigation_only
):
    (tmp_path / "gridmap.toml").write_text(
        "[notify.channels.office]\n"
        'type = "dingtalk"\n'
        f'url = "{receiver.url}/robot/send?access_token=TOKEN123"\n'
        'secret = "SECsupersecret"\n',
        encoding="utf-8",
    )
    at = _admin_app().switch_page("pages/settings.py").run()
    assert not at.exception
    page = " ".join(e.value for e in at.markdown)
    assert "office" in page and "TOKEN123" not in page and "SECsupersecret" not in page
    (button,) = [b for b in at.button if b.key == "gm_notify_test_office"]
    assert button.label == i18n.t("notify.test")
    at = button.click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [i18n.t("notify.test_ok", name="office")]
    (got,) = receiver.requests
    assert got.query["access_token"] == ["TOKEN123"] and "sign" in got.query
    logged = store_outbox.read_outbox(demo_store)
    assert logged["kind"].tolist() == ["test"] and logged["status"].tolist() == ["sent"]

    log = _admin_app().switch_page("pages/notify_log.py").run()
    assert not log.exception
    assert [s.value for s in log.subheader] == [i18n.t("nav.notify_log")]
    assert log.dataframe[0].value["kind"].tolist() == ["test"]


def test_failing_test_shows_the_receivers_answer(demo_db, tmp_path, receiver, navigation_only):
    (tmp_path / "gridmap.toml").write_text(
        f'[notify.channels.hook]\ntype = "webhook"\nurl = "{receiver.url}/in"\n', encoding="utf-8"
    )
    receiver.fail_next = 1
    at = _admin_app().switch_page("pages/settings.py").run()
    at = next(b for b in at.button if b.key == "gm_notify_test_hook").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "HTTP 500" in at.error[0].value


def test_a_failed_delivery_is_shown_in_the_readers_language(
    demo_db, demo_store, tmp_path, receiver, navigation_only
):
    """Issue #17: last_error was kept as English text and shown so on the Chinese pages."""
    from gridmap.notify import outbox

    (tmp_path / "gridmap.toml").write_text(
        f'[notify.channels.hook]\ntype = "webhook"\nurl = "{receiver.url}/in"\n', encoding="utf-8"
    )
    receiver.fail_next = 1
    at = _admin_app().switch_page("pages/settings.py").run()
    at = next(b for b in at.button if b.key == "gm_notify_test_hook").click().run()
    assert not at.exception
    (shown,) = [e.value for e in at.error]
    assert "接收方返回 HTTP 500" in shown
    (kept,) = store_outbox.read_outbox(demo_store)["last_error"].tolist()
    assert outbox.error_text(kept, "en").startswith("HTTP 500: ")
    assert outbox.error_text(kept, "zh").startswith("接收方返回 HTTP 500：")

    log = _admin_app().switch_page("pages/notify_log.py").run()
    assert not log.exception
    (error,) = log.dataframe[0].value["last_error"].tolist()
    assert error == outbox.error_text(kept, "zh")
    assert log.dataframe[1].value["error"].tolist() == [error]  # the attempts of the row picked
