"""gridmap: grid management for street offices running the civilized-city campaign.

The library holds every piece of logic; the Streamlit app (``app.py``) and the
CLI (``gridmap``) only call it. Modules are re-exported so callers write
``gridmap.crs.gcj02_to_wgs84(...)``.
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import errors as errors
from . import model as model
