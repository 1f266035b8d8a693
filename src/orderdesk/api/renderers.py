"""Fast JSON for the API's answers (issue 17, P2): ``orjson``, with the same text for every
value as ninja's ``NinjaJSONEncoder`` (Django's: datetimes to the millisecond with ``Z``,
decimals and UUIDs as strings, lazy strings, pydantic models). Whitespace differs (compact)
and non-ASCII characters are written as UTF-8 instead of ``\\u`` escapes: the same JSON
values. Problem+json errors are built by api/errors.py and core/errors.py, not here."""

from __future__ import annotations

from typing import Any

import orjson
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_encoder = NinjaJSONEncoder()
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data: Any, *, response_status: int) -> bytes:
        return orjson.dumps(data, default=_encoder.default, option=OPTIONS)
