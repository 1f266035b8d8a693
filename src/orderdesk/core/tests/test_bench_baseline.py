"""The P2 baseline view (issue 17) exists only when a bench run asks for it."""

from django.conf import settings
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from orderdesk.config.urls import bench_hello, bench_urlpatterns


def test_the_bench_hello_view_is_not_served_unless_enabled(client):
    assert settings.BENCH_HELLO_VIEW is False
    assert bench_urlpatterns(False) == []
    try:
        resolve("/bench/hello")
    except Resolver404:
        pass
    else:  # pragma: no cover - the failure branch
        raise AssertionError("/bench/hello is routed with BENCH_HELLO_VIEW off")


def test_the_bench_hello_view_returns_hello_when_enabled():
    patterns = bench_urlpatterns(True)
    assert [str(p.pattern) for p in patterns] == ["bench/hello"]
    response = bench_hello(RequestFactory().get("/bench/hello"))
    assert response.status_code == 200
    assert response.content == b"hello"
    assert response["Content-Type"] == "text/plain"
