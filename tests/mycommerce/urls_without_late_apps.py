"""The site's URLs without the pages of apps that landed late (reports, carts), as a store
saw them before: what the sidebar and the plan page offer must follow what exists."""

from mycommerce.urls import urlpatterns as site

LATE = ("reports/", "carts/", "api/")
urlpatterns = [pattern for pattern in site if not str(pattern.pattern).startswith(LATE)]
