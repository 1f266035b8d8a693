import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """``orderdesk seed`` run once for the module, inside a transaction rolled back at its end;
    each test's ``db`` savepoint nests inside it, so what a test changes is undone after it."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo(demo_world, db):
    """The seeded demo world, for one test (its changes rolled back after it)."""
