import logging
from copy import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from mycommerce.forms import PlanForm, StoreSettingsForm, StoreSwitchForm
from mycommerce.mixins import StoreMemberRequiredMixin, store_member_required
from mycommerce.models import Job
from mycommerce.plan_matrix import plan_matrix
from mycommerce.plans import PLAN_ORDER
from mycommerce.roles import Permission, member_can
from mycommerce.selectors import job_get_for_store, job_is_downloadable, job_state
from mycommerce.services import job_resume, store_set_plan, store_switch, store_update_settings
from mycommerce.switching import store_page_after_switch

request_logger = logging.getLogger("django.request")


def home(request):
    return redirect("orders:list")


@login_not_required
def favicon(request):
    """Browsers and tools ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return redirect(static("favicon.ico"))


@require_POST
@store_member_required
def switch_store(request):
    """Change the current store, then show the same page of the new store when it exists
    there (an order of the old store does not), else its order list."""
    form = StoreSwitchForm(request.POST)
    store = request.store
    if form.is_valid():
        store = store_switch(request=request, store_id=form.cleaned_data["store"])
        messages.success(request, _("You are now working in %(store)s.") % {"store": store.name})
    return redirect(
        store_page_after_switch(
            store=store, next_url=request.POST.get("next", ""), host=request.get_host()
        )
    )


class PlanView(StoreMemberRequiredMixin, FormView):
    template_name = "mycommerce/plan.html"
    form_class = PlanForm

    def get_initial(self):
        return {"plan": self.request.store.plan}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = member_can(self.request.membership, Permission.MANAGE_PLAN)
        context["matrix"] = plan_matrix()
        context["plans"] = PLAN_ORDER
        return context

    def form_valid(self, form):
        store = store_set_plan(membership=self.request.membership, plan=form.cleaned_data["plan"])
        messages.success(
            self.request, _("Your plan is now %(plan)s.") % {"plan": store.get_plan_display()}
        )
        return redirect("plan")


class StoreSettingsView(StoreMemberRequiredMixin, FormView):
    template_name = "mycommerce/store_settings.html"
    form_class = StoreSettingsForm
    required_permission = Permission.MANAGE_SETTINGS

    def get_form_kwargs(self):
        # A copy, so a refused form never alters the request's store.
        return {**super().get_form_kwargs(), "instance": copy(self.request.store)}

    def form_valid(self, form):
        store_update_settings(membership=self.request.membership, data=form.cleaned_data)
        messages.success(self.request, _("The store settings were saved."))
        return redirect("store_settings")


def permission_denied(request, exception=None):
    """The 403 page: a plan refusal names the plan that unlocks the feature, a role refusal
    the roles that may. An expected refusal is one line of the log, without a traceback."""
    message = (
        str(exception) if exception and str(exception) else _("You are not allowed to do this.")
    )
    feature = getattr(exception, "feature", None) if getattr(request, "store", None) else None
    permission = getattr(exception, "permission", None)
    context = {"message": message, "feature": feature, "permission": permission}
    response = render(request, "403.html", context, status=403)
    if feature:
        reason = f"plan lacks {feature}"
    else:
        reason = f"role lacks {permission}" if permission else "permission denied"
    request_logger.warning(
        "Forbidden (%s): %s",
        reason,
        request.path.encode("unicode_escape").decode("ascii"),
        extra={"status_code": 403, "request": request},
    )
    # Django would log the refusal again, with the exception's traceback (django.utils.log).
    response._has_been_logged = True
    return response


class JobDetailView(StoreMemberRequiredMixin, TemplateView):
    """A background job's page: a progress bar that polls, then a download link or Resume."""

    template_name = "mycommerce/job_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        job = job_get_for_store(store=self.request.store, job_id=kwargs["pk"])
        context["job"] = job
        context["state"] = job_state(job=job)
        return context


@store_member_required
def job_status(request, pk: int):
    job = job_get_for_store(store=request.store, job_id=pk)
    state = job_state(job=job)
    return JsonResponse(
        {
            "status": state.status,
            "status_label": state.label,
            "done": job.progress_done,
            "total": job.progress_total,
            "percent": job.percent,
            "download_url": reverse("job_download", args=[job.pk])
            if job_is_downloadable(job)
            else "",
            "error": state.message,
            "resumable": state.resumable,
            "settled": state.settled,
        }
    )


@require_POST
@store_member_required
def job_resume_view(request, pk: int):
    job = job_get_for_store(store=request.store, job_id=pk)
    try:
        job_resume(membership=request.membership, job=job)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("job_detail", pk=job.pk)


@store_member_required
def job_download(request, pk: int):
    job = job_get_for_store(store=request.store, job_id=pk)
    if not job_is_downloadable(job):
        messages.error(
            request,
            _("This file is no longer available: files are kept for 7 days. Start it again.")
            if job.status == Job.Status.DONE
            else _("This file is not ready yet."),
        )
        return redirect("job_detail", pk=job.pk)
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)
