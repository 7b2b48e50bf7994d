"""The API's pages of a list (REST_FRAMEWORK's DEFAULT_PAGINATION_CLASS)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """DRF's numbered pages, except that an empty ``?page=`` is a 404 like any other page
    that is not a number (DRF would give the first page): the schema says a number."""

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        if request.query_params.get(self.page_query_param) == "":
            raise NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)
