"""The rule engine and the campaign and sanitation rules (创建与环卫检查).

Run every enabled rule on the stored street::

    from gridmap import checks
    report = checks.run_checks_on_store(store)          # or checks.run(layers)
    report.result("bin_reach").failures[0].workers      # grid head first
    report.to_json(); checks.export.to_csv(report)

Modules
-------
``registry``   :class:`Rule` (rules as data), :func:`run`, :func:`run_checks_on_store`,
               the admin's rules table (:func:`editable_rules`, :func:`rule_changes`)
``result``     :class:`CheckResult`, :class:`Failure`, :class:`CheckReport` (frames, JSON, scores)
``config``     packaged defaults (``gridmap/rules.toml``) and user overrides
``core``       the array cores: nearest distances, counts, gaps along lines, clusters
``export``     table text, JSON, CSV, GeoJSON, XLSX, supervision orders (督办单), downloads
``display``    failures prepared for display: popup columns, filters, translated tables
               (:func:`gridmap.maps.add_check_layers` draws them)
``cli``        the ``gridmap check`` and ``gridmap rules`` commands (``add_parsers``)
``integrity``, ``waste``, ``boards``, ``schools``, ``fitness``, ``issues``: the rules

Nothing here draws or imports Streamlit.
"""

from __future__ import annotations

from . import boards as boards
from . import config as config
from . import core as core
from . import display as display
from . import export as export
from . import fitness as fitness

# The rule modules register their rules on import (after the registry exists).
from . import integrity as integrity
from . import issues as issues
from . import registry as registry
from . import result as result
from . import schools as schools
from . import waste as waste
from .config import RuleConfig, load_rules, save_rules
from .registry import (
    FAMILIES,
    Param,
    Rule,
    all_rules,
    editable_rules,
    get_rule,
    rule_changes,
    rules_table,
    run,
    run_checks_on_store,
    select_rules,
)
from .result import SEVERITIES, CheckReport, CheckResult, Failure

__all__ = [
    "FAMILIES",
    "SEVERITIES",
    "CheckReport",
    "CheckResult",
    "Failure",
    "Param",
    "Rule",
    "RuleConfig",
    "all_rules",
    "editable_rules",
    "get_rule",
    "load_rules",
    "rule_changes",
    "rules_table",
    "run",
    "run_checks_on_store",
    "save_rules",
    "select_rules",
]
