from ninja import Router, Schema

from orderdesk.accounts.permissions import permissions_of
from orderdesk.api.schemas import AUTH_ERRORS

router = Router(tags=["auth"])


class MeOut(Schema):
    username: str
    role: str
    permissions: list[str]


@router.get(
    "/me",
    response={200: MeOut, **AUTH_ERRORS},
    summary="Who the token belongs to and what it may do",
)
def me(request):
    user = request.auth
    return {
        "username": user.username,
        "role": user.role,
        "permissions": sorted(p.value for p in permissions_of(user)),
    }
