"""Signals: what the activity log says about a pair (who takes the initiative, who chases), each
relationship's health, the managers' alerts, and the mentor's follow-up."""
