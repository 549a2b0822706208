from django.apps import AppConfig


class DealConfig(AppConfig):
    name = "deal"
    verbose_name = "Staff, teams and audit"
