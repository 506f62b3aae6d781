"""Store-backed records the office keeps by hand: point records, grid workers, users.

``points``   boards, fitness equipment and bins: add, edit, move, retire, maintenance log
``workers``  grid workers (网格员): add, edit, deactivate, overview, staffing
``users``    user accounts: roles, community scopes, passwords, enable/disable
``cli``      the ``gridmap workers`` command

Each module checks the acting user's role and scope before every write.
"""

from __future__ import annotations

from gridmap._lazy import lazy_exports

#: Default lifetime of a new API token (days) and its default rate limit (calls per
#: minute): :mod:`gridmap.records.tokens` uses them, and ``gridmap tokens --help`` shows
#: them without loading the store.
TOKEN_DAYS = 90
TOKEN_RATE_LIMIT = 60

# Everything loads on first use: ``gridmap workers --help`` needs none of it.
__getattr__, __dir__ = lazy_exports(__name__, modules=("points", "tokens", "users", "workers"))

__all__ = ["points", "users", "workers"]
