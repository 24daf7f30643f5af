from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from mycommerce.forms import PlanForm, StoreSwitchForm
from mycommerce.mixins import StoreMemberRequiredMixin, store_member_required
from mycommerce.plans import PLAN_FEATURES, PLAN_ORDER, Feature
from mycommerce.roles import Permission, member_can
from mycommerce.services import store_set_plan, store_switch


def home(request):
    return redirect("orders:list")


@require_POST
@store_member_required
def switch_store(request):
    form = StoreSwitchForm(request.POST)
    if form.is_valid():
        store = store_switch(request=request, store_id=form.cleaned_data["store"])
        messages.success(request, _("You are now working in %(store)s.") % {"store": store.name})
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = "orders:list"
    return redirect(next_url)


class PlanView(StoreMemberRequiredMixin, FormView):
    template_name = "mycommerce/plan.html"
    form_class = PlanForm

    def get_initial(self):
        return {"plan": self.request.store.plan}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = member_can(self.request.membership, Permission.MANAGE_PLAN)
        context["matrix"] = [
            (feature, [feature in PLAN_FEATURES[plan] for plan in PLAN_ORDER])
            for feature in Feature
        ]
        context["plans"] = PLAN_ORDER
        return context

    def form_valid(self, form):
        store = store_set_plan(membership=self.request.membership, plan=form.cleaned_data["plan"])
        messages.success(
            self.request, _("Your plan is now %(plan)s.") % {"plan": store.get_plan_display()}
        )
        return redirect("plan")


def permission_denied(request, exception=None):
    message = (
        str(exception) if exception and str(exception) else _("You are not allowed to do this.")
    )
    return render(request, "403.html", {"message": message}, status=403)
