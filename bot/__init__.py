"""The domain: one package per part of a mentoring program, each with its services (plain async
functions over a session and a clock), its Block Kit builders (``views``) and its scheduled work
(``jobs``, registered with the scheduler). Modules at this level are the vocabulary every domain
shares: ids, errors, who may touch what (``access``), the activity log, the DM prompts replies
answer, and the small builders every message and form is made of."""

__version__ = "0.1.0"
