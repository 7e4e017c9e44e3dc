"""Turning analyses into pages: notebook sessions, report tables, the runner and the CLI.

- :mod:`.notebook`: :func:`start`, the one set-up call of every notebook;
- :mod:`.tables`: styled tables, files and summaries written next to a report;
- :mod:`.notebooks`: checks of the stored notebooks (no outputs, a parameters cell);
- :mod:`.runner`: ``crmkit report`` (papermill, nbconvert, index pages, atomic swap);
- :mod:`.cli`: the command line.
"""
