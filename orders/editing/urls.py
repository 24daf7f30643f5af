from django.urls import path

from orders.editing import views

urlpatterns = [
    path("new/", views.OrderCreateView.as_view(), name="new"),
    path("<int:pk>/edit/", views.OrderEditView.as_view(), name="edit"),
]
