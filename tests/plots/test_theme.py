"""crmkit.plots.theme: the CJK font from a pip package, and alt text recorded with each figure."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib import font_manager

from crmkit.plots import set_theme
from crmkit.plots.theme import cjk_font_path, figure_alt_text, register_cjk_font

CHINESE = ["西南", "华东", "线上渠道", "会员"]


def _draw_chinese_chart():
    fig, ax = plt.subplots()
    ax.bar(CHINESE, [3, 5, 2, 4])
    ax.set(title="各地区客户流失", xlabel="地区", ylabel="客户数")
    fig.canvas.draw()
    return fig


@pytest.fixture
def theme():
    import matplotlib as mpl

    saved = mpl.rcParams.copy()
    set_theme()
    yield
    mpl.rcParams.update(saved)


def test_font_ships_with_a_pip_package():
    path = cjk_font_path()
    assert path is not None and path.suffix == ".otf"
    assert "site-packages" in path.parts or "dist-packages" in path.parts  # not a system font
    assert register_cjk_font() == "Noto Sans CJK SC"


def test_theme_puts_the_bundled_font_first(theme):
    assert plt.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    found = font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]),
                                  fallback_to_default=False)
    assert Path(found) == cjk_font_path()


def test_chinese_labels_draw_without_missing_glyphs(theme):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph ... missing from font" warning fails the test
        _draw_chinese_chart()


def test_without_the_font_the_same_chart_warns(theme):
    """The check above can fail: with only DejaVu Sans the glyphs are missing."""
    plt.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    with pytest.warns(UserWarning, match="Glyph .* missing from font"):
        _draw_chinese_chart()


def test_glyph_warnings_are_not_silenced(theme):
    assert not any("Glyph" in str(f[1].pattern if f[1] else "") for f in warnings.filters)


def test_stale_font_cache_cannot_hide_the_font(tmp_path):
    """A matplotlib cache built before (without the font) is reused; the font still shows."""
    env = {"MPLCONFIGDIR": str(tmp_path), "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"}
    build = "import matplotlib.font_manager as fm; fm.findfont(fm.FontProperties(family=['sans-serif']))"
    subprocess.run([sys.executable, "-c", build], env=env, check=True, timeout=300)
    cache = list(tmp_path.glob("fontlist-*.json"))
    assert cache and "NotoSansCJK" not in cache[0].read_text()
    draw = ("import warnings; warnings.simplefilter('error')\n"
            "import matplotlib.pyplot as plt\n"
            "from crmkit.plots import set_theme\n"
            "set_theme()\n"
            "fig, ax = plt.subplots(); ax.bar(['西南', '华东'], [1, 2]); ax.set_title('客户流失')\n"
            "fig.canvas.draw()\n")
    run = subprocess.run([sys.executable, "-c", draw], env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "missing from font" not in run.stderr


# --------------------------------------------------------------------------- alt text
def test_alt_text_names_titles_axes_and_series():
    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("Who buys again")
    left.plot([1, 2], [3, 4], label="new")
    left.plot([1, 2], [2, 1], label="returning")
    left.legend()
    left.set(title="Customers per month", xlabel="month", ylabel="customers")
    right.set(title="Days to second purchase", xlabel="days")
    assert figure_alt_text(fig) == (
        "Chart: Who buys again. Customers per month (customers by month; series: new, "
        "returning). Days to second purchase (days).")


def test_alt_text_of_a_heatmap_mentions_its_colour_scale():
    fig, ax = plt.subplots()
    image = ax.imshow([[1, 2], [3, 4]])
    fig.colorbar(image, ax=ax, label="share of customers")
    ax.set_title("Retention by cohort")
    assert figure_alt_text(fig) == "Chart: Retention by cohort. Colour scale: share of customers."


def test_alt_text_of_an_untitled_figure():
    fig, _ = plt.subplots()
    assert figure_alt_text(fig) == "Chart"


class _Shell:
    """The part of an IPython shell that display formatting uses."""

    def __init__(self):
        from IPython.core.formatters import DisplayFormatter

        self.display_formatter = DisplayFormatter()


def test_set_theme_records_alt_text_with_each_displayed_figure(monkeypatch, theme):
    from IPython.core.pylabtools import select_figure_formats

    shell = _Shell()
    monkeypatch.setattr("IPython.get_ipython", lambda: shell)
    set_theme()
    # the inline backend (re)configures its PNG formatter after set_theme ran: alt text stays
    select_figure_formats(shell, {"png"})
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    ax.set(title="Revenue per month", ylabel="revenue")
    data, metadata = shell.display_formatter.format(fig)
    assert data["image/png"]  # the PNG still comes from the backend's formatter
    assert metadata["image/png"]["alt"] == "Chart: Revenue per month (revenue)."
