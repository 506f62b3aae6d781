"""Exceptions raised by gridmap.

Every error a user can cause is a :class:`GridmapError`; the CLI and the app
print its message and never a traceback.

``GridmapError``
    ``InputError``      bad input file or value; carries the file and row
    ``CRSError``        wrong or undeclared coordinate system, swapped axes
    ``TopologyError``   invalid polygons, broken tilings
    ``ConflictError``   a stale version was written (someone else edited first)
    ``PermissionDenied``  the user's role or scope does not allow the write
    ``StoreError``      the store is unreachable, read-only or not a gridmap store
    ``NotFound``        a named object does not exist

An error may carry a message key of :mod:`gridmap.messages` and its parameters
(``InputError.keyed("points.required", column="name")``): ``str(err)`` is then the
English text and ``err.text("zh")`` the Chinese one; the app and the CLI show
``err.text(lang)`` in the user's language. An error made from plain text shows that
text in every language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

__all__ = [
    "CRSError",
    "ConflictError",
    "GridmapError",
    "ImportProblem",
    "ImportReport",
    "InputError",
    "NotFound",
    "PermissionDenied",
    "StoreError",
    "TopologyError",
]


class GridmapError(Exception):
    """Base class of every error gridmap raises on purpose.

    Parameters
    ----------
    *args
        The message (plain text), as for any exception.
    key
        A key of :data:`gridmap.messages.MESSAGES`; without ``args`` the English
        text of the key is the message.
    **params
        The key's parameters.

    Examples
    --------
    >>> err = GridmapError(key="auth.password_short", n=8)
    >>> str(err)
    'password must have at least 8 characters'
    >>> err.text("zh")
    '密码至少要有 8 个字符'
    """

    def __init__(self, *args: object, key: str | None = None, **params: object) -> None:
        if key is not None and not args:
            args = (_key_text(key, "en", params),)
        super().__init__(*args)
        self.key = key
        self.params = params

    @classmethod
    def keyed(cls, key: str, **params: object) -> Self:
        """Return the error for message ``key`` with ``params`` (``file``/``row`` for input)."""
        return cls(key=key, **params)

    def _body(self, lang: str) -> str:
        """Return the message without its location, in ``lang``."""
        return _key_text(self.key, lang, self.params) if self.key else str(self)

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``zh`` or ``en``); English is ``str(self)``."""
        if self.key is None or str(lang).lower().startswith("en"):
            return str(self)
        return self._body(lang)


