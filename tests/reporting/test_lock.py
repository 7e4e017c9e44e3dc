"""The portable file lock (POSIX path: fcntl.flock)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from crmkit.reporting import lock as lock_module
from crmkit.reporting.lock import FileLock

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the POSIX path (fcntl) is tested here")


def test_posix_lock_uses_flock():
    assert lock_module.fcntl is not None


def test_second_holder_is_refused_until_the_first_releases(tmp_path):
    path = tmp_path / "sub" / "x.lock"
    first, second = FileLock(path), FileLock(path)
    assert first.acquire(blocking=False) and first.locked
    assert path.is_file()  # created with its folder
    assert second.acquire(blocking=False) is False and not second.locked
    first.release()
    assert second.acquire(blocking=False) is True
    second.release()
    second.release()  # releasing twice is harmless


def test_context_manager_releases_on_error(tmp_path):
    path = tmp_path / "x.lock"
    with pytest.raises(ZeroDivisionError), FileLock(path):
        1 / 0  # noqa: B018
    with FileLock(path) as again:
        assert again.locked


def test_create_false_does_not_bring_back_a_missing_folder(tmp_path):
    path = tmp_path / "gone" / "x.lock"
    with pytest.raises(FileNotFoundError):
        FileLock(path).acquire(blocking=False, create=False)
    assert not (tmp_path / "gone").exists()


def test_lock_of_a_killed_process_is_free(tmp_path):
    """A process killed with SIGKILL cannot release its lock: the kernel does."""
    path = tmp_path / "owner.lock"
    code = ("import sys, time; from crmkit.reporting.lock import FileLock; "
            f"FileLock({str(path)!r}).acquire(); print('locked', flush=True); time.sleep(600)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert FileLock(path).acquire(blocking=False) is False  # the owner is alive
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        taken = FileLock(path)
        while not taken.acquire(blocking=False):
            assert time.monotonic() < deadline, "the lock of a dead process was not released"
            time.sleep(0.05)
        taken.release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_blocking_acquire_waits_for_the_holder(tmp_path):
    import threading

    path = tmp_path / "x.lock"
    code = ("import sys; from crmkit.reporting.lock import FileLock; "
            f"lock = FileLock({str(path)!r}); lock.acquire(); print('locked', flush=True); "
            "sys.stdin.readline(); lock.release(); print('released', flush=True); sys.stdin.readline()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    got = threading.Event()

    def wait_for_lock():
        with FileLock(path):
            got.set()

    try:
        assert proc.stdout.readline().strip() == "locked"
        waiter = threading.Thread(target=wait_for_lock, daemon=True)
        waiter.start()
        assert not got.wait(0.5)  # blocked while the other process holds it
        proc.stdin.write("release\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "released"
        assert got.wait(30)  # and taken once it is free
        waiter.join(30)
    finally:
        proc.kill()
        proc.wait()
