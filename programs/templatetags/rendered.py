"""Filters on stored, already-rendered HTML."""

from django import template
from django.utils.safestring import mark_safe

from programs.markdown import first_paragraph as first_paragraph_of

register = template.Library()


@register.filter
def first_paragraph(rendered_html: str) -> str:
    # The input is the sanitized body_html the loader stored; cutting it at a tag keeps it safe.
    return mark_safe(first_paragraph_of(rendered_html))  # noqa: S308
