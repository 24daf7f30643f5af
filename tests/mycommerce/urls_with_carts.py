"""The site's URLs plus an abandoned-carts page, as when the carts app lands."""

from django.http import HttpResponse
from django.urls import include, path

from mycommerce.urls import urlpatterns as site


def carts(request):
    return HttpResponse("carts")


urlpatterns = [*site, path("carts/", include(([path("", carts, name="list")], "carts")))]
