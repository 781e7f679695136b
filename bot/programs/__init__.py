"""Programs: created by admins and managers, their settings, and the managers' digest channel."""
