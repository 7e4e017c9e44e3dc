"""Turning analyses into pages: notebook sessions, report tables, the runner and the CLI.

- :mod:`.notebook`: :func:`start`, the one set-up call of every notebook;
- :mod:`.tables`: styled tables, files and summaries written next to a report;
- :mod:`.notebooks`: checks of the stored notebooks (no outputs, a parameters cell);
- :mod:`.runner`: ``crmkit report`` (papermill, staging folders, atomic swap);
- :mod:`.pages`: the period and reports indexes, "not available" pages;
- :mod:`.lock`: a portable file lock; :mod:`.resources`: bundled notebooks and params;
- :mod:`.html`: an executed notebook as a report page (crmkit's nbconvert template, cell tags);
- :mod:`.cli`: the command line.
"""

import sys

# nbformat validates notebooks with jsonschema, which imports every optional format
# checker that happens to be installed. One of them, rfc3987_syntax (pulled in by
# jupyter-events), builds a grammar when imported: 2 s in every process that reads a
# notebook (the CLI and each papermill worker). Notebook validation never checks IRIs,
# so jsonschema is told the module is absent (it then skips that one format).
if "rfc3987_syntax" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None
