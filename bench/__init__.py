"""Benchmarks: measured speed and load, printed as numbers and ratios (never asserted in tests)."""
