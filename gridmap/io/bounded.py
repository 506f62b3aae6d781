"""Run heavy parsing in a child process with a wall-clock timeout and a memory cap.

A file that takes minutes or gigabytes to parse must not take the app with it:
the app's one process serves every user. :func:`run_bounded` runs a function in
a fresh Python process (``python -m gridmap.io.bounded``) and returns its result,
or raises a clean :class:`~gridmap.errors.InputError` when the child

- runs longer than ``seconds`` (it is killed: ``io.limit.time``),
- needs more than ``memory_mb`` beyond what it starts with (an address-space
  limit, ``RLIMIT_AS``, on Linux; ``io.limit.memory``),
- or dies (``io.limit.crashed``).

The function and its arguments travel to the child pickled on its standard
input, the result comes back pickled on its standard output; so the function
must be importable by name (a module-level function, or a builtin) and its
arguments and result picklable. A :class:`~gridmap.errors.GridmapError` raised
in the child is raised again in the caller, unchanged. The caller's own
limits are never touched.

A subprocess rather than :mod:`multiprocessing`: the app runs under Streamlit
and uvicorn with threads (no ``fork``), and its ``__main__`` (the ``gridmap``
command) must not run again in a ``spawn`` child.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gridmap.errors import GridmapError, InputError

__all__ = ["run_bounded"]

_MB = 1024 * 1024


def _child_env() -> dict[str, str]:
    """Return the caller's environment with this gridmap first on the child's path."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def run_bounded(
    fn: Callable[..., Any],
    /,
    *args: Any,
    seconds: float | None,
    memory_mb: float | None,
    file: str | None = None,
    **kwargs: Any,
) -> Any:
    """Return ``fn(*args, **kwargs)`` computed in a child process under time and memory caps.

    Parameters
    ----------
    fn
        A function importable by name (module level) or a builtin.
    *args, **kwargs
        Its arguments (picklable).
    seconds
        Wall-clock time the child may take, start-up included; ``None``: no cap.
    memory_mb
        Memory (address space) the child may take beyond what it holds after
        start-up, in MB; ``None`` or 0: no cap. Enforced on Linux.
    file
        The file being read, named in the error messages.

    Returns
    -------
    object
        What ``fn`` returned.

    Raises
    ------
    gridmap.errors.GridmapError
        Whatever gridmap error ``fn`` raised in the child.
    gridmap.errors.InputError
        With key ``io.limit.time``, ``io.limit.memory`` or ``io.limit.crashed``
        when the child ran out of time or memory or died.
    """
    job = pickle.dumps((fn, args, kwargs, memory_mb or None), protocol=pickle.HIGHEST_PROTOCOL)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gridmap.io.bounded"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_child_env(),
    )
    try:
        out, err = proc.communicate(job, timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise InputError.keyed("io.limit.time", file=file, seconds=f"{seconds:g}") from None
    finally:
        if proc.poll() is None:  # an error while talking to it: never leave it running
            proc.kill()
            proc.wait()
    try:
        ok, value = pickle.loads(out)
    except Exception:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        reason = f"exit code {proc.returncode}" + (f": {tail[0][:200]}" if tail[0] else "")
        if "MemoryError" in tail[0]:
            raise InputError.keyed("io.limit.memory", file=file, mb=f"{memory_mb:g}") from None
        raise InputError.keyed("io.limit.crashed", file=file, reason=reason) from None
    if ok:
        return value
    if value == "memory":
        raise InputError.keyed("io.limit.memory", file=file, mb=f"{memory_mb:g}")
    if isinstance(value, GridmapError):
        if isinstance(value, InputError) and value.file is None and file is not None:
            value.file = file
        raise value
    raise InputError.keyed("io.limit.crashed", file=file, reason=str(value)[:200])


def _address_space() -> int | None:
    """Bytes of address space this process holds now (Linux), or ``None``."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _limit_memory(memory_mb: float | None) -> None:
    """Cap this process's address space at what it holds now plus ``memory_mb``."""
    if not memory_mb:
        return
    try:
        import resource
    except ImportError:  # Windows: no cap
        return
    held = _address_space()
    if held is None:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = held + int(memory_mb * _MB)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _main() -> None:
    """Run in the child: read the pickled job on stdin, write the outcome on stdout."""
    import gridmap.io  # noqa: F401 - import the heavy libraries before the memory cap

    fn, args, kwargs, memory_mb = pickle.loads(sys.stdin.buffer.read())
    _limit_memory(memory_mb)
    try:
        outcome: tuple[bool, Any] = (True, fn(*args, **kwargs))
    except MemoryError:
        outcome = (False, "memory")
    except GridmapError as exc:
        outcome = (False, exc)
    except Exception as exc:
        outcome = (False, f"{exc.__class__.__name__}: {exc}")
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps((False, "memory"))
    except Exception as exc:
        data = pickle.dumps((False, f"cannot return the result: {exc}"))
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _main()
