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

SHARED = Path(settings.BASE_DIR).parent / "shared" / "data" / "practice"


def load_practice_data_demo() -> None:
    files = sorted(SHARED.glob("*.csv")) if SHARED.is_dir() else []
    if not files or PracticeFigure.objects.exists():
        return
    practice_data_import(paths=files)
    england_refresh()
