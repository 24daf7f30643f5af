from django.apps import AppConfig


class MycommerceConfig(AppConfig):
    name = "mycommerce"

    def ready(self) -> None:
        from mycommerce import checks  # noqa: F401 - registers the system checks
