"""The base of every rules model and the wording of validation errors."""

from __future__ import annotations

import difflib
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from ..errors import ParamsError

__all__ = ["Rules", "explain"]


class Rules(BaseModel):
    """Base of every rules model: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, validate_default=True,
                              arbitrary_types_allowed=True)

    def with_overrides(self, **overrides: Any):
        """Return a copy with the given values replaced; ``None`` values are ignored.

        Notebook parameters use ``None`` for "as in the params file", so a notebook
        passes its parameters straight through.

        Examples
        --------
        >>> from crmkit.config.churn import ChurnRules
        >>> ChurnRules().with_overrides(horizon_days=60, lookback_days=None).horizon_days
        60
        """
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return type(self).model_validate(data)
        except ValidationError as e:
            raise ParamsError(explain(e, where="notebook parameters", model=type(self))) from None

    @classmethod
    def coerce(cls, rules: Rules | dict | None):
        """Return ``rules`` as this model: ``None`` gives the defaults, a mapping is validated.

        Raises
        ------
        ParamsError
            A key is unknown or a value has the wrong type (the message says which).
        """
        if rules is None:
            return cls()
        if isinstance(rules, cls):
            return rules
        if isinstance(rules, Rules):
            rules = rules.model_dump()
        try:
            return cls.model_validate(dict(rules))
        except ValidationError as e:
            raise ParamsError(explain(e, where=cls.__name__, model=cls)) from None

    def get(self, key: str, default: Any = None) -> Any:
        """Dict-style access, for code that takes rules as a mapping."""
        return getattr(self, key, default)

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


def _known_keys(model: type[BaseModel] | None, loc: tuple) -> list[str]:
    """The keys a model accepts at ``loc`` (the path of an error)."""
    m = model
    for part in loc[:-1]:
        if m is None or not isinstance(part, str) or part not in m.model_fields:
            return []
        ann = m.model_fields[part].annotation
        # a nested model, also when optional (``ChurnLabel | None``)
        m = next((a for a in (ann, *get_args(ann))
                  if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return list(m.model_fields) if m is not None else []


def explain(error: ValidationError, *, where: str, model: type[BaseModel]) -> str:
    lines = [f"{where}: {error.error_count()} problem(s) in the settings:"]
    for e in error.errors():
        loc = tuple(e["loc"])
        path = ".".join(str(p) for p in loc)
        if e["type"] == "extra_forbidden":
            known = _known_keys(model, loc)
            close = difflib.get_close_matches(str(loc[-1]), known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            lines.append(f"  - {path}: unknown key{hint}; known keys here: {', '.join(known)}")
        else:
            got = e.get("input")
            shown = repr(got) if not isinstance(got, dict) else "a mapping"
            lines.append(f"  - {path}: {e['msg'].rstrip('.')} (found {shown})")
    return "\n".join(lines)


