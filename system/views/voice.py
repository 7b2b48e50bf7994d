"""Whole-system pages: voice (filled in by its builder)."""

from django.urls import URLPattern

routes: list[URLPattern] = []
