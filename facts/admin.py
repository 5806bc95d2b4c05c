from django.contrib import admin

from facts.models import Article, Source


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1
    fields = ["order", "title", "publisher", "url", "date"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "section",
        "order",
        "is_published",
        "medically_reviewed_on",
        "updated_at",
    ]
    list_filter = ["section", "is_published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_services"]
    readonly_fields = ["updated_at"]
    inlines = [SourceInline]
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish the selected pages")
    def publish(self, request, queryset):
        count = queryset.update(is_published=True)
        self.message_user(request, f"Published {count} page(s).")

    @admin.action(description="Unpublish the selected pages (hide them)")
    def unpublish(self, request, queryset):
        count = queryset.update(is_published=False)
        self.message_user(request, f"Unpublished {count} page(s).")
