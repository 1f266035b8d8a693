"""P1 (issue 17): how many SQL statements one ``POST /api/v1/orders`` sends."""

import os

from django.db import connection
from django.test.utils import CaptureQueriesContext

JSON = "application/json"


def test_print_statements(api, cast, catalog, api_order_body):
    client = api(cast["app"])
    warm = api_order_body(customer={"name": "Warm Up", "phone": "98765 43000"})
    assert client.post("/api/v1/orders", warm, content_type=JSON, headers={"Idempotency-Key": "w-1"}).status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        r = client.post("/api/v1/orders", api_order_body(), content_type=JSON, headers={"Idempotency-Key": "k-1"})
    assert r.status_code == 201, r.json()
    with open(os.environ.get("STMT_OUT", "/tmp/whot/stmts.txt"), "w") as f:
        for i, q in enumerate(ctx.captured_queries):
            f.write(f"{i+1:3d} {q['sql'][:300]}\n")
    print(len(ctx.captured_queries))
