import pytest

from orderdesk.testing.factories import agent_order_request
from orderdesk.webhooks.models import Endpoint
from orderdesk.webhooks.receiver import Receiver


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.release()
    r.stop()


@pytest.fixture
def webhooks_conf(settings):
    """Local receivers allowed; retries due at once; 3 tries; a short timeout."""

    def configure(**overrides):
        values = {
            "ALLOW_PRIVATE_URLS": True,
            "TIMEOUT_SECONDS": 2,
            "MAX_ATTEMPTS": 3,
            "RETRY_BASE_SECONDS": 0,
            "RETRY_MAX_SECONDS": 0,
            "PAUSE_AFTER_FAILURES": 100,
            "LEASE_SECONDS": 60,
            "BATCH_SIZE": 50,
            **overrides,
        }
        settings.ORDERDESK = {**settings.ORDERDESK, "WEBHOOKS": values}
        settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        return values

    configure()
    return configure


@pytest.fixture
def endpoint(cast, receiver, webhooks_conf):
    """endpoint(**fields) -> an endpoint at the local receiver, whose secret it knows."""

    def make(target=None, **fields):
        target = target or receiver
        fields.setdefault("events", ["order.created", "order.status_changed", "order.cancelled"])
        found = Endpoint.objects.create(
            name=fields.pop("name", "Integrator"),
            url=target.url,
            owner=fields.pop("owner", cast["admin"]),
            **fields,
        )
        target.secret = found.secret
        return found

    return make


@pytest.fixture
def place_order(cast, catalog):
    """place_order(phone) -> a committed agent order (its own customer by phone)."""
    from orderdesk.orders.actions import create_order

    counter = iter(range(10, 99))
    # Room for every order a test places (the catalog's slots hold 2 and 1).
    type(catalog["morning"]).objects.filter(pk=catalog["morning"].pk).update(capacity=500)

    def make(phone=None, **changes):
        phone = phone or f"98765 432{next(counter):02d}"
        request = agent_order_request(catalog, customer_phone=phone, **changes)
        return create_order(request, actor=cast["sales"], channel="agent")

    return make
