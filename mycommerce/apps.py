from django.apps import AppConfig


class MycommerceConfig(AppConfig):
    name = "mycommerce"
