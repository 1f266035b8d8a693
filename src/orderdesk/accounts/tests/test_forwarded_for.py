"""Issue 21 finding 1: the client's address is the right-most X-Forwarded-For hop the
deployment trusts, and a per-username delay holds whatever addresses an attacker spreads
guesses over."""

from __future__ import annotations

import time_machine
from django.test import Client, RequestFactory, override_settings

from orderdesk.accounts.models import ApiToken
from orderdesk.core.middleware import client_ip
from orderdesk.core.models import AuditEvent
from orderdesk.testing.factories import PASSWORD

WRONG = "not-the-password"
PROXY = "10.0.0.2"  # nginx, as gunicorn sees it
FROZEN = "2026-03-02 06:00:00+00:00"


def _token(username, password, *, forwarded, remote=PROXY):
    return Client(REMOTE_ADDR=remote).post(
        "/api/v1/auth/token",
        data={"username": username, "password": password},
        content_type="application/json",
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def _request(forwarded=None, remote=PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@override_settings(ORDERDESK_TRUSTED_PROXIES=0)
def test_s3_without_trusted_proxies_the_forwarded_header_is_ignored():
    assert client_ip(_request("1.2.3.4")) == PROXY


@override_settings(
    ORDERDESK_TRUSTED_PROXIES=1, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
def test_s3_one_trusted_proxy_takes_the_hop_it_appended_not_the_forged_first_one():
    assert client_ip(_request("6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request()) == PROXY  # not through the proxy at all
    assert client_ip(_request("6.6.6.6, not-an-address")) == PROXY


@override_settings(ORDERDESK_TRUSTED_PROXIES=2)
def test_s3_two_trusted_proxies_take_the_second_hop_from_the_right():
    assert client_ip(_request("6.6.6.6, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"
    assert client_ip(_request("10.0.0.1")) == PROXY  # fewer hops than proxies


@override_settings(
    ORDERDESK_TRUSTED_PROXIES=1, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")
)
@time_machine.travel(FROZEN, tick=False)
def test_s3_forged_first_hops_do_not_dodge_the_lock_out_and_audit_records_the_real_address(cast):
    """30 wrong passwords, each with a different forged first hop behind nginx."""
    statuses = [
        _token("om", WRONG, forwarded=f"172.16.{i}.1, 203.0.113.9").status_code for i in range(30)
    ]
    assert statuses[:4] == [401] * 4
    assert set(statuses[4:]) == {429}
    right = _token("om", PASSWORD, forwarded="172.16.99.1, 203.0.113.9")
    assert right.status_code == 429
    assert not ApiToken.objects.filter(user=cast["ops"]).exists()
    lock_events = AuditEvent.objects.filter(action="user.locked_out")
    assert {e.ip for e in lock_events} == {"203.0.113.9"}

    # Another, honest address gets its token, audited with that address, not a forged hop.
    ok = _token("om", PASSWORD, forwarded="1.1.1.1, 198.51.100.20")
    assert ok.status_code == 200
    assert AuditEvent.objects.get(action="token.issue").ip == "198.51.100.20"


@override_settings(
    ORDERDESK_TRUSTED_PROXIES=1,
    LOGIN_USERNAME_FREE_FAILURES=10,
    LOGIN_USERNAME_MAX_DELAY_SECONDS=60,
)
def test_s3_guesses_spread_over_many_addresses_meet_a_growing_delay_not_a_lock(cast):
    with time_machine.travel(FROZEN, tick=False) as clock:
        # Ten failures from ten real addresses: under axes' per-pair limit, all plain 401.
        for i in range(10):
            assert _token("om", WRONG, forwarded=f"198.51.100.{i}").status_code == 401
        # The eleventh waits a second from the last failure, from any address.
        delayed = _token("om", PASSWORD, forwarded="198.51.100.50")
        assert delayed.status_code == 429
        assert delayed.json()["code"] == "too_many_attempts"
        assert delayed["Retry-After"] == "1"
        assert not ApiToken.objects.exists()
        # A refused attempt does not lengthen the delay.
        for _ in range(5):
            assert _token("om", WRONG, forwarded="198.51.100.51").status_code == 429
        clock.shift(1)
        assert _token("om", WRONG, forwarded="198.51.100.52").status_code == 401  # 11th failure
        assert _token("om", WRONG, forwarded="198.51.100.53")["Retry-After"] == "2"
        clock.shift(2)
        assert _token("om", WRONG, forwarded="198.51.100.54").status_code == 401  # 12th
        assert _token("om", WRONG, forwarded="198.51.100.55")["Retry-After"] == "4"
        # Never longer than the cap: after it, the owner signs in from her own desk.
        clock.shift(60)
        ok = _token("om", PASSWORD, forwarded="198.51.100.60")
        assert ok.status_code == 200
        # And the success clears the count.
        assert _token("om", WRONG, forwarded="198.51.100.61").status_code == 401
