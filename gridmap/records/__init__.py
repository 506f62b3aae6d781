"""Store-backed records the office keeps by hand: point records, grid workers, users.

``points``   boards, fitness equipment and bins: add, edit, move, retire, maintenance log
``workers``  grid workers (网格员): add, edit, deactivate, overview, staffing
``users``    user accounts: roles, community scopes, passwords, enable/disable
``cli``      the ``gridmap workers`` command

Each module checks the acting user's role and scope before every write.
"""

from __future__ import annotations

from gridmap.records import points as points
from gridmap.records import users as users
from gridmap.records import workers as workers

__all__ = ["points", "users", "workers"]
