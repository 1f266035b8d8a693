"""Bearer-token authentication for /api/v1 (SPEC §11)."""

from __future__ import annotations

from ninja.security import HttpBearer

from orderdesk.accounts.actions import live_token
from orderdesk.accounts.permissions import Perm, require
from orderdesk.core.context import set_request_context
from orderdesk.core.middleware import client_ip


class BearerAuth(HttpBearer):
    openapi_description = (
        "A token from POST /api/v1/auth/token, sent as `Authorization: Bearer <token>`."
    )

    def authenticate(self, request, token):
        api_token = live_token(token)
        if api_token is None:
            return None
        user = api_token.user
        request.user = user
        request.api_token = api_token  # DELETE /auth/token revokes this one
        # The audit trail names the token's user; the middleware resets this after the response.
        set_request_context(user, client_ip(request), "api")
        return user


bearer = BearerAuth()


def acting_user(request, perm: Perm):
    """The authenticated API user, refused (403) unless the role holds ``perm``."""
    require(request.auth, perm)
    return request.auth
