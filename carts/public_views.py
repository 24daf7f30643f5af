"""The customer's pages, reached from a reminder e-mail without signing in: the recovery page
(its own cart only; the order confirmation keeps CSRF) and the one-click unsubscribe (RFC 8058:
mail clients POST to it without a token, so it is CSRF-exempt; a GET only asks)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from carts.forms import RecoveryForm
from carts.models import Cart
from carts.recovery import (
    cart_recover,
    recipient_for_token,
    recipient_unsubscribe,
    recovery_link_check,
    recovery_link_open,
)
from carts.reminder_email import customer_language

# A link that leads nowhere says so, with the status a script can read.
PROBLEM_STATUS = {"invalid": 404, "expired": 410, "closed": 200}


def _render_link(request, link, form=None, status=200):
    if link.cart is None:
        return render(
            request, "carts/public/link_problem.html", {"problem": link.problem}, status=404
        )
    with translation.override(customer_language(link.cart, link.cart.store)):
        if link.problem:
            cart = link.cart
            # Only the order this very link placed is named; nothing else of the cart is shown.
            recovered = cart.ordered_via == Cart.OrderedVia.LINK and cart.order_id is not None
            context = {
                "problem": link.problem,
                "store": cart.store,
                "order": cart.order if recovered and link.problem == "closed" else None,
            }
            return render(
                request,
                "carts/public/link_problem.html",
                context,
                status=PROBLEM_STATUS[link.problem],
            )
        context = {
            "cart": link.cart,
            "store": link.cart.store,
            "lines": link.cart.lines.all(),
            "form": form or RecoveryForm(initial={"customer_name": link.cart.customer_name}),
        }
        return render(request, "carts/public/recover.html", context, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def recover(request, token: str):
    if request.method == "GET":
        return _render_link(request, recovery_link_open(token=token))
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        return _render_link(request, recovery_link_check(token=token), form=form, status=400)
    link, order = cart_recover(token=token, customer_name=form.cleaned_data["customer_name"])
    if order is None:
        return _render_link(request, link)
    return redirect("carts:recover", token=token)


@login_not_required
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    recipient = recipient_for_token(token=token)
    if recipient is None:
        return render(request, "carts/public/unsubscribe.html", {"invalid": True}, status=404)
    if request.method == "POST":
        recipient = recipient_unsubscribe(token=token)
    context = {"recipient": recipient, "store": recipient.store, "done": request.method == "POST"}
    return render(request, "carts/public/unsubscribe.html", context)
