"""`mentorbot demo`: the product story, with simulated colleagues and a fake Slack.

It runs the real app (Bolt, Starlette, the services, the scheduler) on a fresh temporary
SQLite database, sends correctly signed requests as Slack would, and prints what each person
sees in Slack. No tokens are needed: the Web API is the project's own fake (the ``fakeslack``
package, shipped with the app), so the demo runs wherever Mentorbot is installed: ``make demo``
in a checkout, ``mentorbot demo`` from pip, or ``docker run … mentorbot demo``.

The package: ``cast.py`` (who is in the story), ``harness.py`` (the database, the fake
Slack, the app and its clock), ``stage.py`` (what people do, and the sweeps as time passes),
``narrator.py`` (what each person sees, on the console and as Markdown) and ``story.py``
(the chapters).
"""

from mentorbot.demo.harness import run_demo

__all__ = ["run_demo"]
