import os

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings")
application = get_wsgi_application()
# WhiteNoise has just listed the static files. Have the storage read their manifest now too,
# rather than on the first page, so that /readyz (alliance/health.py) tells of a process
# started before collectstatic had run: it serves neither until it is restarted.
getattr(staticfiles_storage, "hashed_files", None)
