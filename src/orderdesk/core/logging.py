"""S2: no phone number, UPI ID or account number reaches a log line in full.

``MaskingFilter`` is installed on every handler in ``settings.LOGGING``; it
renders the record's message (with its arguments) and masks it, so a careless
``logger.info("calling %s", customer.phone)`` logs ``+91•••••43210``.
"""

from __future__ import annotations

import logging

from orderdesk.core.masking import mask_text


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
