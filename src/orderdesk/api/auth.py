"""Bearer-token authentication for /api/v1 (SPEC §11)."""

from __future__ import annotations

from ninja.security import HttpBearer

from orderdesk.accounts.actions import user_for_token
from orderdesk.accounts.permissions import Perm, require
from orderdesk.core.context import set_request_context
from orderdesk.core.middleware import client_ip


class BearerAuth(HttpBearer):
    openapi_description = (
        "A token from POST /api/v1/auth/token, sent as `Authorization: Bearer <token>`."
    )

    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        # The audit trail names the token's user; the middleware resets this after the response.
        set_request_context(user, client_ip(request), "api")
        return user


bearer = BearerAuth()


def acting_user(request, perm: Perm):
    """The authenticated API user, refused (403) unless the role holds ``perm``."""
    require(request.auth, perm)
    return request.auth
