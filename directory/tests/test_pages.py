"""Directory pages and API: what people see, with a fixed number of queries."""

from __future__ import annotations

import pytest

from alliance.testing import (
    MemberOrganisationFactory,
    OrganisationFactory,
    UserFactory,
    page_queries,
)
from directory.models import Organisation, OrganisationRelationship, Person, RelationshipKind
from directory.services import person_create


@pytest.fixture
def pcn(db):
    return OrganisationFactory(ods_code="U12345", name="Riverside PCN", kind="pcn")


def _practices(pcn, n, start=0):
    made = []
    for i in range(start, start + n):
        practice = OrganisationFactory(
            ods_code=f"Y{i:05d}", name=f"Riverside Surgery {i:03d}", icb_code="QRL"
        )
        OrganisationRelationship.objects.create(
            organisation=practice, parent=pcn, kind=RelationshipKind.PCN_MEMBER
        )
        made.append(practice)
    return made


PAGES = [
    "/directory/?q=riverside",
    "/directory/?kind=practice&icb=QRL",
    "/directory/?pcn=U12345",
    "/directory/organisations/U12345/",
    "/directory/organisations/Y00000/",
    "/api/v1/organisations/?search=riverside",
    "/api/v1/organisations/U12345/",
    "/api/v1/organisations/?pcn=U12345&page_size=500",
    "/api/v1/people/",
]


def test_directory_pages_run_a_fixed_number_of_queries(
    client, convenor, pcn, django_assert_max_num_queries
):
    practices = _practices(pcn, 3)
    MemberOrganisationFactory(collective=convenor.collective, organisation=practices[0])
    Person.objects.create(name="First person", organisation=practices[0])
    client.force_login(convenor.user)
    few = {url: page_queries(client, url) for url in PAGES}
    more = _practices(pcn, 40, start=3)
    for practice in more[:10]:
        Person.objects.create(name=f"Person at {practice.name}", organisation=practices[0])
    many = {url: page_queries(client, url) for url in PAGES}
    assert many == few
    for url in PAGES:
        with django_assert_max_num_queries(16):
            client.get(url)


def test_search_finds_by_name_code_and_postcode_and_paginates(client, convenor, pcn):
    _practices(pcn, 30)
    client.force_login(convenor.user)
    page = client.get("/directory/", {"q": "riverside surgery"}).content.decode()
    assert "30 organisations, showing 1 to 25" in page and "Page 2 of 2" in page
    assert "Riverside Surgery 007" in client.get("/directory/", {"q": "y00007"}).content.decode()
    assert "PO30 1AA" in client.get("/directory/", {"q": "po30 1aa"}).content.decode()
    assert "No organisation matches" in client.get("/directory/", {"q": "zzz"}).content.decode()


def test_a_practice_page_shows_its_pcn_and_a_pcn_page_its_practices(client, convenor, pcn):
    practice = _practices(pcn, 2)[0]
    client.force_login(convenor.user)
    page = client.get(f"/directory/organisations/{practice.ods_code}/").content.decode()
    assert "Current PCN" in page and "Riverside PCN" in page
    page = client.get("/directory/organisations/U12345/").content.decode()
    assert "Member practices" in page and "Riverside Surgery 001" in page


def test_people_show_to_members_of_the_organisations_collectives(
    client, convenor, member, practice
):
    person = person_create(
        actor=convenor.user,
        actor_membership=convenor,
        name="Dr Ada Lovelace",
        organisation=practice.organisation,
        job_title="GP partner",
    )
    client.force_login(member.user)
    page = client.get(f"/directory/organisations/{practice.organisation.ods_code}/")
    assert "Dr Ada Lovelace" in page.content.decode()
    assert client.get(f"/directory/people/{person.pk}/").status_code == 200
    assert client.get(f"/directory/people/{person.pk}/edit/").status_code == 403


def test_a_convenor_adds_an_organisation_and_a_person_by_hand(client, convenor):
    client.force_login(convenor.user)
    form = client.get("/directory/organisations/new/").content.decode()
    assert f"{convenor.collective.name}&#39;s own" in form
    assert "Shared directory data, for every collective" not in form  # stewards only
    response = client.post(
        "/directory/organisations/new/",
        {
            "name": "Wessex LMC (test)",
            "kind": "lmc",
            "address": "",
            "postcode": "so50 1aa",
            "phone": "",
            "owner": convenor.collective.slug,
        },
    )
    lmc = Organisation.objects.get(name="Wessex LMC (test)")
    assert response["Location"] == f"/directory/organisations/{lmc.pk}/"
    assert lmc.ods_code is None and lmc.postcode == "SO50 1AA"
    assert lmc.owner == convenor.collective
    # The collective's own: its convenor may add people, and add it as a member.
    client.post(
        f"/directory/organisations/{lmc.pk}/add-to-collective/",
        {"collective": convenor.collective.slug},
    )
    assert convenor.collective.members.filter(organisation=lmc).exists()
    response = client.post(
        f"/directory/organisations/{lmc.pk}/people/new/",
        {
            "name": "Dr Sam Jones",
            "job_title": "Medical secretary",
            "role": "lmc_officer",
            "email": "SAM@example.org",
            "phone": "",
        },
    )
    person = Person.objects.get(name="Dr Sam Jones")
    assert response["Location"] == f"/directory/people/{person.pk}/"
    assert person.email == "sam@example.org" and person.owner == convenor.collective


