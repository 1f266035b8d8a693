from orderdesk.accounts.permissions import permissions_of


def console(request):
    user = getattr(request, "user", None)
    return {"perms_of_user": {p.value for p in permissions_of(user)}}
