"""Teleroster's pure CP-SAT rostering library: problem dataclasses in, roster out."""
