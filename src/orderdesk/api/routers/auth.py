import datetime as dt

from ninja import Router, Schema, Status
from pydantic import Field

from orderdesk.accounts.actions import issue_token, revoke_token
from orderdesk.api.auth import bearer
from orderdesk.api.schemas import INPUT_ERRORS, InputSchema, Problem

router = Router(tags=["auth"])


class TokenRequest(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    label: str = Field(
        default="", max_length=100, description="what the token is for, e.g. 'dialer'"
    )
    otp: str = Field(
        default="",
        max_length=12,
        description="the authenticator code, for roles that sign in with two factors",
    )


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime
    role: str


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: Problem, 403: Problem, 429: Problem, **INPUT_ERRORS},
    auth=None,
    summary="Exchange a username and password for a bearer token",
    description=(
        "401 `invalid_credentials` for a wrong username or password. After "
        "`LOGIN_FAILURE_LIMIT` (5) failures for one username from one address, that pair is "
        "locked out for `LOGIN_LOCKOUT_MINUTES` (15): 429 `too_many_attempts` with "
        "`Retry-After`, even with the right password. Roles that sign in with two factors "
        "send `otp` (401 `two_factor_required` / `two_factor_invalid`; 403 "
        "`two_factor_enrolment_required` until they enrol in the console)."
    ),
)
def create_token(request, payload: TokenRequest):
    raw, token = issue_token(
        username=payload.username,
        password=payload.password,
        label=payload.label,
        request=request,
        otp=payload.otp,
    )
    return {"token": raw, "expires_at": token.expires_at, "role": token.user.role}


@router.delete(
    "/auth/token",
    response={204: None, 401: Problem},
    auth=bearer,
    summary="Revoke the token this request is signed with",
    description=(
        "Signs the client out: the bearer token of this request stops working at once "
        "(audited as `token.revoke`). A user's other tokens are untouched; an admin revokes "
        "them all from the Django admin. A new password or a deactivation revokes them too."
    ),
)
def delete_token(request):
    revoke_token(request.api_token)
    return Status(204, None)
