"""A convenor's upload of the national files: run as a background job (eagerly here, as
Huey's immediate mode runs it), its progress and outcome on the run's page, a broken file
refused naming the file, row and column with nothing changed; only convenors upload."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from django.core.cache import cache

from alliance.testing import MembershipFactory
from audit.models import AuditEntry
from collectives.models import Role
from sustainability.models import ImportStatus, PracticeDataImport, PracticeFigure
from sustainability.tasks import progress_key

from .test_readers import FIXTURES

GOOD = ["payments-2019-20.csv", "registrations-2021-01.csv", "fingertips-93553.csv"]


def _imports(collective) -> str:
    return f"/c/{collective.slug}/sustainability/imports/"


def _upload(client, collective, names, capture, period=""):
    with ExitStack() as files, capture(execute=True):
        opened = [files.enter_context(open(FIXTURES / name, "rb")) for name in names]
        data = {"upload": opened}
        if period:
            data["period"] = period
        return client.post(_imports(collective), data)


@pytest.fixture
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    return tmp_path


def test_a_convenor_uploads_files_and_sees_the_import_run_in_the_background(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks
):
    client.force_login(convenor.user)
    response = _upload(client, collective, GOOD, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    run = PracticeDataImport.objects.get()
    assert response["Location"] == f"{_imports(collective)}{run.pk}/"
    assert (run.status, run.collective, run.user) == (
        ImportStatus.SUCCEEDED,
        collective,
        convenor.user,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Imported. Figures: 31 added, 0 changed, 0 unchanged." in page
    assert "payments-2019-20.csv: NHS Payments to General Practice, 2019-20: 4 rows" in page
    assert list(uploads.iterdir()) == []  # the uploaded files were removed
    assert (
        PracticeFigure.objects.get(
            practice_code="A81001", measure="payments_per_weighted_patient", period="2019-20"
        ).value
        == 155.47
    )
    entry = AuditEntry.objects.get(action="sustainability.imported")
    assert (entry.actor_id, entry.collective_id) == (convenor.user.pk, collective.pk)
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="import-progress"') and "hx-get" not in fragment
    listing = client.get(_imports(collective)).content.decode()
    assert "Imported: 31 added, 0 changed, 0 unchanged" in listing


def test_uploading_the_same_files_again_changes_nothing_and_says_so(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks
):
    client.force_login(convenor.user)
    _upload(client, collective, GOOD, django_capture_on_commit_callbacks)
    response = _upload(client, collective, GOOD, django_capture_on_commit_callbacks)
    page = client.get(response["Location"]).content.decode()
    assert "Imported. No change: all 31 figures were already stored." in page


def test_a_file_whose_name_does_not_say_its_period_takes_the_period_given(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(convenor.user)
    response = _upload(
        client,
        collective,
        ["workforce-detailed-2023-09.csv"],
        django_capture_on_commit_callbacks,
        period="2023-09",
    )
    run = PracticeDataImport.objects.get()
    assert run.status == ImportStatus.SUCCEEDED, run.error
    assert response.status_code == 302
    assert PracticeFigure.objects.filter(period="2023-09", practice_code="B87001").exists()


@pytest.mark.parametrize(
    "names,message",
    [
        (
            ["registrations-2021-01.csv", "payments-2022-23-truncated.csv"],
            "payments-2022-23-truncated.csv, row 4",
        ),
        (["payments-2022-23-no-practice-code.csv"], "`practice code`"),
        (["registrations-by-age.csv"], "not the totals file"),
        (["binary.csv"], "binary.csv"),
    ],
)
def test_a_broken_upload_names_the_file_row_and_column_and_changes_nothing(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks, names, message
):
    client.force_login(convenor.user)
    response = _upload(client, collective, names, django_capture_on_commit_callbacks)
    run = PracticeDataImport.objects.get()
    assert run.status == ImportStatus.FAILED
    page = client.get(response["Location"]).content.decode()
    assert "The import failed: nothing was changed" in page
    assert message in page, run.error
    assert PracticeFigure.objects.count() == 0
    assert list(uploads.iterdir()) == []


def test_a_broken_file_names_its_row_and_column(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks
):
    client.force_login(convenor.user)
    response = _upload(
        client, collective, ["registrations-by-age.csv"], django_capture_on_commit_callbacks
    )
    page = client.get(response["Location"]).content.decode()
    assert "registrations-by-age.csv, row 2, column SEX" in page


def test_the_form_asks_for_a_file_and_a_period_that_is_one(client, convenor, collective, uploads):
    client.force_login(convenor.user)
    page = client.post(_imports(collective), {}).content.decode()
    assert "There is a problem" in page and "This field is required." in page
    with open(FIXTURES / "empty.csv", "rb") as upload:
        page = client.post(_imports(collective), {"upload": upload}).content.decode()
    assert "The submitted file is empty." in page
    with open(FIXTURES / GOOD[0], "rb") as upload:
        page = client.post(_imports(collective), {"upload": upload, "period": "May"})
    assert "Give a financial year such as 2022-23" in page.content.decode()
    assert PracticeDataImport.objects.count() == 0


def test_a_running_import_shows_its_progress_and_keeps_polling(client, convenor, collective):
    run = PracticeDataImport.objects.create(
        collective=collective, user=convenor.user, status=ImportStatus.RUNNING
    )
    cache.set(progress_key(run.pk), {"stage": "Saving figures", "done": 3, "total": 4})
    client.force_login(convenor.user)
    url = f"{_imports(collective)}{run.pk}/"
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Saving figures: 75% done." in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert "<html" not in html  # only the fragment, for htmx to swap in
    page = client.get(url).content.decode()
    assert "<html" in page and "Saving figures: 75% done." in page


def test_another_collectives_import_is_not_found(client, convenor, collective, outsider):
    theirs = PracticeDataImport.objects.create(collective=outsider.collective)
    client.force_login(convenor.user)
    assert client.get(f"{_imports(collective)}{theirs.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.MEMBER, Role.REPRESENTATIVE, Role.OBSERVER, Role.GUEST])
def test_only_convenors_upload(client, collective, practice, role, uploads):
    someone = MembershipFactory(
        collective=collective,
        role=role,
        organisation=practice.organisation if role == Role.REPRESENTATIVE else None,
    )
    run = PracticeDataImport.objects.create(collective=collective)
    client.force_login(someone.user)
    assert client.get(_imports(collective)).status_code == 403
    with open(FIXTURES / GOOD[0], "rb") as upload:
        assert client.post(_imports(collective), {"upload": upload}).status_code == 403
    assert client.get(f"{_imports(collective)}{run.pk}/").status_code == 403
    assert PracticeDataImport.objects.count() == 1


def test_folders_left_by_uploads_never_recorded_are_removed_after_a_day(
    client, convenor, collective, uploads, django_capture_on_commit_callbacks
):
    import os
    import time

    old = time.time() - 2 * 24 * 3600
    orphan = uploads / "practice-data-orphan"
    waiting = uploads / "practice-data-waiting"
    fresh = uploads / "practice-data-fresh"
    for folder in (orphan, waiting, fresh):
        folder.mkdir()
    os.utime(orphan, (old, old))
    os.utime(waiting, (old, old))
    PracticeDataImport.objects.create(collective=collective, upload_dir=str(waiting))
    client.force_login(convenor.user)
    _upload(client, collective, GOOD[:1], django_capture_on_commit_callbacks)
    assert sorted(p.name for p in uploads.iterdir()) == [
        "practice-data-fresh",
        "practice-data-waiting",
    ]
