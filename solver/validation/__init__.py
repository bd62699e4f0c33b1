"""Helpers of the independent roster validator (solver.validate): a rule family per module."""
