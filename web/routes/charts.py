"""Plotly figures for the pages, as JSON the page's script hands to ``Plotly.newPlot``."""

import plotly.graph_objects as go

from scheduler.services.coverage import FairnessRow


def fairness_figure_json(rows: tuple[FairnessRow, ...]) -> str:
    """Nights, weekends and on-call per FTE, one group of bars per radiologist."""
    names = [row.name for row in rows]
    figure = go.Figure(
        data=[
            go.Bar(name="Nights per FTE", x=names, y=[r.per_fte(r.nights) for r in rows]),
            go.Bar(name="Weekends per FTE", x=names, y=[r.per_fte(r.weekends) for r in rows]),
            go.Bar(name="On-call per FTE", x=names, y=[r.per_fte(r.on_calls) for r in rows]),
        ],
        layout=go.Layout(
            barmode="group",
            margin={"l": 40, "r": 10, "t": 10, "b": 80},
            legend={"orientation": "h", "y": 1.12},
            yaxis={"title": {"text": "per FTE"}, "rangemode": "tozero"},
            height=360,
        ),
    )
    # Inside a <script> element: "</" would end it early, whatever the names contain.
    text: str = figure.to_json()
    return text.replace("</", "<\\/")
