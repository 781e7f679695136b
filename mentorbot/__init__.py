"""Mentorbot's wiring: the app factory, the HTTP surface, the runtime, the command line and
the demo. It imports everything else; nothing imports it."""
