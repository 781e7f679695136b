"""Data protection: a person's export of everything kept about them (`/mentor my-data`),
erasing a person (on request, by an admin, or after they left the workspace), purging a
workspace that uninstalled, and what the daily retention keeps."""
