"""Helpers shared by the tests and the benchmarks: plain functions and classes, no fixtures
(those are in the conftest.py files)."""
