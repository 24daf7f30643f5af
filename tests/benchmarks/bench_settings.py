"""The settings of the gunicorn the order list benchmarks start (DJANGO_SETTINGS_MODULE of
that process only): production's, with the benchmarks' urlconf, which adds Django's admin
changelist and change form of the same store (order_list_admin.py) to the app's URLs."""

from mycommerce.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.order_list_admin"
