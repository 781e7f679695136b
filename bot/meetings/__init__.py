"""Meetings of a pair: booking, moving, cancelling, calendar files, and the GROW agenda."""
