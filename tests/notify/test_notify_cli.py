"""``gridmap notify test|run|log`` against a local receiver."""

from __future__ import annotations

import json

from gridmap.cli import main


def test_notify_cli_test_run_and_log(demo_db, tmp_path, receiver, capsys):
    (tmp_path / "gridmap.toml").write_text(
        f'[notify]\nmax_attempts = 1\n[notify.channels.hook]\ntype = "webhook"\n'
        f'url = "{receiver.url}/in"\n',
        encoding="utf-8",
    )
    assert main(["notify", "test", "hook", "--db", demo_db]) == 0
    assert "delivered over hook" in capsys.readouterr().out
    assert receiver.requests[0].json["kind"] == "test"
    receiver.fail_next = 1
    assert main(["notify", "test", "hook", "--db", demo_db]) == 1
    assert "HTTP 500" in capsys.readouterr().out
    assert main(["notify", "test", "nosuch", "--db", demo_db]) == 1
    assert "no notification channel 'nosuch'" in capsys.readouterr().err
    assert main(["notify", "run", "--once", "--db", demo_db]) == 0
    out = capsys.readouterr().out
    assert "written" in out and "sent" in out  # the demo street's overdue cases
    assert main(["notify", "log", "--status", "dead", "--json", "--db", demo_db]) == 0
    (dead,) = json.loads(capsys.readouterr().out)
    assert dead["kind"] == "test" and dead["attempts"] == 1
    assert [a["ok"] for a in dead["attempt_log"]] == [False]
    assert main(["notify", "log", "--db", demo_db]) == 0
    assert "dead" in capsys.readouterr().out
