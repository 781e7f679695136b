"""The audit trail: every manager or admin action that reads or changes someone else's data
(an export, a match approval, an alert handled, a program changed, an erasure, a dashboard
sign-in), and each person's export of their own, recorded with who, what, when and where.
Entries hold ids, counts and field names, never the private text itself."""
