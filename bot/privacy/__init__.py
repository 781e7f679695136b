"""Data protection: a person's export of everything kept about them (`/mentor my-data`)."""
