"""A kernel zygote: start each notebook's kernel by forking a process that has imported everything.

Every notebook of a report runs in its own kernel. Starting one from scratch costs
about 4 s of CPU before the first line of analysis: the Python start, ipykernel and
zmq, then pandas, matplotlib, scikit-learn, seaborn, SciPy and crmkit. Fourteen
notebooks pay that fourteen times. The zygote pays it once per run: it imports the
kernel machinery and every module the run's notebooks import, then waits. Each kernel
is a ``fork`` of it, which takes milliseconds and shares the imported modules' memory
with its siblings (copy-on-write).

A forked kernel is an ordinary, fresh ipykernel: the zygote only imports modules. It
runs no analysis code, creates no figure, starts no thread pool and never imports
matplotlib's inline backend (that module wires itself to the running kernel when it is
imported, which must happen inside the kernel). Each kernel gets the environment,
working folder and arguments its launcher was started with, a session of its own, and
exits when its launcher disappears.

The kernelspec of a run points at :mod:`crmkit.reporting.kernel_launcher`, which asks
the zygote for a kernel and falls back to a plain ``python -m ipykernel_launcher``
when there is no zygote. The zygote is used on Linux only (``fork`` and
``os.pidfd_open``); ``CRMKIT_NO_ZYGOTE=1`` turns it off.

The zygote starts with the run, and imports while the runner loads and cleans the
data. Then it reads the run's prepared data once (:func:`crmkit.data.pipeline.keep_open`):
each notebook opens it from memory, shared with its siblings until written.

Run as ``python -m crmkit.reporting.zygote SOCKET NOTEBOOK...``. The first line of its
standard input names the prepared folder (empty: none); kernels are served after it.
It exits when its standard input closes (the run is over, or the runner died).
"""

from __future__ import annotations

import ast
import contextlib
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

__all__ = ["available", "notebook_imports", "package_lazy_imports", "KernelZygote", "KERNEL_MODULES"]

_FOLDER_PREFIX = "crmkit-z-"
# what a kernel imports before it runs a cell
KERNEL_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.iostream",
    "jupyter_client.session",
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "IPython.display",
)
# modules that must be imported inside the kernel, never in the zygote
_NEVER = ("matplotlib_inline", "matplotlib.backends", "ipykernel.pylab", "IPython.core.pylabtools")


def available() -> bool:
    """Whether kernels can be forked here: Linux with ``os.pidfd_open``, not turned off."""
    return (sys.platform.startswith("linux") and hasattr(os, "fork") and hasattr(os, "pidfd_open")
            and os.environ.get("CRMKIT_NO_ZYGOTE", "") in ("", "0"))


def notebook_imports(paths) -> list[str]:
    """The modules the code cells of the notebooks at ``paths`` import, in first-seen order.

    ``from a.b import c`` gives ``a.b`` and ``a.b.c`` (``c`` may be a submodule);
    relative imports and cells that are not plain Python (magics) are skipped.
    """
    import nbformat

    seen: dict[str, None] = {}
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    for alias in node.names:
                        seen.setdefault(alias.name, None)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    seen.setdefault(node.module, None)
                    for alias in node.names:
                        if alias.name != "*":
                            seen.setdefault(f"{node.module}.{alias.name}", None)
    return [m for m in seen if not m.startswith(_NEVER)]


def package_lazy_imports() -> list[str]:
    """The modules crmkit's analysis code imports inside functions (statsmodels, mlxtend, ...).

    A notebook's own import cell does not name them, but its first forecast or basket
    call imports them: warming them too saves each kernel those seconds. The runner's
    side of the package (runner, CLI, HTML export) is left out.
    """
    root = Path(__file__).resolve().parents[1]
    found: dict[str, None] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).with_suffix("").parts
        if rel[1] == "reporting" and rel[-1] not in ("notebook", "tables"):
            continue
        package = list(rel if rel[-1] == "__init__" else rel[:-1])
        if package[-1] == "__init__":
            package = package[:-1]
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        top = {id(node) for node in tree.body}
        for node in ast.walk(tree):
            if id(node) in top:
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    found.setdefault(alias.name, None)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package[:len(package) - (node.level - 1)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                if base:
                    found.setdefault(base, None)
    return [m for m in found if not m.startswith(_NEVER)]


def _warm(modules) -> None:
    # a library's import-time warning (jieba's pkg_resources) is not the run's news: in a
    # kernel, crmkit imports such libraries with their warnings silenced, and here the
    # zygote's stderr is the run's log
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in modules:
            if name.startswith(_NEVER):
                continue
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - "c" in "from a.b import c" may be a name, not a module
                pass


# --------------------------------------------------------------------------- the zygote process
def _watch_launcher(pid: int) -> None:
    """Exit this kernel when its launcher is gone (killed by jupyter_client, or crashed)."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:
        os._exit(1)
    select.select([fd], [], [])
    os._exit(1)


def _become_kernel(request: dict) -> None:
    """In the forked child: turn into the kernel the launcher asked for. Never returns."""
    code = 1
    try:
        os.setsid()  # like jupyter_client's own kernels: a session (and process group) of its own
        for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        env = dict(request["env"])
        env.pop("JPY_PARENT_PID", None)  # the launcher is not our parent: watched below
        os.environ.clear()
        os.environ.update(env)
        os.chdir(request["cwd"])
        threading.Thread(target=_watch_launcher, args=(int(request["launcher_pid"]),),
                         daemon=True).start()
        argv = [str(a) for a in request["argv"]]
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except BaseException:  # noqa: BLE001 - a kernel that cannot start is reported by its client
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)


def _read_request(conn: socket.socket) -> dict | None:
    conn.settimeout(10)
    data = b""
    try:
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        return json.loads(data)
    except (OSError, ValueError):
        return None


def _read_line(fd: int) -> str | None:
    """One line from ``fd`` (unbuffered: the serving loop reads the same descriptor);
    None at end of file."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        data += chunk
    return data.decode("utf-8").strip()


def serve(sock_path: str, notebooks: list[str]) -> None:
    """Listen on ``sock_path`` and import; read the prepared folder to keep in memory from
    the first line of stdin (empty: none); then fork a kernel per request until stdin
    closes."""
    # Ctrl-C is the runner's to handle (it then closes our stdin); kernels reset it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # like ipykernel_launcher: the start folder is not on a kernel's path
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(64)  # launchers may connect now; they are answered after the imports
    modules = list(KERNEL_MODULES)
    with contextlib.suppress(Exception):
        modules += notebook_imports(notebooks)
    with contextlib.suppress(Exception):
        modules += package_lazy_imports()
    _warm(modules)
    stdin = sys.stdin.fileno()
    # the runner sends the prepared folder once the data are loaded and cleaned (it has
    # been loading them while this process imported); end of file: the run failed
    preload = _read_line(stdin)
    if preload is None:
        _remove_own_folder(sock_path)
        return
    if preload:  # the run's cleaned tables, read once for every kernel
        with contextlib.suppress(Exception):
            from crmkit.data.pipeline import keep_open

            keep_open(preload)
    gc.collect()
    gc.freeze()  # keep the imported objects out of the children's collections (less copying)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped by the system
    while True:
        ready = select.select([listener, stdin], [], [])[0]
        if stdin in ready and not os.read(stdin, 4096):
            break  # the runner closed the pipe: the run is over
        if listener not in ready:
            continue
        conn, _ = listener.accept()
        with conn:
            request = _read_request(conn)
            if request is None:
                continue
            pid = os.fork()
            if pid == 0:
                listener.close()
                conn.close()
                _become_kernel(request)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"pid": pid}).encode("utf-8") + b"\n")
    listener.close()
    _remove_own_folder(sock_path)


