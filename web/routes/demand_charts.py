"""Plotly figures of a period's demand view, as JSON the page hands to ``Plotly.newPlot`` (the
script is served from the installed plotly package). The table under each chart holds the same
numbers."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go

from scheduler.services.demand_view import DemandView

LAYOUT: dict[str, Any] = {
    "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
    "height": 380,
    "hovermode": "x unified",
}


def _json(figure: go.Figure) -> str:
    text: str = figure.to_json()
    return text.replace("</", "<\\/")  # inside a <script> element, whatever the names hold


def _rounded(values: list[float | None]) -> list[float | None]:
    """Two decimals are all a reader of the chart sees; the page stays light on a phone."""
    return [None if v is None else round(v, 2) for v in values]


def _x(view: DemandView) -> list[dt.datetime | dt.date]:
    """Region-local wall-clock times (or dates), as the table shows them."""
    zone = ZoneInfo(view.time_zone)
    local = [row.start.astimezone(zone).replace(tzinfo=None) for row in view.rows]
    return [t.date() for t in local] if view.resolution == "day" else list(local)


def _xaxis(view: DemandView) -> dict[str, Any]:
    what = "date" if view.resolution == "day" else "time"
    return {"title": {"text": f"{what}, {view.time_zone}"}}


def volume_figure_json(view: DemandView) -> str:
    """Observed studies, the forecast mean and its prediction interval as a band."""
    x = _x(view)
    rows = view.rows
    band = [i for i, r in enumerate(rows) if r.lower is not None and r.upper is not None]
    shape = "hv" if view.resolution == "hour" else "linear"
    level = f"{view.interval_level:.0%}"
    data = [
        go.Scatter(
            name=f"{level} interval, upper",
            x=[x[i] for i in band],
            y=_rounded([rows[i].upper for i in band]),
            mode="lines",
            line={"width": 0, "shape": shape},
            showlegend=False,
            hoverinfo="skip",
        ),
        go.Scatter(
            name=f"{level} prediction interval",
            x=[x[i] for i in band],
            y=_rounded([rows[i].lower for i in band]),
            mode="lines",
            line={"width": 0, "shape": shape},
            fill="tonexty",
            fillcolor="rgba(31, 95, 168, 0.2)",
        ),
        go.Scatter(
            name="Forecast (mean)",
            x=x,
            y=_rounded([r.mean for r in rows]),
            mode="lines",
            line={"color": "#1f5fa8", "shape": shape},
            connectgaps=False,
        ),
        go.Scatter(
            name="Observed",
            x=x,
            y=[r.observed for r in rows],
            mode="lines",
            line={"color": "#444444", "shape": shape},
            connectgaps=False,  # a missing hour stays a hole, never a zero
        ),
    ]
    layout = dict(
        LAYOUT,
        xaxis=_xaxis(view),
        yaxis={"title": {"text": "studies"}, "rangemode": "tozero"},
    )
    return _json(go.Figure(data=data, layout=layout))


def readers_figure_json(view: DemandView) -> str:
    """Readers required per hour (per day: the day's peak) and the urgent floor within them."""
    x = _x(view)
    rows = view.rows
    peak = "Peak readers" if view.resolution == "day" else "Readers"
    shape = "hv" if view.resolution == "hour" else "linear"
    data = [
        go.Scatter(
            name=f"{peak} required",
            x=x,
            y=[r.readers for r in rows],
            mode="lines",
            line={"color": "#1f5fa8", "shape": shape},
        ),
        go.Scatter(
            name=f"{peak} for urgent turnaround (Erlang C)",
            x=x,
            y=[r.readers_erlang for r in rows],
            mode="lines",
            line={"color": "#c77800", "dash": "dash", "shape": shape},
        ),
    ]
    if view.resolution == "hour":
        data.append(
            go.Scatter(
                name="Reading workload (reader-hours)",
                x=x,
                y=_rounded([r.reader_hours for r in rows]),
                mode="lines",
                line={"color": "#5b8c3a", "dash": "dot"},
            )
        )
    layout = dict(
        LAYOUT,
        xaxis=_xaxis(view),
        yaxis={"title": {"text": "readers"}, "rangemode": "tozero"},
    )
    return _json(go.Figure(data=data, layout=layout))
