"""The API's JSON parser, with limits (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

In its own module: the API settings import it while DRF's views are being defined, so it
must not import them itself.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """A JSON body, refused with a 400 when it is larger than DATA_UPLOAD_MAX_MEMORY_SIZE
    (Django applies that limit only to bodies it reads itself, and DRF reads JSON from the
    stream) or nests too deep to decode (Python's decoder stops at its recursion limit)."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        if limit is not None and length > limit:
            raise ParseError(f"The body is larger than {limit // (1024 * 1024)} MB.")
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("The body nests lists or objects too deep to read.") from error
