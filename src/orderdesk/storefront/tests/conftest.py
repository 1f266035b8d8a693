import pytest
from django.core.cache import caches


@pytest.fixture(autouse=True)
def _no_fill_time_and_fresh_limits(settings):
    """Pages are filled by the test client at once: the bot's minimum fill time is off
    unless a test sets it; rate-limit counters start empty."""
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "STOREFRONT": {**settings.ORDERDESK["STOREFRONT"], "MIN_FILL_SECONDS": 0},
    }
    caches["shared"].clear()
    yield
    caches["shared"].clear()


@pytest.fixture
def sent_code(monkeypatch):
    """Captures the codes request_phone_code makes (the outbox holds them only in the SMS)."""
    from orderdesk.customers import phone_codes as rules

    codes: list[str] = []
    real = rules.new_code

    def capture():
        code = real()
        codes.append(code)
        return code

    monkeypatch.setattr(rules, "new_code", capture)
    return codes
