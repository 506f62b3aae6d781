"""Run a check in several processes and stream its report (``gridmap check --jobs``).

A city's check spends its time in three parts of about equal size: reading the
layers, applying the rules and writing the failures, each mostly Python, which
uses one core at a time. :func:`write_checks` shares the rules between ``jobs``
processes forked from the caller's. Each process reads only the layers of the
rules it takes, applies them (:meth:`RuleRun.result`) and writes their failures
(:func:`~gridmap.checks.export.rule_body`) to a file of its own; the calling
process then writes the report from those pieces in rule order, byte for byte
what one process writes (:class:`~gridmap.checks.export.StreamedReport`).

How the rules are shared
------------------------
Each process takes the next rule from a shared board, under a lock: first a
rule whose layers it has read already, else the one needing the fewest rows it
has not read. A layer of :data:`BIG_ROWS` rows or more is read by one process
only: the first to take a rule needing it keeps every rule needing it. A rule
no process may take (it needs big layers kept by two processes), and the rules of
a process that failed, are applied at the end by the calling process, so the
report is whole whatever happens to a worker.

Where it runs
-------------
On POSIX systems, from the main thread of a program that has started no other
threads (as ``fork`` requires): the ``gridmap check`` command. Elsewhere, or with
``jobs=1``, the rules run one after another in the calling process.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from gridmap.checks.config import RuleConfig, load_rules
from gridmap.checks.export import STREAMED_FORMATS, FileSpan, StreamedReport, rule_body
from gridmap.checks.registry import RuleRun, StoreLayers, layers_for, select_rules
from gridmap.errors import InputError

if TYPE_CHECKING:
    import datetime as dt

    from gridmap.checks.result import CheckResult
    from gridmap.store import Store

    #: One rule's result -> its body in the report's format and language.
    _Body = Callable[[CheckResult], Iterator[str]]

__all__ = ["BIG_ROWS", "MAX_JOBS", "Written", "default_jobs", "write_checks"]

#: A layer with this many rows or more is read by one process only.
BIG_ROWS = 100_000

#: The most processes :func:`default_jobs` offers: past it, each process holds
#: the base layers again for less and less time saved.
MAX_JOBS = 4

@dataclass(frozen=True)
class Written:
    """What :func:`write_checks` wrote.

    Parameters
    ----------
    rules
        The number of rules run.
    failed
        The number of failed objects, summed over the rules.
    jobs
        The number of processes that ran rules.
    """

    rules: int
    failed: int
    jobs: int


def default_jobs() -> int:
    """Return the number of processes a check runs in.

    The cores this process may use, at most :data:`MAX_JOBS`.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # (not on every system)
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_JOBS))


