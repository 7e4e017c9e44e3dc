"""The kernel command of ``crmkit report``: ask the run's kernel zygote for a kernel.

This file is run by path (``python .../kernel_launcher.py -f CONNECTION_FILE ...``) as
the command of the runner's private kernelspec, so it imports nothing but the standard
library (no ``crmkit`` package import: it starts in a few milliseconds).

When the run has a zygote (:mod:`crmkit.reporting.zygote`, Linux), the environment
variable ``CRMKIT_KERNEL_ZYGOTE`` names its socket. The launcher sends the kernel's
arguments, environment and working folder, receives the process id of the forked
kernel, forwards the signals jupyter_client sends (interrupt, terminate) to it, and
exits when the kernel exits. Without a zygote, or when the zygote does not answer, it
becomes an ordinary ``ipykernel`` process (``exec``), so a kernel always starts.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys

ZYGOTE_ENV = "CRMKIT_KERNEL_ZYGOTE"
_FORWARDED = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2")


def _ask_zygote(path: str, kernel_argv: list[str], *, timeout: float = 300.0) -> int | None:
    """The pid of a kernel forked by the zygote at ``path``, or None when it cannot."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)  # the zygote answers once it has imported everything
            s.connect(path)
            request = {"argv": kernel_argv, "env": dict(os.environ), "cwd": os.getcwd(),
                       "launcher_pid": os.getpid()}
            s.sendall(json.dumps(request).encode("utf-8") + b"\n")
            data = b""
            while not data.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    return None
                data += chunk
        return int(json.loads(data)["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _wait_for(pid: int) -> None:
    """Return when process ``pid`` (not our child) has exited."""
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is None:  # pragma: no cover - kernels without pidfd_open do not get a zygote
        import time

        while True:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
    try:
        while not select.select([fd], [], [])[0]:
            pass
    finally:
        os.close(fd)


def main(argv: list[str]) -> None:
    kernel_argv = argv[1:]
    path = os.environ.get(ZYGOTE_ENV, "")
    pid = _ask_zygote(path, kernel_argv) if path else None
    if pid is None:
        os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *kernel_argv])

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for name in _FORWARDED:
        signal.signal(getattr(signal, name), forward)
    _wait_for(pid)


if __name__ == "__main__":
    main(sys.argv)
