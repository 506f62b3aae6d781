"""Write files whole or not at all: a temporary sibling, renamed once complete.

A disk that fills up halfway through an export must not leave a truncated PDF
(or an empty file) under the name the user asked for, nor destroy the file that
was there. :func:`replacing` hands out a temporary path beside the target (same
folder, so the rename is atomic; same extension, so writers that choose a
format by it still do), and renames it over the target with :func:`os.replace`
only when the block ends without an error; otherwise the temporary file is removed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["replacing", "write_atomic"]


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; it replaces ``path`` when the block succeeds.

    The folder of ``path`` is created if needed. On any error the temporary file
    is removed and the error raised again; ``path`` is left as it was.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.part{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole, or leave ``path`` untouched.

    Raises
    ------
    OSError
        If the file cannot be written (the disk is full, the folder read-only ...).
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with replacing(path) as tmp, open(tmp, "wb") as handle:
        handle.write(payload)
        handle.flush()
        os.fsync(handle.fileno())
    return path