def _remove_dead_folders(older_than: float = 60.0) -> list[Path]:
    """Remove zygote folders nobody listens in any more (their run was killed with -9
    together with its zygote); return them."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(_FOLDER_PREFIX + "*"):
        sock = folder / "zygote.sock"
        try:
            if not folder.is_dir() or folder.stat().st_uid != os.getuid() \
                    or time.time() - folder.stat().st_mtime < older_than:
                continue
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(1)
                s.connect(str(sock))
            continue  # a live zygote answered
        except (ConnectionRefusedError, FileNotFoundError):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
        except OSError:
            continue
    return removed


def _remove_own_folder(sock_path: str) -> None:
    """Remove the zygote's private folder (a runner killed with -9 cannot)."""
    folder = Path(sock_path).parent
    if folder.name.startswith(_FOLDER_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- used by the runner
class KernelZygote:
    """Start a zygote for a run and stop it afterwards (a context manager).

    Parameters
    ----------
    notebooks : list of path
        The run's notebooks: the modules they import are imported once, in the zygote.
    env : dict
        The kernels' environment (matplotlib's config folder and backend are read when
        matplotlib is imported, so the zygote starts with the same values).
        Without ``MPLCONFIGDIR`` the zygote uses a private, temporary one.

    Kernels are served after :meth:`preload` (which may name no folder).

    Attributes
    ----------
    env : dict
        ``{"CRMKIT_KERNEL_ZYGOTE": socket}`` to add to the kernels' launch environment;
        empty when kernels cannot be forked here (:func:`available`).
    """

    def __init__(self, notebooks, *, env: dict[str, str]):
        self._notebooks = [str(p) for p in notebooks]
        self._base_env = dict(env)
        self.env: dict[str, str] = {}
        self._proc: subprocess.Popen | None = None
        self._dir: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> KernelZygote:
        if not available():
            return self
        from .kernel_launcher import ZYGOTE_ENV

        _remove_dead_folders()
        # a private folder (0700): only this user can ask the zygote for a kernel
        self._dir = tempfile.TemporaryDirectory(prefix=_FOLDER_PREFIX, ignore_cleanup_errors=True)
        sock = str(Path(self._dir.name) / "zygote.sock")
        env = {**os.environ, **self._base_env}
        env.setdefault("MPLCONFIGDIR", str(Path(self._dir.name) / "matplotlib"))
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "crmkit.reporting.zygote", sock, *self._notebooks],
                stdin=subprocess.PIPE, env=env, cwd=self._dir.name,
            )
        except OSError:
            return self
        # the zygote binds its socket before it imports anything; until then a launcher
        # would find no socket and start a plain kernel
        deadline = time.monotonic() + 30
        while not os.path.exists(sock) and self._proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        if os.path.exists(sock):
            self.env = {ZYGOTE_ENV: sock}
        return self

    def preload(self, prepared_dir: str | Path | None) -> None:
        """Let the zygote read ``prepared_dir`` (:func:`crmkit.data.pipeline.keep_open`),
        then serve kernels: they open the run's data without reading it. None: serve
        without reading anything."""
        if self._proc is None or self._proc.stdin is None:
            return
        line = ("" if prepared_dir is None else str(prepared_dir)).replace("\n", " ")
        with contextlib.suppress(OSError):
            self._proc.stdin.write(line.encode("utf-8") + b"\n")
            self._proc.stdin.flush()

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
            try:  # a zygote still importing (the run failed early) reads stdin only later
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._dir is not None:
            self._dir.cleanup()


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2:])
