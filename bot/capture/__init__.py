"""After a meeting: what was agreed (takeaways and actions), its confirmation by the other, and
the actions' due dates and reminders."""
