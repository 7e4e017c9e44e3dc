"""crmkit's chart style: :func:`set_theme`, a CJK font that ships with the package
dependencies, and alt text for every chart shown in a notebook.

**Chinese glyphs on any machine.** The CJK font comes from a pip package
(``mplfonts``: Noto Sans CJK SC, SIL Open Font License), so no system font and no
apt step is needed. :func:`register_cjk_font` adds the font *file* to matplotlib's
font manager, which does not depend on matplotlib's font cache: a cache built before
the package was installed cannot hide it.

**Alt text.** In a notebook, :func:`set_theme` registers an IPython formatter that
attaches ``{"image/png": {"alt": ...}}`` metadata to every figure it displays (from
:func:`figure_alt_text`: the figure's titles and axis labels). The report template
(:mod:`crmkit.reporting.html`) writes it into the image's ``alt`` attribute, so every
chart gets a description without touching the plot functions.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager

__all__ = ["set_theme", "cjk_font_path", "register_cjk_font", "figure_alt_text",
           "CJK_FONT_PACKAGE", "CJK_FONT_FILE"]

CJK_FONT_PACKAGE = "mplfonts"
"""The pip package that ships the CJK font (a dependency of crmkit)."""

CJK_FONT_FILE = "fonts/NotoSansCJKsc-Regular.otf"
"""The font file inside :data:`CJK_FONT_PACKAGE`: Noto Sans CJK SC Regular."""

_FALLBACK_SANS = ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
                  "PingFang SC", "DejaVu Sans"]


def cjk_font_path() -> Path | None:
    """Return the path of the bundled CJK font file, or None when the package is missing.

    The package is located without importing it.
    """
    spec = importlib.util.find_spec(CJK_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder) / CJK_FONT_FILE
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def register_cjk_font() -> str | None:
    """Add the bundled CJK font to matplotlib's font manager; return its family name.

    Registering the file itself (``fontManager.addfont``) works whatever matplotlib's
    font cache holds. Runs once per process.

    Returns
    -------
    str or None
        The family name (``"Noto Sans CJK SC"``), or None when the font package is not
        installed (Chinese labels then need a system CJK font).
    """
    path = cjk_font_path()
    if path is None:
        return None
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def set_theme() -> None:
    """Apply crmkit's chart style: seaborn whitegrid, a font that shows Chinese, alt text.

    Also, inside IPython, records alt text with every figure displayed (see the module
    docstring). Safe to call more than once.
    """
    sns.set_theme(style="whitegrid", context="notebook")
    family = register_cjk_font()
    sans = ([family] if family else []) + [f for f in _FALLBACK_SANS if f != family]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["font.sans-serif"] = sans
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["figure.figsize"] = (9, 4)
    plt.rcParams["figure.dpi"] = 100
    _record_alt_text()


# --------------------------------------------------------------------------- alt text
def _text(artist) -> str:
    return " ".join(artist.get_text().split()) if artist is not None else ""


def figure_alt_text(fig) -> str:
    """Describe a figure in words for its ``alt`` text: titles, then what each chart shows.

    Parameters
    ----------
    fig : matplotlib.figure.Figure

    Returns
    -------
    str
        ``"Chart: <suptitle>. <axes title> (<y label> by <x label>). ..."``; a chart
        without any title or label is ``"Chart"`` followed by its kind of content.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.set(title="Revenue per month", xlabel="month", ylabel="revenue")
    >>> figure_alt_text(fig)
    'Chart: Revenue per month (revenue by month).'
    >>> plt.close(fig)
    """
    parts = []
    suptitle = _text(getattr(fig, "_suptitle", None))
    if suptitle:
        parts.append(suptitle + ".")
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        if hasattr(ax, "_colorbar"):
            label = _text(ax.yaxis.label) or _text(ax.xaxis.label)
            if label:
                parts.append(f"Colour scale: {label}.")
            continue
        titles = (" ".join(ax.get_title(loc=loc).split()) for loc in ("center", "left", "right"))
        title = " · ".join(t for t in titles if t)
        x, y = _text(ax.xaxis.label), _text(ax.yaxis.label)
        axes = f"{y} by {x}" if x and y else y or x
        legend = ax.get_legend()
        entries = [_text(t) for t in legend.get_texts()] if legend is not None else []
        entries = [e for e in entries if e]
        if entries:
            axes = (axes + "; " if axes else "") + "series: " + ", ".join(entries[:8])
        if title and axes:
            parts.append(f"{title} ({axes}).")
        elif title or axes:
            parts.append(f"{title or axes}.")
    if not parts:
        return "Chart"
    return "Chart: " + " ".join(parts)


def _figure_metadata(fig):
    """Mime-bundle hook: no data (the inline backend draws the PNG), only the alt text."""
    return {}, {"image/png": {"alt": figure_alt_text(fig)}}


def _record_alt_text() -> None:
    """Inside IPython, attach alt text to every displayed figure.

    The hook is a *mime-bundle* formatter for ``Figure``: the inline backend resets
    the image formatters when it is (re)configured, but leaves this one alone.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    shell.display_formatter.mimebundle_formatter.for_type(Figure, _figure_metadata)
