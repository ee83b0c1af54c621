"""Query codes (?code=) and searches (?q=) never reach the access log: gunicorn's and Django's own."""

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from gunicorn.config import Config

from bianmin.core.accesslog import RedactingLogger, redact

SECRET_URI = "/track/FM-20260302-0001/?code=482913&lang=zh"


class _Response:
    status = "200 OK"
    headers = [("Content-Type", "text/html")]
    sent = 1234


def _access_line(uri: str, referer: str) -> str:
    logger = RedactingLogger(Config())
    path, _, query = uri.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": uri, "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": path,
        "QUERY_STRING": query, "HTTP_REFERER": referer, "REMOTE_ADDR": "10.0.0.1",
    }  # fmt: skip
    atoms = logger.atoms(_Response(), [("REFERER", referer)], environ, dt.timedelta(seconds=0))
    fmt = logger.cfg.access_log_format + " %(q)s %({referer}i)s %({query_string}e)s"
    return fmt % logger.atoms_wrapper_class(atoms)


def test_the_gunicorn_access_line_hides_codes_and_searches():
    line = _access_line(SECRET_URI, "https://bianmin.example/catalog/?q=%E4%BD%8E%E4%BF%9D&page=2")
    assert "482913" not in line and "%E4%BD%8E" not in line
    assert "/track/FM-20260302-0001/?code=" in line and "lang=zh" in line and "page=2" in line


def test_redact_keeps_everything_but_the_secret_values():
    assert (
        redact("GET /cases/?q=张秀兰&state=accepted HTTP/1.1") == "GET /cases/?q=***&state=accepted HTTP/1.1"
    )
    assert redact("/track/X/?lang=zh&code=1&Code=2") == "/track/X/?lang=zh&code=***&Code=***"
    assert redact("/items/?quality=good") == "/items/?quality=good"


def test_serve_script_uses_the_redacting_logger():
    script = (Path(settings.BASE_DIR) / "scripts" / "serve.sh").read_text()
    assert "--logger-class bianmin.core.accesslog.RedactingLogger" in script


def test_djangos_request_line_logger_redacts_too():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET {SECRET_URI} HTTP/1.1", "200", "12"),
        None,
    )
    for f in logging.getLogger("django.server").filters:
        f.filter(record)
    assert "482913" not in record.getMessage()
