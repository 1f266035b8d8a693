"""Console pages for outbound webhooks (admins: ``Perm.WEBHOOKS_MANAGE``).

Views are thin: parse, check the role, call one action, render.
"""

from __future__ import annotations

from django.contrib import messages as flash
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from orderdesk.accounts.permissions import Perm, requires
from orderdesk.core.errors import DomainError
from orderdesk.webhooks import actions, selectors
from orderdesk.webhooks.forms import EndpointForm
from orderdesk.webhooks.models import Delivery, Endpoint


@require_http_methods(["GET", "POST"])
@requires(Perm.WEBHOOKS_MANAGE)
def endpoints(request):
    form = EndpointForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = actions.register_endpoint(
                actor=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                allow_personal_data=form.cleaned_data["allow_personal_data"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status
        else:
            flash.success(request, f"Endpoint {endpoint.name} registered.")
            return redirect("outbound:endpoint", endpoint.pk)
    elif request.method == "POST":
        status = 422
    return TemplateResponse(
        request,
        "console/webhooks/endpoints.html",
        {"endpoints": selectors.endpoints(), "form": form},
        status=status,
    )


@requires(Perm.WEBHOOKS_MANAGE)
def endpoint(request, endpoint_id: int):
    found = get_object_or_404(Endpoint.objects.select_related("owner"), pk=endpoint_id)
    return TemplateResponse(
        request,
        "console/webhooks/endpoint.html",
        {"endpoint": found, "deliveries": selectors.recent_deliveries(found)},
    )


@require_POST
@requires(Perm.WEBHOOKS_MANAGE)
def resume(request, endpoint_id: int):
    found = get_object_or_404(Endpoint, pk=endpoint_id)
    try:
        actions.resume_endpoint(actor=request.user, endpoint=found)
    except DomainError as exc:
        flash.error(request, exc.message)
    else:
        flash.success(request, f"Endpoint {found.name} resumed; its waiting events go now.")
    return redirect("outbound:endpoint", found.pk)


@require_POST
@requires(Perm.WEBHOOKS_MANAGE)
def rotate_secret(request, endpoint_id: int):
    found = get_object_or_404(Endpoint, pk=endpoint_id)
    actions.rotate_secret(actor=request.user, endpoint=found)
    flash.success(request, "A new signing secret is in force; give it to the receiver.")
    return redirect("outbound:endpoint", found.pk)


@require_POST
@requires(Perm.WEBHOOKS_MANAGE)
def replay(request, delivery_id: int):
    delivery = get_object_or_404(Delivery, pk=delivery_id)
    try:
        actions.replay_delivery(actor=request.user, delivery=delivery)
    except DomainError as exc:
        flash.error(request, f"Delivery #{delivery.pk}: {exc.message}")
    else:
        flash.success(request, f"Event {delivery.event_id} is queued again.")
    return redirect("outbound:endpoint", delivery.endpoint_id)
