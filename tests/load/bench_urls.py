"""The product's URLs plus, at /bench-admin/, a Django admin over people and
agreed actions. It exists only while the benchmark runs: the product keeps
case records out of its admin (see README)."""

from django.contrib import admin
from django.urls import path

from conversations.models import AgreedAction, Conversation
from deal.urls import handler500  # noqa: F401 - the same error pages
from deal.urls import urlpatterns as product_urlpatterns
from people.models import Person

bench_admin = admin.AdminSite(name="bench_admin")


@admin.register(Person, site=bench_admin)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("family_name", "given_name", "date_of_birth", "postcode", "team")
    list_filter = ("team", "status")
    search_fields = ("family_name", "given_name", "postcode")


@admin.register(AgreedAction, site=bench_admin)
class AgreedActionAdmin(admin.ModelAdmin):
    list_display = ("what", "person", "owner_display", "due", "status", "team")
    list_filter = ("status", "team")
    search_fields = ("what",)


@admin.register(Conversation, site=bench_admin)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("happened_at", "person", "recorded_by", "kind", "status")
    list_filter = ("status", "kind")


urlpatterns = [path("bench-admin/", bench_admin.urls), *product_urlpatterns]
