import pytest

from orderdesk.customers.actions import get_or_create_customer
from orderdesk.messaging.tests.gateway import Gateway


@pytest.fixture
def gateway():
    gw = Gateway().start()
    yield gw
    gw.stop()


@pytest.fixture
def messaging_conf(settings, gateway, tmp_path):
    """SMS and WhatsApp through the local HTTP gateway; retries due at once; 3 tries."""

    def configure(**overrides):
        values = {
            "SMS_PROVIDER": "http",
            "WHATSAPP_PROVIDER": "http",
            "EMAIL_PROVIDER": "email",
            "SMS_GATEWAY_URL": gateway.url,
            "SMS_GATEWAY_KEY": "test-key",
            "GATEWAY_TIMEOUT_SECONDS": 2,
            "FILE_PATH": str(tmp_path / "messages.jsonl"),
            "MAX_ATTEMPTS": 3,
            "RETRY_BASE_SECONDS": 0,
            "RETRY_MAX_SECONDS": 0,
            "LEASE_SECONDS": 60,
            "BATCH_SIZE": 50,
            "CALLING_HOURS": "00:00-23:59",
            **overrides,
        }
        settings.ORDERDESK = {**settings.ORDERDESK, "MESSAGING": values}
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        return values

    configure()
    return configure


@pytest.fixture
def customer(db):
    def make(phone="9876543210", name="Asha Rao", **prefs):
        c, _ = get_or_create_customer(name=name, phone=phone, **prefs)
        return c

    return make
