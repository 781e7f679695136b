"""Every listener is registered through :func:`guarded`.

Bolt runs a listener's work after ``ack()`` in the same task. If that work raises before its
next ``await``, Bolt's runner overwrites the acknowledgement it was about to send (Slack then
sees a timeout). So once a request is acknowledged, the guard reports the failure to the user
itself and keeps it away from Bolt. Failures before the acknowledgement still go to the app's
error handler, which answers inside the acknowledgement (field errors, an ephemeral note).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from handlers.errors import report_after_ack

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


def guarded(listener: F) -> F:
    """Wrap a listener that takes ``body`` and ``context`` (Bolt injects by name, looking
    through the wrapper to the listener's own signature)."""

    @functools.wraps(listener)
    async def wrapper(**kwargs: Any) -> Any:
        context = kwargs["context"]
        try:
            return await listener(**kwargs)
        except Exception as error:
            ack = context.get("ack")
            if ack is not None and ack.response is None:
                raise  # not acknowledged yet: the error handler answers in the ack
            await report_after_ack(error, kwargs["body"], context)
            return None

    return wrapper  # type: ignore[return-value]
