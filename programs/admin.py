"""The admin: every content model, markdown with live preview, and the loader's checks on save."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from markdownx.admin import MarkdownxModelAdmin

from . import editing, rules
from .kinds import FAQ_TOPICS
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


class BodyLinksForm(forms.ModelForm):
    """The admin supplies the model and fields; this adds the loader's markdown limits and link
    rule."""

    def clean_body(self):
        body = self.cleaned_data.get("body", "")
        problems = editing.body_limit_problems(body)
        if problems:
            raise ValidationError(problems)
        problems = editing.body_link_problems(body)
        if problems:
            raise ValidationError(problems)
        return body


class ProgramForm(BodyLinksForm):
    def clean(self):
        data = super().clean()
        slug = data.get("slug") or self.instance.slug
        problem = slug and editing.parent_problem(slug, data.get("parent"))
        if problem:
            self.add_error("parent", problem)
        problems = editing.unit_naming_problems(
            data.get("title", ""),
            data.get("acronym", ""),
            data.get("other_names"),
            data.get("sources") or [],
        )
        if problems:
            self.add_error("sources", problems)
        return data


class FactForm(forms.ModelForm):
    class Meta:
        model = Fact
        fields = ["figure", "label", "source", "quote", "capture", "order"]

    def clean(self):
        data = super().clean()
        problems = editing.quote_problems(
            data.get("source"), data.get("quote", ""), data.get("figure"), data.get("capture")
        )
        if problems:
            raise ValidationError(problems)
        return data


class FactFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        cited = self.data.getlist("sources")
        for form in self.forms:
            source = form.cleaned_data.get("source") if hasattr(form, "cleaned_data") else None
            problem = source is not None and editing.fact_source_problem(source, cited)
            if problem:
                form.add_error("source", problem)


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
        problems = editing.quote_problems(
            data.get("quote_source"), data.get("quote_text", ""), capture=data.get("quote_capture")
        )
        for field, problem in problems.items():
            self.add_error("quote_text" if field == "quote" else "quote_capture", problem)
        slug = data.get("slug") or self.instance.slug
        names = [data.get("term", ""), *(data.get("acronyms") or [])]
        problems = editing.name_problems(slug, [n for n in names if n])
        if problems:
            self.add_error("term", problems)
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
    # A menu of the topics; the rule itself is the loader's (rules.topic_problem).
    topic = forms.CharField(widget=forms.Select(choices=[(t, t) for t in FAQ_TOPICS]))

    def clean_topic(self):
        topic = self.cleaned_data.get("topic", "")
        problem = rules.topic_problem(topic)
        if problem:
            raise ValidationError(problem)
        return topic

    def clean_source_quotes(self):
        quotes = self.cleaned_data.get("source_quotes") or []
        problems = editing.faq_source_problems(quotes)
        if problems:
            raise ValidationError(problems)
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
    form = BodyLinksForm
    list_display = ["title", "slug", "reviewed", "edited_in_admin"]
    search_fields = ["title", "body"]


class SourceForm(BodyLinksForm):
    def clean_text(self):
        text = self.cleaned_data.get("text", "")
        problem = editing.capture_size_problem(text)
        if problem:
            raise ValidationError(problem)
        return text

    def clean(self):
        # A changed text must still hold every quote that cites it, as the next load checks.
        data = super().clean()
        if "text" in data:
            problems = editing.source_text_problems(
                self.instance, data["text"], data.get("date_line") or ""
            )
            if problems:
                self.add_error("text", problems)
        return data


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    form = SourceForm
    list_display = ["source_id", "title", "date", "latest_year", "edited_in_admin"]
    search_fields = ["title", "kind", "text"]
    # The capture's file name is where export writes the text: never typed in the admin.
    readonly_fields = [*ContentAdmin.readonly_fields, "capture_file"]

    def get_readonly_fields(self, request, obj=None):
        # A source with later captures shows its newest, which only import_source changes.
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and obj.captures.filter(position__gt=0).exists():
            return [*fields, "text", "date_line", "date", "latest_year"]
        return fields

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
