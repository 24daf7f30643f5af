from django import forms
from django.utils.translation import gettext_lazy as _

from mycommerce.plans import Plan


class StoreSwitchForm(forms.Form):
    store = forms.IntegerField(label=_("Store"))


class PlanForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=Plan.choices)
