"""Queries, one module per aggregate. Every function takes the session keyword-only and is
scoped by Slack team id: nothing here can read across workspaces."""
