import io
import json
import logging

from infra.logs import REQUEST_ID, JsonFormatter, Redactor


def _logger(secret: str) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redactor((secret,)))
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(f"test.logs.{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_tokens_and_secrets_are_redacted_everywhere() -> None:
    secret = "s3cr3t-signing-value"
    logger, stream = _logger(secret)
    token = "xoxb-1234-5678-abcdef"
    REQUEST_ID.set("req42")
    try:
        raise RuntimeError(f"boom with {token}")
    except RuntimeError:
        logger.exception("failed calling with %s and %s", token, secret, extra={"tok": token})
    line = stream.getvalue()
    assert token not in line and secret not in line
    entry = json.loads(line)
    assert entry["request_id"] == "req42"
    assert "xoxb-[redacted]" in entry["msg"]
    assert "xoxb-[redacted]" in entry["exc"]
    assert entry["tok"] == "xoxb-[redacted]"
    assert entry["level"] == "error"
