"""The Django admin, for superusers only: there sign-in lockouts (django-axes) are lifted.

Store roles are memberships; Django's staff flag grants nothing here.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest


class SuperuserAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser


class SuperuserAdminConfig(AdminConfig):
    default_site = "mycommerce.admin.SuperuserAdminSite"
