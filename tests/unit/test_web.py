import json
from urllib.parse import urlencode

from mentorbot.gate import inspect


def request_kind(body: bytes, content_type: str) -> str:
    return inspect(body, content_type)[0]


FORM = "application/x-www-form-urlencoded"


def test_request_kinds() -> None:
    assert request_kind(urlencode({"command": "/mentor"}).encode(), FORM) == "command"
    payload = json.dumps({"type": "view_submission"})
    assert request_kind(urlencode({"payload": payload}).encode(), FORM) == "view_submission"
    event = json.dumps({"type": "event_callback", "event": {"type": "app_home_opened"}})
    assert request_kind(event.encode(), "application/json") == "event:app_home_opened"
    assert request_kind(b"{not json", "application/json") == "malformed"
    assert request_kind(urlencode({"payload": "{"}).encode(), FORM) == "malformed"
    assert request_kind(b"", FORM) == "unknown"
