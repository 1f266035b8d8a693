"""Structured logs: one JSON object per line, with the request's context on every line.

``RequestContextFilter`` copies the request id (``X-Request-ID``), the actor, the
client address, the door (console/api/admin/system) and the object the request
acts on from ``core.context`` onto each record; ``JsonFormatter`` writes the record
as JSON. Both are wired in settings.LOGGING (``LOG_FORMAT=json``, the production
default; ``LOG_FORMAT=plain`` for a terminal).

``MaskingFilter`` (S2) is installed on every handler too: it renders the record's
message (with its arguments) and masks it, so a careless
``logger.info("calling %s", customer.phone)`` logs ``+91•••••43210``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from orderdesk.core import context
from orderdesk.core.masking import mask_text
from orderdesk.core.middleware import client_ip, door, request_username

# Attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
}
CONTEXT_FIELDS = ("request_id", "actor", "ip", "via", "object")


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        values = {
            "request_id": context.current_request_id(),
            "actor": context.actor_label(),
            "ip": context.current_ip(),
            "via": context.current_via(),
            "object": context.current_object(),
        }
        # Django logs a request's 4xx/5xx line (django.request) after the middleware has
        # left; the record carries the request, so its id, actor and object still come along.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "request_id"):
            values.update(
                request_id=request.request_id,
                actor=request_username(request),
                ip=client_ip(request),
                via=door(request.path),
                object=getattr(request, "log_object", None),
            )
        for name, value in values.items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            line[name] = getattr(record, name, None)
        for name, value in vars(record).items():
            if name in ("request", "status_code") or name.startswith("_"):
                continue
            if name not in _STANDARD and name not in line:
                line[name] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let the handler report it as usual
            return True
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True
