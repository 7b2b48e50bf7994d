"""Whole-system pages: stakeholders (filled in by its builder)."""

from django.urls import URLPattern

routes: list[URLPattern] = []
