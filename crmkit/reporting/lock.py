"""A small, portable file lock: ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows.

The report runner uses it twice: to swap a finished report folder in while no other
run touches it, and to mark a staging folder as owned by a live run (a later run that
can take the lock of a staging folder knows its owner is dead and removes the folder).

The lock belongs to the open file, not to the path: it is released when the process
that holds it ends, however it ends (``kill -9`` included).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None
    import msvcrt

__all__ = ["FileLock"]


class FileLock:
    """An exclusive lock on a file, blocking or not.

    Parameters
    ----------
    path : str or Path
        The lock file; it is created (with its folder) if missing and never removed
        by the lock itself.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.lock"
    >>> with FileLock(path):
    ...     FileLock(path).acquire(blocking=False)  # a second holder is refused
    False
    >>> lock = FileLock(path)
    >>> lock.acquire(blocking=False), lock.locked
    (True, True)
    >>> lock.release()
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def locked(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self, *, blocking: bool = True, create: bool = True) -> bool:
        """Take the lock; return False when ``blocking`` is False and another holder has it.

        With ``create=False`` a missing lock file raises :class:`FileNotFoundError`
        instead of being created (with its folder): a run that checks another run's
        staging folder must not bring back a folder that was just moved away.
        """
        if self._fd is not None:
            raise RuntimeError(f"{self.path} is already locked by this FileLock")
        flags = os.O_RDWR
        if create:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            flags |= os.O_CREAT
        fd = os.open(self.path, flags, 0o644)
        try:
            ok = _lock(fd, blocking=blocking)
        except BaseException:
            os.close(fd)
            raise
        if not ok:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        """Give the lock up (closing the file releases it on every platform)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"FileLock({str(self.path)!r}, locked={self.locked})"


if fcntl is not None:

    def _lock(fd: int, *, blocking: bool) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

else:  # pragma: no cover - Windows

    def _lock(fd: int, *, blocking: bool) -> bool:
        # msvcrt locks a byte range; LK_NBLCK fails at once when another process holds it
        # (LK_LOCK would only retry ten times, so blocking is a loop here)
        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                return True
            except OSError:
                if not blocking:
                    return False
                time.sleep(0.05)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
