"""The `/mentor` subcommands: what exists, who it is for, "did you mean", and `/mentor help`."""
