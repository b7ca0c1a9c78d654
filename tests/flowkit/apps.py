from django.apps import AppConfig


class FlowkitConfig(AppConfig):
    name = "tests.flowkit"
    label = "flowkit"
