"""The app's pages as data, shared by ``app.py`` (navigation) and the web routes.

The routes use the table to answer an address that is no page with a Chinese
"not found" page (instead of Streamlit's English dialog), and a page the
logged-in user may not open the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

__all__ = ["ACCOUNT_PAGE", "PAGES", "Page", "page_paths"]


@dataclass(frozen=True)
class Page:
    """One page: nav section and title keys (i18n), its file, Material icon, right needed."""

    section: str
    file: str
    title: str
    icon: str
    right: str

    @property
    def url_path(self) -> str:
        """The page's address below the site root (its file name without ``.py``)."""
        return PurePosixPath(self.file).stem


#: Every page, in navigation order; a user's default page is the first they may open
#: (a grid worker's 我的待办, a volunteer's 上报).
PAGES: tuple[Page, ...] = (
    Page("nav.section.map", "pages/map.py", "nav.map", "map", "view"),
    Page("nav.section.map", "pages/points.py", "nav.points", "place", "view"),
    Page("nav.section.field", "pages/todo.py", "nav.todo", "checklist", "todo"),
    Page("nav.section.map", "pages/report.py", "nav.report", "add_a_photo", "report"),
    Page("nav.section.field", "pages/my_reports.py", "nav.my_reports", "history", "my_reports"),
    Page("nav.section.grids", "pages/split.py", "nav.split", "grid_on", "edit_grids"),
    Page("nav.section.grids", "pages/reassign.py", "nav.reassign", "swap_horiz", "assign"),
    Page("nav.section.grids", "pages/workers.py", "nav.workers", "badge", "assign"),
    Page("nav.section.checks", "pages/checks.py", "nav.checks", "rule", "run_checks"),
    Page("nav.section.checks", "pages/issues.py", "nav.issues", "assignment", "view"),
    Page("nav.section.checks", "pages/supervision.py", "nav.supervision", "fact_check",
         "run_checks"),
    Page("nav.section.checks", "pages/dashboard.py", "nav.dashboard", "monitoring", "view"),
    Page("nav.section.data", "pages/import.py", "nav.import", "upload_file", "import"),
    Page("nav.section.data", "pages/export.py", "nav.export", "download", "export"),
    Page("nav.section.admin", "pages/users.py", "nav.users", "group", "manage_users"),
    Page("nav.section.admin", "pages/tokens.py", "nav.tokens", "key", "manage_users"),
    Page("nav.section.admin", "pages/settings.py", "nav.settings", "settings", "edit_settings"),
    Page("nav.section.admin", "pages/notify_log.py", "nav.notify_log", "notifications",
         "edit_settings"),
    Page("nav.section.admin", "pages/sessions.py", "nav.sessions", "devices", "account"),
    Page("nav.section.admin", "pages/about.py", "nav.about", "info", "account"),
)

#: The page where every user sees and ends their own sessions and changes their password.
ACCOUNT_PAGE = "sessions"


def page_paths() -> dict[str, str]:
    """Every page address (``""`` is the default page) -> the right it needs."""
    paths = {"": "view", "start": "view"}  # the root, and the page that forwards from it
    paths.update({p.url_path: p.right for p in PAGES})
    return paths
