"""Matching: the engine that proposes who should mentor whom (and why), and the managers' review
of its proposals."""
