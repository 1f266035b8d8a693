import datetime as dt

from ninja import Router, Schema
from pydantic import Field

from orderdesk.accounts.actions import issue_token
from orderdesk.api.schemas import INPUT_ERRORS, InputSchema, Problem

router = Router(tags=["auth"])


class TokenRequest(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    label: str = Field(
        default="", max_length=100, description="what the token is for, e.g. 'dialer'"
    )


class TokenOut(Schema):
    token: str
    expires_at: dt.datetime
    role: str


@router.post(
    "/auth/token",
    response={200: TokenOut, 401: Problem, **INPUT_ERRORS},
    auth=None,
    summary="Exchange a username and password for a bearer token",
)
def create_token(request, payload: TokenRequest):
    raw, token = issue_token(
        username=payload.username, password=payload.password, label=payload.label
    )
    return {"token": raw, "expires_at": token.expires_at, "role": token.user.role}
