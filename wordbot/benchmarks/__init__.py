"""Benchmarks of SPEC §9, each runnable as `python -m wordbot.benchmarks.<name>`; JSON out."""