def write_checks(
    store: Store,
    fmt: str,
    fh: IO[Any],
    *,
    jobs: int | None = None,
    rules: Iterable[str] | None = None,
    config: Mapping[str, RuleConfig] | None = None,
    community: str | None = None,
    as_of: dt.date | dt.datetime | None = None,
    bom: bool = True,
    lang: str = "en",
) -> Written:
    """Run the checks on the store and stream the report to ``fh``, in up to ``jobs`` processes.

    The report is what :func:`~gridmap.checks.export.stream_report` writes for
    :func:`~gridmap.checks.registry.run_checks_on_store`'s report, whatever ``jobs``.

    Parameters
    ----------
    store
        The store.
    fmt
        One of :data:`~gridmap.checks.export.STREAMED_FORMATS`.
    fh
        A binary file (written as UTF-8) or a text file.
    jobs
        The most processes to run rules in (default :func:`default_jobs`); ``1``
        runs them in this process.
    rules, config, community, as_of
        As for :func:`~gridmap.checks.registry.run_checks_on_store`.
    bom
        Start a CSV report with a byte order mark.
    lang
        The language of the text table.

    Returns
    -------
    Written
        The number of rules and of failed objects.

    Raises
    ------
    gridmap.errors.InputError
        For an unknown format, rule or community, or a bad configuration file.
    gridmap.errors.StoreError
        If the store cannot be read.
    """
    if fmt not in STREAMED_FORMATS:
        raise InputError.keyed("rules.format", fmt=fmt, formats=list(STREAMED_FORMATS))
    cfg = load_rules() if config is None else config
    selected = select_rules(rules, cfg)
    layers = StoreLayers(store, layers_for(selected))
    plan = RuleRun(layers, rules=[r.id for r in selected], config=cfg, as_of=as_of,
                   community=community)
    n = len(plan.selected)
    jobs = max(1, min(default_jobs() if jobs is None else int(jobs), n))
    if not hasattr(os, "fork"):
        jobs = 1
    out = StreamedReport(fh, fmt, as_of=plan.day, community=community, bom=bom, lang=lang)
    body = functools.partial(rule_body, fmt=fmt, lang=lang)
    if jobs == 1:  # straight to the file, rule by rule
        for i in range(n):
            result = plan.result(i)
            out.rule(result.header(), body(result))
            del result
        out.close()
        return Written(rules=n, failed=out.failed, jobs=1)
    with contextlib.ExitStack() as stack:
        spools = [stack.enter_context(tempfile.TemporaryFile()) for _ in range(jobs)]
        pieces, jobs = _forked(plan, store, layers, body, spools)
        for i in range(n):  # what no process applied: here, now
            if i not in pieces:
                pieces[i] = _apply(plan, i, body, spools[0], 0)
        for i in range(n):
            piece = pieces[i]
            out.rule(piece.header, [piece.span(spools[piece.worker])])
        out.close()
    return Written(rules=n, failed=out.failed, jobs=jobs)


@dataclass(frozen=True)
class _Piece:
    """One rule's result as a worker left it: its fields, and where its body is in its file."""

    index: int
    worker: int
    header: dict[str, Any]
    offset: int
    length: int

    def span(self, spool: IO[bytes]) -> FileSpan:
        """Return where the body is: in ``spool``, this worker's file."""
        spool.flush()
        return FileSpan(spool.fileno(), self.offset, self.length)


def _apply(plan: RuleRun, i: int, body: _Body, spool: IO[bytes], worker: int) -> _Piece:
    """Apply rule ``i``; append its body (:func:`~gridmap.checks.export.rule_body`) to ``spool``."""
    result = plan.result(i)
    spool.seek(0, os.SEEK_END)
    offset = spool.tell()
    for text in body(result):
        spool.write(text.encode("utf-8"))
    return _Piece(i, worker, result.header(), offset, spool.tell() - offset)


class _Board:
    """The rules still to apply and the big layers each process keeps, shared by the processes.

    Parameters
    ----------
    needs
        The layers of each rule, in rule order.
    rows
        Layer -> its number of rows (:meth:`gridmap.store.Store.counts`).
    big_rows
        A layer of this many rows or more is read by one process only.
    """

    def __init__(self, needs: list[tuple[str, ...]], rows: Mapping[str, int],
                 big_rows: int = BIG_ROWS) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.needs = needs
        self.rows = {name: int(rows.get(name, 0)) for name in {n for r in needs for n in r}}
        big = sorted(name for name, count in self.rows.items() if count >= big_rows)
        self.big = {name: k for k, name in enumerate(big)}
        self.lock = context.Lock()
        self.taken = context.RawArray("b", len(needs))
        self.keeper = context.RawArray("i", [-1] * max(len(big), 1))

    def take(self, worker: int, read: set[str]) -> int | None:
        """Return the next rule for ``worker``, which has read ``read``; None when it is done."""
        with self.lock:
            best: tuple[int, int] | None = None
            for i, needs in enumerate(self.needs):
                if self.taken[i]:
                    continue
                missing = [name for name in needs if name not in read]
                if any(self.keeper[self.big[name]] not in (-1, worker)
                       for name in missing if name in self.big):
                    continue  # another process reads that layer
                cost = sum(self.rows[name] for name in missing)
                if best is None or cost < best[0]:
                    best = (cost, i)
                    if cost == 0:
                        break
            if best is None:
                return None
            i = best[1]
            self.taken[i] = 1
            for name in self.needs[i]:
                if name in self.big:
                    self.keeper[self.big[name]] = worker
            return i


