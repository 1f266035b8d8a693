"""Issue 17 (P2): the orjson renderer writes the same JSON values as ninja's encoder, and an
API call with a bearer token on the fast path answers with the same headers as before."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

from ninja.responses import NinjaJSONEncoder

from orderdesk.api.renderers import OrjsonRenderer


def test_orjson_renderer_writes_ninjas_values():
    data = {
        "at": dt.datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=dt.UTC),
        "at_whole": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        "at_ist": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=5.5))),
        "day": dt.date(2026, 1, 2),
        "window": dt.time(10, 30),
        "price": decimal.Decimal("12500.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "none": None,
        "list": [1, 2.5, "₹ 1,200", True],
        7: "int key",
    }
    rendered = OrjsonRenderer().render(None, data, response_status=200)
    assert json.loads(rendered) == json.loads(json.dumps(data, cls=NinjaJSONEncoder))


def test_bearer_read_keeps_its_headers_and_skips_the_session(client, cast, api_token):
    raw = api_token(cast["cx"])
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    for header in (
        "X-Request-ID",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
    ):
        assert header in response, header
    assert "sessionid" not in response.cookies
    assert not hasattr(response.wsgi_request, "session")
