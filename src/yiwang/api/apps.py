from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yiwang.api"
    label = "api"
    verbose_name = "REST API"
