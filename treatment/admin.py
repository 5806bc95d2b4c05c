from datetime import timedelta

from django.contrib import admin
from django.utils import timezone

from treatment.models import Provider, Service, ServiceCategory

STALE_AFTER_DAYS = 180


class ServiceInline(admin.TabularInline):
    model = Service
    fields = ["order", "name", "slug", "description", "samhsa_codes"]
    extra = 0


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "facts_path"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "slug", "samhsa_codes"]
    list_filter = ["category"]
    search_fields = ["name", "slug", "samhsa_codes"]
    prepopulated_fields = {"slug": ["name"]}


class ServiceCategoryFilter(admin.SimpleListFilter):
    title = "service category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return [(c.slug, c.name) for c in ServiceCategory.objects.all()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(services__category__slug=self.value()).distinct()
        return queryset


class VerificationFilter(admin.SimpleListFilter):
    title = "verification"
    parameter_name = "verification"

    def lookups(self, request, model_admin):
        return [("stale", f"Not verified in {STALE_AFTER_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "stale":
            cutoff = timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)
            return queryset.exclude(verified_on__gte=cutoff)
        return queryset


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "city",
        "state",
        "zip_code",
        "is_published",
        "verified_on",
        "accepting_status",
        "source",
    ]
    list_filter = [
        "state",
        ServiceCategoryFilter,
        "is_published",
        "source",
        VerificationFilter,
        "accepting_status",
    ]
    search_fields = ["name", "city", "zip_code"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["services"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "updated_at"
    actions = ["publish", "unpublish", "mark_verified_today"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "slug", "summary", "description"]}),
        (
            "Address and map point",
            {
                "fields": [
                    "street",
                    ("city", "state", "zip_code"),
                    ("latitude", "longitude"),
                    "location_is_approximate",
                ]
            },
        ),
        (
            "Contact",
            {"fields": ["phone", "intake_phone", "website", "inquiry_email", "hours"]},
        ),
        ("Openings", {"fields": ["accepting_status", "accepting_status_on"]}),
        ("Services", {"fields": ["services"]}),
        (
            "Publishing",
            {
                "fields": [
                    "is_published",
                    "verified_on",
                    ("source", "source_id"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    @admin.action(description="Publish selected providers")
    def publish(self, request, queryset):
        updated = queryset.update(is_published=True, updated_at=timezone.now())
        self.message_user(request, f"Published {updated} provider(s).")

    @admin.action(description="Unpublish selected providers")
    def unpublish(self, request, queryset):
        updated = queryset.update(is_published=False, updated_at=timezone.now())
        self.message_user(request, f"Unpublished {updated} provider(s).")

    @admin.action(description="Mark selected providers as verified today")
    def mark_verified_today(self, request, queryset):
        updated = queryset.update(
            verified_on=timezone.localdate(), updated_at=timezone.now()
        )
        self.message_user(request, f"Marked {updated} provider(s) as verified today.")
