"""Plotly figures of a scenario comparison, as JSON the page hands to ``Plotly.newPlot`` (the
script is served from the installed plotly package). Each chart has a table with the same
numbers beside it."""

from typing import Any

import plotly.graph_objects as go

from scheduler.scenarios.compare import Comparison
from scheduler.scenarios.kpis import BANDS

LAYOUT: dict[str, Any] = {
    "barmode": "group",
    "margin": {"l": 50, "r": 10, "t": 10, "b": 90},
    "legend": {"orientation": "h", "y": -0.35},
    "height": 380,
}


def _json(figure: go.Figure) -> str:
    text: str = figure.to_json()
    return text.replace("</", "<\\/")  # inside a <script> element, whatever the names hold


def _region_label(comparison: Comparison, region: str) -> str:
    return f"{region} (sparse)" if region in comparison.sparse else region


def coverage_figure_json(comparison: Comparison) -> str:
    """Demand covered per region, one bar per scenario."""
    labels = [_region_label(comparison, r) for r in comparison.regions]
    bars = [
        go.Bar(
            name=column.scenario.name,
            x=labels,
            y=[comparison.covered(column, r) for r in comparison.regions],
        )
        for column in comparison.columns
        if column.kpis is not None
    ]
    layout = dict(LAYOUT, yaxis={"title": {"text": "% of demand covered"}, "range": [0, 100]})
    return _json(go.Figure(data=bars, layout=layout))


def sparse_bands_figure_json(comparison: Comparison) -> str:
    """The sparse regions' cover by hour band: where new licences or hires land."""
    keys = [(r, b) for r in comparison.regions if r in comparison.sparse for b in BANDS]
    keys = [
        (r, b)
        for r, b in keys
        if any(comparison.covered(c, r, b) is not None for c in comparison.columns)
    ]
    bars = [
        go.Bar(
            name=column.scenario.name,
            x=[f"{r} {b}" for r, b in keys],
            y=[comparison.covered(column, r, b) for r, b in keys],
        )
        for column in comparison.columns
        if column.kpis is not None
    ]
    layout = dict(LAYOUT, yaxis={"title": {"text": "% covered"}, "range": [0, 100]})
    return _json(go.Figure(data=bars, layout=layout))


def urgent_figure_json(comparison: Comparison) -> str:
    """Estimated urgent turnaround (Erlang C) per region, one bar per scenario."""
    labels = [_region_label(comparison, r) for r in comparison.regions]
    bars = []
    for column in comparison.columns:
        if column.kpis is None:
            continue
        values = []
        for region in comparison.regions:
            row = column.kpis.region(region)
            values.append(row.urgent_turnaround_minutes if row else None)
        bars.append(go.Bar(name=column.scenario.name, x=labels, y=values))
    layout = dict(LAYOUT, yaxis={"title": {"text": "minutes to report"}, "rangemode": "tozero"})
    return _json(go.Figure(data=bars, layout=layout))
