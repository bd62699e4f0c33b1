"""Study-volume forecasting and required reading capacity.

history (validate volumes, hourly series, gaps) → models (forecast; calendar for local hours and
holidays) → backtest (against seasonal-naive) → capacity (reader-hours, Erlang C floors via
erlang) → slots (needs per shift slot and site). Pure computation on pandas frames and dataclasses;
service reads and writes the database for ``teleroster forecast``; synthetic makes test histories.
"""
