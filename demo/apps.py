from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo stores, users and orders (`seed_demo`): the top of the house, it may use every app."""

    name = "demo"
