"""Benchmarks: a generated Vietnamese newsroom corpus and a harness against stock Pelican."""
