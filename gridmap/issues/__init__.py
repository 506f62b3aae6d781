"""Issue reports (问题上报/事件): the 数字城管 closed loop from report to closure.

``categories``  event classes, time limits, working hours, duplicate rules (configuration)
``lifecycle``   the state machine: moves, minimal roles, replay of the history
``routing``     position -> grid and community, boundary flag, likely duplicates (pure)
``deadlines``   working-hour arithmetic and deadlines (pure)
``scores``      monthly scores per grid and worker, ranking, XLSX (pure)
``service``     the store-backed writes: report, move, merge and link duplicates
``queries``     the store-backed reading: lists, details, daily lists, dashboard, scores
``panel``       what the issues page shows of a list and a case, and the actions allowed (pure)
``field``       the field side: a worker's cases (我的待办), own reports (我的上报),
                acknowledging (签收), handling with photos, report drafts

The common calls are re-exported here: ``gridmap.issues.report_issue(...)``.
"""

from __future__ import annotations

from gridmap._lazy import lazy_exports

# Everything loads on first use: ``gridmap issues --help`` needs none of it.
__getattr__, __dir__ = lazy_exports(
    __name__,
    modules=(
        "categories",
        "deadlines",
        "field",
        "lifecycle",
        "panel",
        "queries",
        "routing",
        "scores",
        "service",
    ),
    names={
        "categories": ("IssueConfig", "load_issue_config"),
        "lifecycle": ("MOVES", "Move", "parse_status"),
        "queries": (
            "LIST_COLUMNS",
            "daily_list",
            "daily_lists",
            "issue_detail",
            "issue_photo",
            "issue_stats",
            "list_issues",
            "month_scores",
            "overdue_counts",
            "record_scores_export",
            "scores_workbook",
            "timeline_frame",
        ),
        "panel": (
            "DUPLICATE_ACTIONS",
            "case_labels",
            "case_view",
            "grid_codes",
            "list_counts",
            "move_label_key",
            "move_request",
            "status_options",
            "worker_choices",
        ),
        "service": (
            "ReportResult",
            "confirm_grid",
            "link_duplicate",
            "mark_duplicate",
            "merge_duplicate",
            "move_issue",
            "report_issue",
            "resolve_issue",
        ),
    },
)

__all__ = [
    "DUPLICATE_ACTIONS",
    "LIST_COLUMNS",
    "MOVES",
    "IssueConfig",
    "Move",
    "ReportResult",
    "case_labels",
    "case_view",
    "categories",
    "confirm_grid",
    "daily_list",
    "daily_lists",
    "deadlines",
    "field",
    "grid_codes",
    "issue_detail",
    "issue_photo",
    "issue_stats",
    "lifecycle",
    "link_duplicate",
    "list_counts",
    "list_issues",
    "load_issue_config",
    "mark_duplicate",
    "merge_duplicate",
    "month_scores",
    "move_issue",
    "move_label_key",
    "move_request",
    "overdue_counts",
    "panel",
    "parse_status",
    "queries",
    "record_scores_export",
    "report_issue",
    "resolve_issue",
    "routing",
    "scores",
    "scores_workbook",
    "service",
    "status_options",
    "timeline_frame",
    "worker_choices",
]
