"""Infrastructure beneath every other package: the clock, settings, the database engine, working
hours and their windows, the Slack Web API clients, Slack's text both ways, logs, metrics and the
dependencies a process builds once. It imports nothing of the app."""
