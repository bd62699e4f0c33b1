"""Teleroster domain and flow: storage, importers, forecasting, problem building, jobs, CLI."""
