"""The import messages now live in :mod:`gridmap.messages`, the one message table.

Kept so ``from gridmap.io._messages import MESSAGES, text`` keeps working.
"""

from __future__ import annotations

from gridmap.messages import MESSAGES, text

__all__ = ["MESSAGES", "text"]
