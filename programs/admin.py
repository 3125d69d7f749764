"""The admin: every content model, markdown with live preview, and the loader's checks on save."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from markdownx.admin import MarkdownxModelAdmin

from . import editing
from .content import FAQ_TOPICS
from .models import Fact, GlossaryTerm, Page, Program, Question, Revision, Source


class ContentAdmin(MarkdownxModelAdmin):
    """Saves rewrite the record's file text and keep the previous version as a revision."""

    readonly_fields = ["edited_in_admin", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # A slug is a file name: renaming it here would leave the old file behind on export.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "slug"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        # The file text before this save, so the history can keep it.
        obj._previous_file_text = (
            type(obj).objects.filter(pk=obj.pk).values_list("file_text", flat=True).first() or ""
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        editing.record_admin_save(form.instance, form.instance._previous_file_text)


class BodyLimitsForm(forms.ModelForm):
    """The admin supplies the model and fields; this adds the loader's limits on markdown."""

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        editing.check_body_limits(body)
        return body


class BodyLinksForm(BodyLimitsForm):
    """... and the loader's link check."""

    def clean_body(self):
        body = super().clean_body()
        editing.check_body_links(body)
        return body


class ProgramForm(BodyLinksForm):
    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        editing.check_parent(self.instance, parent)
        return parent


class FactForm(forms.ModelForm):
    class Meta:
        model = Fact
        fields = ["figure", "label", "source", "quote", "order"]

    def clean(self):
        data = super().clean()
        errors = editing.check_quote(data.get("source"), data.get("quote", ""), data.get("figure"))
        if errors:
            raise ValidationError(errors)
        return data


class FactFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        cited = set(self.data.getlist("sources"))
        for form in self.forms:
            source = form.cleaned_data.get("source") if hasattr(form, "cleaned_data") else None
            if source is not None and str(source.pk) not in cited:
                form.add_error("source", "This source is not in the page's sources.")


class FactInline(admin.TabularInline):
    model = Fact
    form = FactForm
    formset = FactFormSet
    extra = 0


@admin.register(Program)
class ProgramAdmin(ContentAdmin):
    form = ProgramForm
    list_display = ["tree_title", "acronym", "parent", "reviewed", "edited_in_admin"]
    list_filter = ["depth", "sources", "edited_in_admin", "reviewed"]
    search_fields = ["title", "acronym", "summary", "body", "slug"]
    ordering = ["tree_order"]
    inlines = [FactInline]
    autocomplete_fields = ["parent"]
    filter_horizontal = ["sources", "also_parents"]

    @admin.display(description="Program (as a tree)", ordering="tree_order")
    def tree_title(self, obj: Program) -> str:
        return "— " * obj.depth + str(obj)


class GlossaryTermForm(BodyLinksForm):
    def clean(self):
        data = super().clean()
        errors = editing.check_quote(data.get("quote_source"), data.get("quote_text", ""))
        if errors:
            raise ValidationError({"quote_text": errors["quote"]})
        taken = editing.names_taken_by_other_terms(self.instance)
        for name in [data.get("term", ""), *data.get("acronyms", [])]:
            if name and name.casefold() in taken:
                raise ValidationError(
                    {"term": f"'{name}' is already defined in {taken[name.casefold()]}"}
                )
        return data


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ContentAdmin):
    form = GlossaryTermForm
    list_display = ["term", "acronym_list", "defined_in_sources", "autolink", "edited_in_admin"]
    list_filter = ["defined_in_sources", "autolink", "sources", "edited_in_admin"]
    search_fields = ["term", "acronyms", "also_known_as", "body", "slug"]
    filter_horizontal = ["related", "see_also", "sources"]

    @admin.display(description="Acronyms")
    def acronym_list(self, obj: GlossaryTerm) -> str:
        return ", ".join(obj.acronyms)


class QuestionForm(BodyLinksForm):
    topic = forms.ChoiceField(choices=[(t, t) for t in FAQ_TOPICS])

    def clean_source_quotes(self):
        quotes = self.cleaned_data.get("source_quotes") or []
        by_id = {s.source_id: s for s in Source.objects.all()}
        for item in quotes:
            source = by_id.get(str(item.get("id")))
            if source is None:
                raise ValidationError(f"Unknown source id {item.get('id')!r}.")
            errors = editing.check_quote(source, item.get("quote", ""))
            if errors:
                raise ValidationError(errors["quote"])
        return quotes


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    form = QuestionForm
    list_display = ["question", "topic", "order", "edited_in_admin"]
    list_filter = ["topic", "edited_in_admin"]
    search_fields = ["question", "body", "slug"]
    filter_horizontal = ["related_programs", "related_terms", "sources"]


@admin.register(Page)
class PageAdmin(ContentAdmin):
    form = type(
        "PageForm",
        (BodyLinksForm,),
        {"Meta": type("Meta", (), {"model": Page, "fields": "__all__"})},
    )
    list_display = ["title", "slug", "reviewed", "edited_in_admin"]
    search_fields = ["title", "body"]


class SourceForm(BodyLimitsForm):
    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        editing.check_capture_size(text)
        return text


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    form = SourceForm
    list_display = ["source_id", "title", "date", "latest_year", "edited_in_admin"]
    search_fields = ["title", "kind", "text"]
    # The capture's file name is where export writes the text: never typed in the admin.
    readonly_fields = [*ContentAdmin.readonly_fields, "capture_file"]

    def save_model(self, request, obj, form, change):
        if not obj.capture_file:
            obj.capture_file = editing.capture_file_name(obj)
        super().save_model(request, obj, form, change)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["kind", "slug", "saved_at", "replaced_by"]
    list_filter = ["kind", "replaced_by"]
    search_fields = ["slug"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
