"""No secrets shown: store URLs masked everywhere, admin passwords never on a command line
or in output (issue #14, item 5)."""

from __future__ import annotations

import io
import os
import stat
import string
import sys

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gridmap import auth, config, server
from gridmap.cli import main
from gridmap.errors import InputError, StoreError
from gridmap.store import Store, open_store

# characters a password may hold once it sits in a URL (others are percent-encoded)
_PW_CHARS = string.ascii_letters + string.digits + "-_.~!$*+:%"
FORMS = (
    "postgresql+psycopg://gridmap:{pw}@db.example:5432/gridmap",
    "postgresql+psycopg://gridmap@db.example/gridmap?password={pw}",
    "postgresql+psycopg://gridmap@db.example/gridmap?sslmode=require&password={pw}&x=1",
    "postgresql+psycopg://gridmap@db.example/gridmap?passfile=/home/{pw}/.pgpass",
    "postgresql+psycopg://gridmap@db.example/gridmap?sslpassword={pw}",
    "host=db.example password={pw} dbname=gridmap",
    "host=db.example password='{pw} x' dbname=gridmap",
    "cannot open 'postgresql://gridmap:{pw}@db.example/gridmap': refused",
)


@given(pw=st.text(_PW_CHARS, min_size=8, max_size=30), form=st.sampled_from(FORMS))
def test_mask_url_hides_the_password_in_every_form(pw, form):
    assume(pw not in form.replace("{pw}", ""))
    shown = config.mask_url(form.format(pw=pw))
    assert pw not in shown
    assert "db.example" in shown  # the rest stays readable
    assert config.mask_url(shown) == shown  # masking twice changes nothing


@pytest.mark.parametrize("url", [
    "sqlite:////var/lib/gridmap/gridmap.sqlite",
    "sqlite:///C:/gridmap/a@b.sqlite",
    "postgresql+psycopg://gridmap@db/gridmap?sslmode=require&application_name=gm",
])
def test_mask_url_leaves_urls_without_secrets_alone(url):
    assert config.mask_url(url) == url


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u:SECRETX1@127.0.0.1:1/x",
    "postgresql+psycopg://u@127.0.0.1:1/x?password=SECRETX1",
    "postgresql+psycopg://u@127.0.0.1:1/x?passfile=/tmp/SECRETX1",
    "nonsense://u:SECRETX1@host/x",
    "not a url ?password=SECRETX1",
])
def test_store_errors_never_show_the_password(url):
    with pytest.raises(StoreError) as caught:
        Store(url)
    assert "SECRETX1" not in str(caught.value)


@pytest.mark.filterwarnings("ignore:Query string argument")  # pysqlite ignores them
def test_store_safe_url_masks_the_query_password(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite'}?mode=rw&password=SECRETX1")
    try:
        assert "SECRETX1" not in store.safe_url
        assert "SECRETX1" not in repr(store)
        assert store.safe_url.endswith("password=***")
    finally:
        store.close()


@pytest.mark.parametrize("url", [
    "postgresql+psycopg://u@127.0.0.1:1/x?password=SECRETX1",
    "postgresql+psycopg://u@127.0.0.1:1/x?passfile=/tmp/SECRETX1",
])
def test_cli_errors_never_show_the_password(url, capsys):
    assert main(["info", "--db", url]) == 1
    out, err = capsys.readouterr()
    assert "SECRETX1" not in out + err
    assert "127.0.0.1" in err


# --- admin passwords --------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """gridmap's user data folder (where a generated password file goes), in tmp_path."""
    import platformdirs

    folder = tmp_path / "data"
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(folder))
    return folder


def _can_log_in(db: str, password: str) -> bool:
    store = open_store(db)
    try:
        return auth.authenticate(store, "admin", password) is not None
    finally:
        store.close()


def test_init_reads_the_password_from_stdin(tmp_path, monkeypatch, capsys):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO("from-stdin-2026\n"))
    assert main(["init", "--db", db, "--admin-password", "-"]) == 0
    assert "from-stdin-2026" not in "".join(capsys.readouterr())
    assert _can_log_in(db, "from-stdin-2026")


def test_init_reads_the_password_from_a_file(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    secret = tmp_path / "pw"
    secret.write_text("from-a-file-2026\nignored\n", encoding="utf-8")
    assert main(["init", "--db", db, "--admin-password-file", str(secret)]) == 0
    assert "from-a-file-2026" not in "".join(capsys.readouterr())
    assert _can_log_in(db, "from-a-file-2026")


def test_init_reads_the_password_from_the_environment_and_drops_it(tmp_path, monkeypatch,
                                                                   capsys):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    monkeypatch.setenv("GRIDMAP_ADMIN_PASSWORD", "from-the-env-2026")
    assert main(["init", "--db", db]) == 0
    assert "GRIDMAP_ADMIN_PASSWORD" not in os.environ  # later child processes never see it
    assert "from-the-env-2026" not in "".join(capsys.readouterr())
    assert _can_log_in(db, "from-the-env-2026")


def test_an_empty_or_missing_password_file_is_a_clean_error(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    empty = tmp_path / "empty"
    empty.write_text("\n", encoding="utf-8")
    assert main(["init", "--db", db, "--admin-password-file", str(empty)]) == 1
    assert "empty" in capsys.readouterr().err
    assert main(["init", "--db", db, "--admin-password-file", str(tmp_path / "none")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_generated_password_goes_to_an_owner_only_file(tmp_path, data_dir, capsys):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    assert main(["init", "--db", db, "--demo"]) == 0
    out = capsys.readouterr().out
    path = data_dir / "admin-password.txt"
    assert str(path) in out
    password = path.read_text(encoding="utf-8").strip()
    assert len(password) >= 12
    assert password not in out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _can_log_in(db, password)


def test_password_file_replaces_a_symlink_instead_of_writing_through_it(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "admin-password.txt"
    link.symlink_to(target)
    assert auth.write_password_file("pw-123456789", link) == link
    assert target.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink()
    assert stat.S_IMODE(link.stat().st_mode) == 0o600


def test_an_unwritable_password_file_is_a_clean_error(tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")  # not a folder, even for root
    with pytest.raises(InputError, match="cannot write the password file"):
        auth.write_password_file("pw-123456789", tmp_path / "a-file" / "pw.txt")


def test_serve_prepare_writes_a_generated_password_to_a_file_not_the_log(tmp_path, data_dir):
    db = f"sqlite:///{tmp_path / 'a.sqlite'}"
    lines: list[str] = []
    server.prepare(db=db, demo=False, echo=lines.append)
    password = (data_dir / "admin-password.txt").read_text(encoding="utf-8").strip()
    assert password not in "\n".join(lines)
    assert any(str(data_dir / "admin-password.txt") in line for line in lines)
    assert _can_log_in(db, password)


def test_serve_help_says_how_to_keep_the_password_off_the_command_line(capsys):
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--admin-password-file" in text
    assert "GRIDMAP_ADMIN_PASSWORD" in text
    assert "environment" in text