class InputError(GridmapError, ValueError):
    """A problem with user input, located by file and row where known.

    Parameters
    ----------
    message
        What is wrong, in words a user understands (``None`` with ``key``).
    file
        The file the problem is in, if any.
    row
        The 1-based data row or feature number, if any.
    key, params
        A message key of :mod:`gridmap.messages` (or :data:`gridmap.i18n.STRINGS`)
        and its parameters (``params=`` or keywords; see :class:`GridmapError`).

    Examples
    --------
    >>> err = InputError.keyed("points.required", column="households", row=3)
    >>> str(err), err.text("zh")
    ('row 3: households is required', '第 3 行：必须填写户数')
    """

    def __init__(self, message: str | None = None, *, file: str | None = None,
                 row: int | None = None, key: str | None = None,
                 params: dict[str, object] | None = None, **more: object):
        params = {**(params or {}), **more}
        if message is None:
            message = _key_text(key, "en", params) if key else ""
        self.message = message
        self.file = file
        self.row = row
        Exception.__init__(self, self.__str__())
        self.key = key
        self.params = params

    def __reduce__(self) -> tuple:  # keep file, row and key across processes (pickle)
        return (_rebuild_input_error, (type(self), self.message, self.file, self.row,
                                       self.key, self.params))

    @classmethod
    def keyed(cls, key: str, *, file: str | None = None, row: int | None = None,
              **params: object) -> Self:
        """Make the error from a message key: ``message`` is its English text."""
        return cls(None, file=file, row=row, key=key, params=params)

    def _body(self, lang: str) -> str:
        return _key_text(self.key, lang, self.params) if self.key else self.message

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` with its file and row."""
        if self.key is None or str(lang).lower().startswith("en"):
            return str(self)
        from gridmap.messages import text

        body = self._body(lang)
        if self.file and self.row is not None:
            return text("error.where.file_row", lang, file=self.file, row=self.row, message=body)
        if self.file:
            return text("error.where.file", lang, file=self.file, message=body)
        if self.row is not None:
            return text("error.where.row", lang, row=self.row, message=body)
        return body


def _key_text(key: str, lang: str, params: dict[str, object]) -> str:
    from gridmap import i18n
    from gridmap.messages import MESSAGES, text

    if key in MESSAGES:
        return text(key, lang, **params)
    return i18n.t(key, lang, **params)


def _rebuild_input_error(cls: type, message: str, file: str | None, row: int | None,
                         key: str | None, params: dict[str, object]) -> InputError:
    return cls(message, file=file, row=row, key=key, params=params)


class CRSError(InputError):
    """A coordinate-system problem: undeclared, unknown, swapped axes, projected."""


class TopologyError(GridmapError):
    """Polygons that are invalid or do not tile as required."""


class ConflictError(GridmapError):
    """A write carried a stale row version: somebody else saved first.

    ``current_version`` holds the store's version when the error says so;
    ``table``, ``row_id`` and ``read_version`` name the row and the version the
    writer read, so :func:`gridmap.conflicts.other_change` can tell what the
    other person changed.
    """

    current_version: int | None = None
    read_version: int | None = None
    table: str | None = None
    row_id: int | None = None

    @classmethod
    def stale(
        cls,
        what: object,
        read: int,
        current: int,
        *,
        table: str | None = None,
        row_id: int | None = None,
    ) -> ConflictError:
        """Return the error for ``what`` read at version ``read``, now at ``current``.

        ``what`` names the row: plain text, or a :class:`gridmap.messages.Msg` shown in
        the reader's language.

        Examples
        --------
        >>> str(ConflictError.stale("points row 3", 1, 2))[:44]
        'points row 3 was changed by someone else sin'
        >>> err = ConflictError.stale("points row 3", 1, 2, table="points", row_id=3)
        >>> (err.table, err.row_id, err.read_version, err.current_version)
        ('points', 3, 1, 2)
        """
        err = cls(key="error.conflict.stale", what=what, read=read, current=current)
        err.current_version = current
        err.read_version = read
        err.table = table
        err.row_id = row_id
        return err


class PermissionDenied(GridmapError):
    """The user's role or scope does not allow this action."""


class StoreError(GridmapError):
    """The store cannot be opened, written or upgraded."""


class NotFound(GridmapError, KeyError):
    """A named object (grid, worker, point ...) does not exist."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang``; "not found" in words of ``lang`` when bare."""
        if not self.args and self.key is None:
            from gridmap.messages import text

            return text("error.not_found", lang)
        return super().text(lang)


@dataclass(frozen=True)
class ImportProblem:
    """One problem found while reading or validating an input file.

    ``row`` is the 1-based feature or data row (``None`` for file-level problems);
    ``severity`` is ``"error"`` (blocks the import) or ``"warning"`` (reported only).
    """

    file: str
    row: int | None
    message: str
    severity: str = "error"
    column: str | None = None
    key: str | None = None
    params: tuple[tuple[str, object], ...] = ()

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``zh`` or ``en``) when it has a message key."""
        if self.key is None or str(lang).lower().startswith("en"):
            return self.message
        return _key_text(self.key, lang, dict(self.params))

    @property
    def kind(self) -> str:
        """A short name of the kind of problem, for counts (the key, else the message head)."""
        if self.key:
            return self.key
        head = self.message.split(":", 1)[0]
        return head if len(head) <= 40 else head[:40]

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}, row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        label = "" if self.severity == "error" else f"{self.severity}: "
        return f"{where}: {label}{self.message}"


@dataclass
class ImportReport:
    """The outcome of reading one file for one layer: the rows and every problem."""

    file: str
    layer: str
    rows: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    source_crs: str | None = None
    repaired: int = 0
    written: int = 0
    crs_assumed: bool = False  # no system declared: WGS-84 was taken

    @property
    def errors(self) -> list[ImportProblem]:
        """Problems that block the import."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[ImportProblem]:
        """Problems that are only reported."""
        return [p for p in self.problems if p.severity != "error"]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not self.errors

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            severity: str = "error") -> None:
        """Record a problem."""
        self.problems.append(ImportProblem(self.file, row, message, severity, column))

    def add_key(self, key: str, *, row: int | None = None, column: str | None = None,
                severity: str = "error", params: dict[str, object] | None = None,
                **more: object) -> None:
        """Record a problem by message key (see :mod:`gridmap.messages`).

        ``message`` holds the English text; :meth:`ImportProblem.text` gives Chinese.
        The key's parameters come as keywords or, when one is called ``row``,
        ``column`` or ``severity`` (names this method keeps for itself), as ``params=``.
        """
        params = {**(params or {}), **more}
        self.problems.append(ImportProblem(self.file, row, _key_text(key, "en", params),
                                           severity, column, key, tuple(params.items())))

    def add_error(self, exc: GridmapError, *, row: int | None = None,
                  column: str | None = None, severity: str = "error") -> None:
        """Record ``exc`` as a problem: by its message key and parameters when it has them.

        Examples
        --------
        >>> report = ImportReport("a.csv", "workers")
        >>> report.add_error(InputError.keyed("workers.name_required"), row=2)
        >>> report.problems[0].text("zh")
        '网格员须填写姓名'
        """
        if exc.key:
            self.add_key(exc.key, row=row, column=column, severity=severity, params=exc.params)
        else:
            self.add(getattr(exc, "message", str(exc)), row=row, column=column,
                     severity=severity)

    def add_problem(self, problem: ImportProblem, *, severity: str | None = None) -> None:
        """Record ``problem`` (of another report) here, keeping its key and parameters."""
        level = problem.severity if severity is None else severity
        if problem.key:
            self.add_key(problem.key, row=problem.row, column=problem.column, severity=level,
                         params=dict(problem.params))
        else:
            self.add(problem.message, row=problem.row, column=problem.column, severity=level)

    def kinds(self) -> dict[str, int]:
        """Count the problems by kind (most frequent first)."""
        counts: dict[str, int] = {}
        for p in self.problems:
            counts[p.kind] = counts.get(p.kind, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))

    def problems_csv(self, lang: str = "en") -> str:
        """Return every problem as CSV text (file, row, column, severity, message).

        Text a spreadsheet would run as a formula (a file or column named ``=...``)
        gets a leading apostrophe (:func:`gridmap.io.writers.csv_text`).
        """
        import csv
        import io

        from gridmap.io.writers import csv_text

        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(["file", "row", "column", "severity", "message"])
        for p in self.problems:
            writer.writerow([csv_text(p.file), "" if p.row is None else p.row,
                             csv_text(p.column or ""), p.severity, csv_text(p.text(lang))])
        return buf.getvalue()

    def raise_for_errors(self) -> None:
        """Raise :class:`InputError` summarising the errors, if there are any.

        The error shows the first problem (in the reader's language when it has a key)
        and how many more there are.

        Examples
        --------
        >>> report = ImportReport("a.csv", "workers")
        >>> report.add_key("workers.name_required", row=2)
        >>> report.add_key("workers.name_required", row=3)
        >>> try:
        ...     report.raise_for_errors()
        ... except InputError as err:
        ...     print(str(err)); print(err.text("zh"))
        a.csv, row 2: a worker needs a name (and 1 more problems)
        a.csv，第 2 行：网格员须填写姓名（另有 1 个问题）
        """
        errs = self.errors
        if errs:
            from gridmap.messages import Msg

            first = errs[0]
            shown = Msg(first.key, **dict(first.params)) if first.key else first.message
            key = "io.summary.first" if len(errs) == 1 else "io.summary.first_more"
            raise InputError.keyed(key, file=first.file, row=first.row, first=shown,
                                   n=len(errs) - 1)
