"""A workspace leaving or coming back: tokens forgotten, its scheduled work stopped."""
