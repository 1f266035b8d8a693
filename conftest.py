"""The fixed cast (one user per role, plus an outsider refused everything) and shared fixtures."""

import importlib

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from orderdesk.accounts.choices import Role
from orderdesk.core.errors import DomainError
from orderdesk.core.problem_codes import PROBLEM_CODES
from orderdesk.testing.factories import PASSWORD, make_catalog, make_user

# No timed checks in tests (speed belongs in bench/): on a loaded CI machine Hypothesis's
# deadline and "input generation is slow" health check fail tests that are right.
hypothesis_settings.register_profile(
    "orderdesk", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("orderdesk")

# Every DomainError raised while a test runs is checked against the registry of problem codes
# (core/problem_codes.py): a code built at run time (from a rule table, a variable) that was
# never registered fails the test that raised it (issue 14, item 6).
_codes_raised: list[str] = []
_domain_error_init = DomainError.__init__


def _recording_init(self, *args, **kwargs):
    _domain_error_init(self, *args, **kwargs)
    _codes_raised.append(self.code)
    _codes_raised.extend(error.code for error in self.errors)


DomainError.__init__ = _recording_init


@pytest.fixture(autouse=True)
def _problem_codes_are_registered():
    _codes_raised.clear()
    yield
    unknown = sorted({code for code in _codes_raised if code not in PROBLEM_CODES})
    _codes_raised.clear()
    if unknown:
        pytest.fail(
            f"problem code(s) raised but not registered in core/problem_codes.py: {unknown}"
        )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; a fast hasher keeps the suite quick (production uses PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_SERIALIZED_REFERENCE_DATA: dict[str, str] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Keep the serialized reference data where every thread can reach it.

    Django keeps it on the connection object, which is per thread — and per
    event-loop context: Playwright's sync API runs a loop in the test thread, so
    browser tests get a fresh connection object; ``give_connection_reference_data``
    hands it the same contents.
    """
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        _SERIALIZED_REFERENCE_DATA["default"] = contents
    yield


def give_connection_reference_data() -> None:
    """Let Django's serialized rollback work on this context's connection object too."""
    from django.db import connection

    if _SERIALIZED_REFERENCE_DATA and not hasattr(connection, "_test_serialized_contents"):
        connection._test_serialized_contents = _SERIALIZED_REFERENCE_DATA["default"]


def _is_transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


# xdist hands out whole files (``--dist loadfile``) in collection order, and collection puts
# the browser tests last: a long file picked up at the end kept one worker busy for minutes
# while the other sat idle. The longest files go first, so the short ones fill in at the end
# (issue 14). Prefixes of test node ids, longest first; the rest keep their order.
LONG_FILES_FIRST = (
    "tests/browser/test_accessibility.py",
    "src/orderdesk/accounts/tests/test_access_matrix.py",
    "tests/hostile_input/test_console_hostile_input.py",
    "tests/browser/",
    "src/orderdesk/core/tests/test_periodic_jobs.py",
    "src/orderdesk/orders/tests/test_lifecycle_statemachine.py",
    "src/orderdesk/seed/tests/",
    "src/orderdesk/kpis/tests/",
)


def _run_rank(item) -> int:
    return next(
        (rank for rank, prefix in enumerate(LONG_FILES_FIRST) if item.nodeid.startswith(prefix)),
        len(LONG_FILES_FIRST),
    )


def pytest_collection_modifyitems(config, items):
    """Transactional tests flush every table afterwards, reference data from data
    migrations included (message kinds, dispositions, the contact policy). Serialized
    rollback restores it, so no test depends on which ran before it. The longest files are
    put first (``LONG_FILES_FIRST``; a stable sort, so each file's tests keep their order)."""
    items.sort(key=_run_rank)
    for item in items:
        if not _is_transactional(item):
            continue
        marker = item.get_closest_marker("django_db")
        if marker is not None:
            kwargs = {**marker.kwargs, "transaction": True, "serialized_rollback": True}
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
        elif "django_db_serialized_rollback" not in item.fixturenames:
            item.fixturenames.append("django_db_serialized_rollback")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put the reference data back after a transactional test's flush.

    Django's serialized rollback restores it at the start of the next
    *transactional* test only; a plain ``db`` test scheduled after one (xdist
    hands out whole files, so Django's "transactional tests last" order does
    not hold) would find no message kinds, dispositions or policies. This runs
    after every fixture of the test, the flush included.
    """
    yield
    if nextitem is None or not _SERIALIZED_REFERENCE_DATA or not _is_transactional(item):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        connection.creation.deserialize_db_from_string(_SERIALIZED_REFERENCE_DATA["default"])


@pytest.fixture(autouse=True)
def _sqlite_flush_of_append_only_audit_trail(request):
    """Let a transactional test's flush empty the audit trail on SQLite.

    The append-only triggers (core migration 0002) refuse DELETE on audit events.
    PostgreSQL flushes with TRUNCATE, which row triggers do not see; SQLite
    flushes with DELETE, so we lift the trigger just long enough to empty the
    table, then put it back. Set up after ``transactional_db`` so it tears down
    before the flush.
    """
    if not _is_transactional(request.node):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    migration = importlib.import_module("orderdesk.core.migrations.0002_auditevent_append_only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_delete")
        cursor.execute("DELETE FROM core_auditevent")
        for statement in migration.SQLITE:
            cursor.execute(statement)


@pytest.fixture
def cast(db):
    """sales (Sita), sales2 (Sameer), cx (Chitra), ops (Om), supervisor (Suman), admin (Anil),
    app client, vendor client, and an inactive outsider."""
    from orderdesk.catalog.models import City, Vendor

    city, _ = City.objects.get_or_create(name="Cast City", defaults={"state": "Karnataka"})
    vendor = Vendor.objects.create(name="Cast Vendor", phone="+919811111111", city=city)
    return {
        "sales": make_user(Role.SALES, "sita"),
        "sales2": make_user(Role.SALES, "sameer"),
        "cx": make_user(Role.CX, "chitra"),
        "ops": make_user(Role.OPS, "om"),
        "supervisor": make_user(Role.SUPERVISOR, "suman"),
        "admin": make_user(Role.ADMIN, "anil"),
        "app": make_user(Role.APP, "customer-app"),
        "vendor": make_user(Role.VENDOR, "vendor-client", vendor=vendor),
        "outsider": make_user(Role.SALES, "olga", is_active=False),
    }


@pytest.fixture
def catalog(db):
    return make_catalog()


@pytest.fixture
def api_token(db):
    """api_token(user) -> a bearer token issued through the real endpoint."""

    def issue(user):
        response = Client().post(
            "/api/v1/auth/token",
            data={"username": user.username, "password": PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        return response.json()["token"]

    return issue


@pytest.fixture
def api(api_token):
    """api(user) -> a test client that sends that user's bearer token."""

    def client_for(user=None):
        if user is None:
            return Client()
        return Client(headers={"Authorization": f"Bearer {api_token(user)}"})

    return client_for


@pytest.fixture(autouse=True)
def _relaxed_throttles(settings):
    """The access matrix and schemathesis knock on the public doors many times from one
    address; the throttles' own tests (core/tests/test_throttles.py) set real limits."""
    settings.ORDERDESK = {
        **settings.ORDERDESK,
        "THROTTLES": dict.fromkeys(settings.ORDERDESK["THROTTLES"], "100000/m"),
    }
