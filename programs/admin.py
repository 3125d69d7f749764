from django.contrib import admin
from markdownx.admin import MarkdownxModelAdmin

from .models import Fact, Page, Program, Source


class FactInline(admin.TabularInline):
    model = Fact
    extra = 0


@admin.register(Program)
class ProgramAdmin(MarkdownxModelAdmin):
    list_display = ["indented_title", "acronym", "parent", "reviewed", "updated_at"]
    list_filter = ["depth", "sources", "reviewed"]
    search_fields = ["title", "acronym", "summary", "body"]
    ordering = ["ancestors", "order"]
    inlines = [FactInline]
    autocomplete_fields = ["parent"]

    @admin.display(description="Program (tree)", ordering="ancestors")
    def indented_title(self, obj: Program) -> str:
        return "— " * obj.depth + str(obj)


@admin.register(Source)
class SourceAdmin(MarkdownxModelAdmin):
    list_display = ["source_id", "title", "date", "latest_year"]
    search_fields = ["title", "kind", "text"]


@admin.register(Page)
class PageAdmin(MarkdownxModelAdmin):
    list_display = ["title", "slug", "reviewed"]
    search_fields = ["title", "body"]
