"""Charts drawn on the server as SVG with matplotlib: no JavaScript and no CDN needed.

Only matplotlib's object API is used (no ``pyplot`` state), so concurrent requests cannot
draw into each other's figures. Fonts are DejaVu Sans, which has Cyrillic.
"""
from __future__ import annotations

import io
import textwrap

import matplotlib
from matplotlib.figure import Figure

matplotlib.use("Agg")
matplotlib.rcParams.update({
    "font.family": "DejaVu Sans", "font.size": 9, "svg.hashsalt": "anketa",
    "svg.fonttype": "none",  # text stays text: searchable and readable by screen readers
    "axes.spines.top": False, "axes.spines.right": False,
})

PALETTE = ["#1f4e79", "#2e75b6", "#9dc3e6", "#f4b183", "#c55a11", "#7f7f7f", "#548235",
           "#a9d18e", "#ffd966", "#bf9000"]
#: Colours dark enough to need white text on them.
DARK = {"#1f4e79", "#2e75b6", "#c55a11", "#7f7f7f", "#548235", "#bf9000"}
LABEL_WIDTH = 34


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(str(label), LABEL_WIDTH)[:3]) or " "


def _svg(figure: Figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Title": title,
                                                                        "Date": None})
    return buffer.getvalue()


def bar_chart(labels, percents, title: str, *, axis_label: str = "%") -> str:
    """Horizontal bars, one per category, with the percentage written at each bar's end."""
    labels = [_wrap(label) for label in labels]
    height = 0.6 + 0.38 * max(1, len(labels))
    figure = Figure(figsize=(6.4, height))
    axes = figure.add_subplot()
    positions = range(len(labels))
    values = [0 if value != value else value for value in percents]  # NaN draws as 0
    bars = axes.barh(list(positions), values, color=PALETTE[0])
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()
    axes.set_xlim(0, max(100, max(values, default=0) * 1.1))
    axes.set_xlabel(axis_label)
    axes.bar_label(bars, labels=[f"{value:.1f}" for value in values], padding=3)
    return _svg(figure, title)


def stacked_bar_chart(rows, categories, shares, title: str) -> str:
    """One 100 % bar per row (grid item), split by category; ``shares[row][category]``."""
    figure = Figure(figsize=(7.2, 0.9 + 0.45 * max(1, len(rows))))
    axes = figure.add_subplot()
    left = [0.0] * len(rows)
    positions = list(range(len(rows)))
    for index, category in enumerate(categories):
        widths = [0 if shares[r][index] != shares[r][index] else shares[r][index]
                  for r in range(len(rows))]
        bars = axes.barh(positions, widths, left=left, label=_wrap(category),
                         color=PALETTE[index % len(PALETTE)])
        colour = PALETTE[index % len(PALETTE)]
        axes.bar_label(bars, labels=[f"{w:.0f}" if w >= 6 else "" for w in widths],
                       label_type="center", fontsize=8,
                       color="white" if colour in DARK else "black")
        left = [a + b for a, b in zip(left, widths)]
    axes.set_yticks(positions, [_wrap(row) for row in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, 100)
    axes.set_xlabel("%")
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(5, len(categories)),
                frameon=False, fontsize=8)
    return _svg(figure, title)


def line_chart(points, series, title: str, *, axis_label: str = "") -> str:
    """Lines across ordered points (waves, weeks): ``series`` maps a label to its values."""
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.add_subplot()
    positions = list(range(len(points)))
    for index, (label, values) in enumerate(series.items()):
        axes.plot(positions, values, marker="o", label=_wrap(label),
                  color=PALETTE[index % len(PALETTE)])
    axes.set_xticks(positions, [str(point) for point in points])
    axes.set_ylabel(axis_label)
    if len(series) > 1:
        axes.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False, fontsize=8)
    return _svg(figure, title)


def grouped_bar_chart(categories, series, title: str, *, axis_label: str = "%") -> str:
    """Horizontal bars per category, one bar per series (banner column) side by side."""
    count = max(1, len(series))
    figure = Figure(figsize=(7.2, 0.8 + 0.22 * count * max(1, len(categories))))
    axes = figure.add_subplot()
    height = 0.8 / count
    for index, (label, values) in enumerate(series.items()):
        positions = [row + index * height for row in range(len(categories))]
        values = [0 if value != value else value for value in values]
        axes.barh(positions, values, height=height, label=_wrap(label),
                  color=PALETTE[index % len(PALETTE)])
    axes.set_yticks([row + 0.4 - height / 2 for row in range(len(categories))],
                    [_wrap(category) for category in categories])
    axes.invert_yaxis()
    axes.set_xlabel(axis_label)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(4, count),
                frameon=False, fontsize=8)
    return _svg(figure, title)