def _work(plan: RuleRun, board: _Board, layers: StoreLayers, worker: int, body: _Body,
          spool: IO[bytes]) -> list[_Piece]:
    """Apply rules from ``board`` until none is left for ``worker``."""
    pieces = []
    while (i := board.take(worker, layers.loaded)) is not None:
        pieces.append(_apply(plan, i, body, spool, worker))
    spool.flush()
    return pieces


def _forked(plan: RuleRun, store: Store, layers: StoreLayers, body: _Body,
            spools: list[IO[bytes]]) -> tuple[dict[int, _Piece], int]:
    """Apply the rules here and in up to ``len(spools) - 1`` forked processes.

    Returns the pieces of the rules applied, and the number of processes that ran.
    """
    board = _Board([tuple(r.layers) for r in plan.selected], store.counts(), BIG_ROWS)
    children: list[tuple[int, int]] = []
    pieces: dict[int, _Piece] = {}
    try:
        for worker in range(1, len(spools)):
            read_end, write_end = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # (out of processes or memory: the processes started share the rules)
                os.close(read_end)
                os.close(write_end)
                break
            if pid == 0:  # pragma: no cover - the worker (coverage does not follow a fork)
                os.close(read_end)
                _child(plan, store, board, layers, worker, body, spools[worker], write_end)
            os.close(write_end)
            children.append((pid, read_end))
        started = 1 + len(children)
        for piece in _work(plan, board, layers, 0, body, spools[0]):
            pieces[piece.index] = piece
        while children:  # (a worker leaves the list once reaped)
            pid, read_end = children[0]
            data = _read_all(read_end)
            _, status = os.waitpid(pid, 0)
            children.pop(0)
            os.close(read_end)
            pieces.update((piece.index, piece) for piece in _sent(status, data))
    except BaseException:  # (interrupted, or failed: no worker outlives the command)
        for pid, read_end in children:
            _stop(pid, read_end)
        raise
    return pieces, started


def _child(plan: RuleRun, store: Store, board: _Board, layers: StoreLayers, worker: int,
           body: _Body, spool: IO[bytes], write_end: int) -> None:  # pragma: no cover - forked
    """Apply rules, send their pieces and exit: a worker's whole life (never returns).

    Whatever fails here, the calling process applies this worker's rules again:
    nothing is printed and the exit status tells it.
    """
    status = 1
    try:
        _die_with_parent()
        gc.disable()  # a collection would touch, and so copy, every page shared with the parent
        store.after_fork()
        pieces = _work(plan, board, layers, worker, body, spool)
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(pieces, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        status = 0
    except BaseException:  # the exit status reports it
        status = 1
    finally:
        os._exit(status)


def _die_with_parent() -> None:  # pragma: no cover - forked
    """Have the kernel stop this worker if the calling process dies (Linux ``PR_SET_PDEATHSIG``).

    A ``kill`` of the command alone (a scheduler's timeout) would otherwise leave its
    workers applying rules nobody will read. Elsewhere a worker ends when it finds the
    pipe to the command closed.
    """
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # (the parent died before the call)
            os._exit(1)


def _read_all(fd: int) -> bytes:
    """Return what a worker sends until it closes its end of the pipe."""
    chunks = []
    while data := os.read(fd, 1 << 16):
        chunks.append(data)
    return b"".join(chunks)


def _sent(status: int, data: bytes) -> list[_Piece]:
    """Return the pieces a worker sent, or none if it failed (its rules are applied again)."""
    if status != 0 or not data:
        return []
    try:
        return list(pickle.loads(data))
    except (pickle.UnpicklingError, EOFError, ValueError):
        return []


def _stop(pid: int, read_end: int) -> None:
    """Stop a worker and wait for it (the calling process failed or was interrupted)."""
    import signal

    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    with contextlib.suppress(OSError):
        os.close(read_end)
