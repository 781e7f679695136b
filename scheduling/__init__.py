"""Durable due work: one table of what is due, swept by APScheduler-triggered sweeps."""
