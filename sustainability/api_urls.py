"""The sustainability API, inside the API namespace (api/urls.py includes it)."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from sustainability import api


def _api(view: Callable[..., Any]) -> Callable[..., Any]:
    # The API authenticates by token itself (401 for anonymous), not by redirect to sign in.
    return login_not_required(view)


C = "collectives/<slug:slug>/"
urlpatterns = [
    path(C + "practice-figures/", _api(api.PracticeFigureList.as_view()), name="practice_figures"),
    path(
        C + "practice-figures/<id:organisation>/",
        _api(api.PracticeFigureDetail.as_view()),
        name="practice_figure",
    ),
    path(
        C + "practice-data-imports/",
        _api(api.PracticeImportList.as_view()),
        name="practice_imports",
    ),
    path(
        C + "practice-data-imports/<id:pk>/",
        _api(api.PracticeImportDetail.as_view()),
        name="practice_import",
    ),
]
