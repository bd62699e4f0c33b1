"""Roster versions as files: CSV, Excel (.xlsx) and iCalendar, from the same rows."""
