from django.urls import path

from carts import public_views, settings_views, views

app_name = "carts"

urlpatterns = [
    path("", views.CartListView.as_view(), name="list"),
    path("<int:pk>/", views.CartDetailView.as_view(), name="detail"),
    path("<int:pk>/emails/<int:email_pk>/", views.CartEmailView.as_view(), name="email"),
    path("settings/", settings_views.CartSettingsView.as_view(), name="settings"),
    path(
        "settings/preview/<int:step>/",
        settings_views.ReminderPreviewView.as_view(),
        name="preview",
    ),
    path("keys/", settings_views.ApiKeysView.as_view(), name="api_keys"),
    path("keys/<int:pk>/revoke/", settings_views.api_key_revoke_view, name="api_key_revoke"),
    # Public: reached from the reminder e-mails, no sign-in.
    path("recover/<str:token>/", public_views.recover, name="recover"),
    path("unsubscribe/<str:token>/", public_views.unsubscribe, name="unsubscribe"),
]
