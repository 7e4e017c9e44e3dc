"""User-facing errors: messages that say what to fix, printed by the CLI without a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CrmkitError", "ParamsError", "DataValidationError", "Problem"]


class CrmkitError(Exception):
    """An error caused by the user's input (params, data, command line).

    The CLI prints ``str(error)`` and exits with status 2; no traceback.
    """


class ParamsError(CrmkitError):
    """A params file is missing, unreadable or describes the data wrongly."""


@dataclass
class Problem:
    """One validation problem in one column of one table."""

    table: str
    source: str
    column: str | None
    message: str
    expected: str = ""
    examples: list[str] = field(default_factory=list)
    n_rows: int | None = None

    def __str__(self) -> str:
        where = f"{self.source}" + (f", column {self.column!r}" if self.column else "")
        lines = [f"{self.table} ({where}): {self.message}"]
        if self.n_rows is not None:
            lines[0] += f" [{self.n_rows} row{'s' if self.n_rows != 1 else ''}]"
        if self.expected:
            lines.append(f"    expected: {self.expected}")
        for ex in self.examples[:5]:
            lines.append(f"    {ex}")
        return "\n".join(lines)


class DataValidationError(CrmkitError):
    """The data does not match the canonical model; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        n = len(self.problems)
        head = f"the data has {n} problem{'s' if n != 1 else ''} to fix:"
        super().__init__("\n".join([head] + [f"  - {p}" for p in self.problems]))
