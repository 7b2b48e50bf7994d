"""The limits on what a request may hold, shared by the API's serializers and the pages'
forms, so that the same input is refused in the same way wherever it is sent.

Bodies as a whole are limited by DATA_UPLOAD_MAX_MEMORY_SIZE (settings), and a JSON body's
nesting by alliance.parsers.
"""

from __future__ import annotations

#: The longest free text a person may write in one field (a proposal's text, a briefing's
#: meaning, a comment): about 3,000 words, more than any of them needs.
TEXT_MAX = 20_000

#: The longest e-mail address (RFC 5321's path limit, and Django's EmailField).
EMAIL_MAX = 254

#: The most ids a request may list (organisations in a contact or a rhythm, its people): more
#: than any collective has members, few enough that a request cannot make the server loop long.
MAX_LISTED = 500
