"""A database cache whose ``incr`` is atomic, for counters shared by every worker process.

The storefront's rate limits (django-ratelimit) count attempts in a cache that all
gunicorn workers and hosts must share; the local-memory cache counts per process, so
N workers would allow N times the limit. Django's ``DatabaseCache`` is shared but its
``incr`` is a get and a set: two requests at once could both read 3 and both write 4.
Here ``incr`` runs in one transaction that holds the row: ``SELECT … FOR UPDATE`` on
PostgreSQL; on SQLite the ``IMMEDIATE`` transaction mode (config/settings.py) takes the
write lock at ``BEGIN``, so increments are serialised there too.

The table is made by ``storefront``'s migration (``createcachetable``). A deployment
with Redis or memcached may point ``ORDERDESK_SHARED_CACHE_BACKEND`` at it instead.
"""

from __future__ import annotations

from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction


class AtomicDatabaseCache(DatabaseCache):
    def incr(self, key, delta=1, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        cache_key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=db):
            if connection.features.has_select_for_update:
                table = connection.ops.quote_name(self._table)
                with connection.cursor() as cursor:
                    cursor.execute(
                        # The table name is quoted by the backend and comes from settings.
                        f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",  # noqa: S608
                        [cache_key],
                    )
            value = self.get(key, version=version)
            if value is None:
                raise ValueError(f"Key '{key}' not found")
            value += delta
            # Keeps the cache's TIMEOUT (a day): longer than any rate-limit window, whose
            # keys name the window anyway.
            self.set(key, value, version=version)
        return value
