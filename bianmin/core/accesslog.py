"""Access logs without secrets: the tracking query code (?code=) and searches (?q=, names and ID numbers
typed into a search box) are replaced by *** in gunicorn's access log and in Django's request-line log.

gunicorn: `--logger-class bianmin.core.accesslog.RedactingLogger` (scripts/serve.sh).
"""

import logging
import re

from gunicorn.glogging import Logger

SECRET_PARAMETERS = ("code", "q")
_SECRET = re.compile(r"([?&;](?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&;#\s\"']*", re.IGNORECASE)


def redact(text: str) -> str:
    """`text` (a URL, a query string, a request line) with the values of the secret parameters replaced."""
    if not isinstance(text, str):
        return text
    if "=" not in text:
        return text
    # A bare query string ("code=1&x=2") has no leading "?": give it one for the pattern, then drop it.
    if "?" not in text:
        return _SECRET.sub(r"\1***", "?" + text)[1:]
    return _SECRET.sub(r"\1***", text)


class RedactingLogger(Logger):
    """gunicorn's logger with every access-log atom (request line, query, referer, headers, environ) redacted."""

    def atoms(self, resp, req, environ, request_time):
        return {key: redact(value) for key, value in super().atoms(resp, req, environ, request_time).items()}


class RedactQueryFilter(logging.Filter):
    """For Django's own request-line log (django.server, `runserver`): redact the record's arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) for a in record.args)
        return True
