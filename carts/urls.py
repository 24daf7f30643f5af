from django.urls import path, register_converter

from carts import public_views, settings_views, views


class Id64Converter:
    """A database id: 1 to 18 ASCII digits, so a longer number is a 404, not an overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(Id64Converter, "id64")

app_name = "carts"

urlpatterns = [
    path("", views.CartListView.as_view(), name="list"),
    path("<id64:pk>/", views.CartDetailView.as_view(), name="detail"),
    path("<id64:pk>/emails/<id64:email_pk>/", views.CartEmailView.as_view(), name="email"),
    path("settings/", settings_views.CartSettingsView.as_view(), name="settings"),
    path(
        "settings/preview/<id64:step>/",
        settings_views.ReminderPreviewView.as_view(),
        name="preview",
    ),
    path("keys/", settings_views.ApiKeysView.as_view(), name="api_keys"),
    path("keys/<id64:pk>/revoke/", settings_views.api_key_revoke_view, name="api_key_revoke"),
    # Public: reached from the reminder e-mails, no sign-in.
    path("recover/<str:token>/", public_views.recover, name="recover"),
    path("unsubscribe/<str:token>/", public_views.unsubscribe, name="unsubscribe"),
]
