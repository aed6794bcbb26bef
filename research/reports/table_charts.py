"""Charts of banner tables: stacked bars per column, grouped bars, lines across waves."""
from __future__ import annotations

from research.reports import charts

CHART_KINDS = ("stacked", "bars", "line")


def table_chart(table, kind: str) -> str | None:
    """The SVG chart of one :class:`analysis.banner_results.TableResult`, or None."""
    rows = [row for row in table.rows if row.kind in ("category", "net", "item", "mean")]
    if not rows:
        return None
    numeric = rows[0].kind == "mean"
    values = table.counts if numeric else table.column_percent
    axis = "mean" if numeric else "%"
    columns = table.columns
    names = {c.key: c.label if c.banner_variable is None else f"{c.banner_variable}: {c.label}"
             for c in columns}
    if kind == "line":
        # Trends read across the first banner variable's columns (waves, versions, weeks).
        first = next((c.banner_variable for c in columns if c.banner_variable), None)
        points = [c for c in columns if c.banner_variable == first]
        if not points:
            return None
        series = {row.label: [float(values.at[row.key, c.key]) for c in points]
                  for row in rows}
        return charts.line_chart([c.label for c in points], series, table.label,
                                 axis_label=axis)
    if kind == "stacked" and not numeric and table.kind == "categorical":
        categories = [row for row in rows if row.kind == "category"]
        shares = [[float(values.at[row.key, c.key]) for row in categories] for c in columns]
        return charts.stacked_bar_chart([names[c.key] for c in columns],
                                        [row.label for row in categories], shares, table.label)
    series = {names[c.key]: [float(values.at[row.key, c.key]) for row in rows]
              for c in columns}
    return charts.grouped_bar_chart([row.label for row in rows], series, table.label,
                                    axis_label=axis)
