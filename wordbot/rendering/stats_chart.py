"""The /stats picture (SPEC §14): one PNG, reviews per day above, cards due per day below.

Drawn with matplotlib's object API on an Agg canvas of its own (`Figure` + `FigureCanvasAgg`),
never pyplot: no global figure registry, so any thread may render. Sized for a phone: the
picture is square, about 900 px wide, with large type, since Telegram shows it about 400 pt
wide. Margins are fixed (room for five-digit counts) rather than computed by a layout engine,
which would double the drawing time. Today's bar is drawn in the accent colour in both panels and named on the axis.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from wordbot.domain.stats import DayCount

__all__ = ["CHART_PIXELS", "ChartLabels", "render_stats_png"]

CHART_INCHES = 6.0
CHART_DPI = 150
CHART_PIXELS = int(CHART_INCHES * CHART_DPI)
_BAR = "#9bb7d4"
_TODAY = "#e4572e"
_TEXT = "#222222"
_GRID = "#dddddd"
_TICK_EVERY_DAYS = 7


def _short_day(day: date) -> str:
    return f"{day:%b} {day.day}"


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Every word on the picture, so a translation can replace them."""

    reviews_title: str = "Reviews per day, last 30 days"
    due_title: str = "Cards due per day, next 30 days"
    reviews_axis: str = "reviews"
    due_axis: str = "cards"
    today: str = "today"
    format_day: Callable[[date], str] = _short_day


def render_stats_png(
    reviews_per_day: Sequence[DayCount],
    due_per_day: Sequence[DayCount],
    labels: ChartLabels | None = None,
) -> bytes:
    """The two panels as PNG bytes; the last review day and the first due day are today."""
    # matplotlib (with numpy) takes over a second to import: only a process that draws pays it
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = labels or ChartLabels()
    figure = Figure(figsize=(CHART_INCHES, CHART_INCHES), dpi=CHART_DPI)
    canvas = FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1)
    # fixed margins: a layout engine would measure every label again and double the time
    figure.subplots_adjust(left=0.16, right=0.97, top=0.94, bottom=0.06, hspace=0.38)
    _panel(
        top,
        reviews_per_day,
        len(reviews_per_day) - 1,
        labels.reviews_title,
        labels.reviews_axis,
        labels,
    )
    _panel(bottom, due_per_day, 0, labels.due_title, labels.due_axis, labels)
    buffer = io.BytesIO()
    canvas.print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _panel(
    axes,
    series: Sequence[DayCount],
    today_index: int,
    title: str,
    y_label: str,
    labels: ChartLabels,
) -> None:
    counts = [entry.count for entry in series]
    colours = [_TODAY if index == today_index else _BAR for index in range(len(series))]
    if series:
        axes.axvspan(today_index - 0.5, today_index + 0.5, color=_TODAY, alpha=0.1, linewidth=0)
        axes.annotate(
            str(counts[today_index]),
            (today_index, counts[today_index]),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=12,
            fontweight="bold",
            color=_TODAY,
        )
    axes.bar(range(len(series)), counts, width=0.8, color=colours)
    axes.set_title(title, fontsize=14, color=_TEXT, loc="left")
    axes.set_ylabel(y_label, fontsize=12, color=_TEXT)
    axes.set_xlim(-1.2, max(len(series), 1) - 0.3)
    axes.set_ylim(0, max(counts, default=0) * 1.2 or 1)
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ticks = _tick_positions(len(series), today_index)
    axes.set_xticks(ticks)
    axes.set_xticklabels(
        [labels.today if i == today_index else labels.format_day(series[i].day) for i in ticks],
        fontsize=12,
    )
    for tick, index in zip(axes.get_xticklabels(), ticks, strict=True):
        if index == today_index:
            tick.set_color(_TODAY)
            tick.set_fontweight("bold")
    axes.tick_params(axis="y", labelsize=12)
    axes.grid(axis="y", color=_GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _tick_positions(length: int, today_index: int) -> list[int]:
    """Every seventh day counted from today, so today always has its label."""
    if length == 0:
        return []
    return sorted(i for i in range(length) if (i - today_index) % _TICK_EVERY_DAYS == 0)
