"""The hostile-input run (S5) is slow: it runs only with ORDERDESK_SCHEMATHESIS=1
(``make test-schemathesis``), never in the ordinary suite."""

import os

import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "schemathesis: the schemathesis run against /api/v1 (make test-schemathesis)"
    )


def pytest_collection_modifyitems(config, items):
    if os.environ.get("ORDERDESK_SCHEMATHESIS"):
        return
    skip = pytest.mark.skip(reason="set ORDERDESK_SCHEMATHESIS=1 (make test-schemathesis)")
    for item in items:
        if item.get_closest_marker("schemathesis"):
            item.add_marker(skip)
