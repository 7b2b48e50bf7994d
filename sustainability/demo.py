"""The demo's national practice figures: the real files of ../shared/data/practice/ (beside
the repository), imported through the real importer the first time the demo loads. They
cover every practice in England, the demo's real practices among them, so that each is
compared with England as it would be in use. Without the folder the demo has no figures,
and its pages say how to import them."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from sustainability.importer import practice_data_import
from sustainability.models import PracticeFigure
from sustainability.selectors import england_refresh


def load_practice_data_demo() -> None:
    """The test settings leave the folder out (DEMO_PRACTICE_DATA): their pages are tested
    with figures of their own, and 95,650 figures on every demo load would slow the suite."""
    folder = Path(settings.DEMO_PRACTICE_DATA) if settings.DEMO_PRACTICE_DATA else None
    files = sorted(folder.glob("*.csv")) if folder and folder.is_dir() else []
    if not files or PracticeFigure.objects.exists():
        return
    practice_data_import(paths=files)
    england_refresh()
