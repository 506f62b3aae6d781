"""Report drafts: one report form per user, kept server-side (``report_drafts``).

A reload, a lost connection or a trip to the camera app starts a new
browser session; the form is read back from here. The draft also holds the
form's submit token (see :func:`gridmap.issues.report_issue`).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from gridmap.store import schema
from gridmap.store._base import guard

if TYPE_CHECKING:
    from gridmap.store.repository import Store

__all__ = ["delete_draft", "read_draft", "write_draft"]

_D = schema.report_drafts


@guard
def read_draft(store: Store, user_id: int) -> dict[str, Any] | None:
    """Return the draft of user ``user_id`` (``data``, ``photo``, ``updated_at``), or ``None``."""
    with store.connect() as conn:
        row = conn.execute(select(_D).where(_D.c.user_id == user_id)).mappings().first()
    return None if row is None else dict(row)


@guard
def write_draft(store: Store, user_id: int, data: dict[str, Any], photo: bytes | None, *,
                at: dt.datetime) -> None:
    """Create or replace the draft of user ``user_id``."""
    values = {"data": data, "photo": photo, "updated_at": at}
    with store.transaction() as conn:
        done = conn.execute(update(_D).where(_D.c.user_id == user_id).values(**values)).rowcount
        if not done:
            conn.execute(insert(_D).values(user_id=user_id, **values))


@guard
def delete_draft(store: Store, user_id: int) -> None:
    """Remove the draft of user ``user_id`` (nothing if there is none)."""
    with store.transaction() as conn:
        conn.execute(delete(_D).where(_D.c.user_id == user_id))
