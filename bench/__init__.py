"""Benchmarks: each prints its figures beside the target or baseline they are judged by."""