def test_editing_shows_errors_next_to_the_fields(client, practice):
    client.force_login(UserFactory(is_superuser=True))  # a data steward
    page = client.post(
        f"/directory/organisations/{practice.organisation.ods_code}/edit/",
        {"name": "", "kind": "nonsense", "status": "active"},
    ).content.decode()
    assert "There is a problem" in page
    assert "This field is required." in page
    assert "Select a valid choice. nonsense is not one of the available choices." in page


def test_members_cannot_add_organisations(client, member):
    client.force_login(member.user)
    assert client.get("/directory/organisations/new/").status_code == 403


def test_the_api_filters_and_pages_organisations(client, convenor, pcn):
    _practices(pcn, 12)
    OrganisationFactory(ods_code="Z99999", name="Elsewhere Surgery", status="closed")
    client.force_login(convenor.user)
    body = client.get("/api/v1/organisations/", {"pcn": "U12345", "page_size": 5}).json()
    assert body["count"] == 12 and len(body["results"]) == 5
    assert body["results"][0]["current_pcn"] == {"code": "U12345", "name": "Riverside PCN"}
    body = client.get("/api/v1/organisations/", {"status": "closed"}).json()
    assert [o["ods_code"] for o in body["results"]] == ["Z99999"]
    assert client.get("/api/v1/organisations/", {"page_size": 1000}).json()["count"] == 14
    assert len(client.get("/api/v1/organisations/", {"page_size": 1000}).json()["results"]) == 14
    response = client.get("/api/v1/organisations/", {"kind": "castle"})
    assert response.status_code == 400
    assert "'castle' is not one of" in response.json()["kind"][0]


def test_the_api_gives_a_practices_pcn_and_a_pcns_practices(client, convenor, pcn):
    practice = _practices(pcn, 2)[0]
    client.force_login(convenor.user)
    body = client.get(f"/api/v1/organisations/{practice.ods_code}/").json()
    assert body["current_pcn"] == {"code": "U12345", "name": "Riverside PCN"}
    assert body["member_practices"] is None
    body = client.get("/api/v1/organisations/u12345/").json()
    assert [p["ods_code"] for p in body["member_practices"]] == ["Y00000", "Y00001"]
    assert client.get("/api/v1/organisations/NOPE1/").status_code == 404


def test_the_page_size_is_capped_at_500(client, convenor, db):
    Organisation.objects.bulk_create(
        Organisation(ods_code=f"X{i:05d}", name=f"Org {i}", kind="other") for i in range(501)
    )
    client.force_login(convenor.user)
    body = client.get("/api/v1/organisations/", {"page_size": 600}).json()
    assert body["count"] == 501 and len(body["results"]) == 500


def test_the_schema_describes_the_directory_endpoints(client, db):
    schema = client.get("/api/v1/schema/").content.decode()
    assert "/api/v1/organisations/{ods_code}/" in schema
    assert "page_size" in schema and "current_pcn" in schema and "member_practices" in schema


def test_the_api_documentation_page_loads(client, db):
    page = client.get("/api/v1/docs/").content.decode()
    assert "API documentation" in page
    assert "GET /api/v1/organisations/{ods_code}/" in page
    assert "page_size" in page and "OrganisationDetailOutput" in page


@pytest.mark.parametrize(
    "uploads",
    [
        {"pcns": "epcn-demo.csv", "pcn_partners": "epcncorepartnerdetails-demo.csv"},
        {"pcn_partners": "epcncorepartnerdetails-demo.csv"},  # the core partner report alone
    ],
    ids=["both reports", "core partner report alone"],
)
def test_superusers_start_an_import_in_the_background_and_see_its_outcome(
    client, db, django_capture_on_commit_callbacks, settings, tmp_path, uploads
):
    from contextlib import ExitStack
    from pathlib import Path

    settings.IMPORT_UPLOAD_DIR = str(tmp_path)
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    demo = Path(__file__).resolve().parents[1] / "fixtures" / "ods"
    with ExitStack() as files, django_capture_on_commit_callbacks(execute=True):
        data = {
            field: files.enter_context(open(demo / name, "rb"))
            for field, name in {"practices": "epraccur-demo.csv", **uploads}.items()
        }
        response = client.post("/directory/imports/", data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Imported. Organisations: 32 created" in page
    assert "PCN memberships: 24 added" in page
    assert list(tmp_path.iterdir()) == []  # the uploaded files were removed
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="import-progress"') and "hx-get" not in fragment


def test_a_running_import_shows_its_progress_and_keeps_polling(client, db):
    from django.core.cache import cache

    from directory.models import ImportRun, ImportStatus
    from directory.tasks import progress_key

    admin = UserFactory(is_superuser=True)
    run = ImportRun.objects.create(user=admin, status=ImportStatus.RUNNING)
    cache.set(progress_key(run.pk), {"stage": "Comparing practices", "done": 4, "total": 10})
    client.force_login(admin)
    fragment = client.get(f"/directory/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert "Comparing practices: 40% done." in html
    assert f'hx-get="/directory/imports/{run.pk}/"' in html and 'hx-trigger="every 1s"' in html
    assert "<html" not in html  # only the fragment, for htmx to swap in
