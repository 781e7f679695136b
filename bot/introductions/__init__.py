"""Introductions: the mentor accepts or declines a proposed pair, or the request expires; the
waiting list; self-serve requests."""
