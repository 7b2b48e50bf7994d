"""Directory pages: search, organisation and person pages, hand edits, the ODS import."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alliance.forms import add_service_errors
from alliance.tenancy import outside_collective_page, tenancy
from directory import access, selectors, services
from directory.forms import (
    ImportForm,
    OrganisationCreateForm,
    OrganisationForm,
    OrganisationSearchForm,
    PersonForm,
)
from directory.models import ImportRun, ImportStatus, OrganisationKind, Person
from directory.tasks import progress_key

PAGE_SIZE = 25


def _crumbs(*items: tuple[str, str]) -> list[dict[str, str]]:
    return [{"text": "Directory", "href": reverse("directory:search")}] + [
        {"text": t, "href": h} for t, h in items
    ]


@outside_collective_page("directory")
def search(request: HttpRequest) -> HttpResponse:
    form = OrganisationSearchForm(request.GET or None)
    filters = {"query": "", "kind": "", "status": "", "icb": "", "pcn": ""}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "query": data["q"],
            "kind": data["kind"],
            "status": data["status"],
            "icb": data["icb"],
            "pcn": data["pcn"],
        }
    searched = any(filters.values())
    page = None
    if searched:
        found = selectors.organisations_matching(
            within=selectors.organisations_visible_to(user=request.user), **filters
        )
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "directory/search.html",
        {
            "title": "Directory of organisations",
            "form": form,
            "page": page,
            "searched": searched,
            "query": ("&" + urlencode(kept)) if kept else "",
            "can_add": access.can_add_organisations(request.user),
        },
    )


@outside_collective_page("directory")
def organisation_detail(request: HttpRequest, key: str) -> HttpResponse:
    organisation = access.get_organisation(request.user, key)
    members = (
        list(selectors.member_practices(pcn=organisation))
        if organisation.kind == OrganisationKind.PCN
        else []
    )
    show_people = selectors.organisation_can_show_people(
        user=request.user, organisation=organisation
    )
    convening = list(tenancy().convenor_memberships_of(request.user))
    records = list(selectors.member_records_for(user=request.user, organisation=organisation))
    in_collective = {r.collective_id for r in records}
    return render(
        request,
        "directory/organisation.html",
        {
            "title": organisation.name,
            "organisation": organisation,
            "members": members,
            "relationships": list(
                selectors.relationships_of(organisation=organisation, user=request.user)
            ),
            "people": list(selectors.people_of(user=request.user, organisation=organisation))
            if show_people
            else None,
            "records": records,
            "can_add_to": [
                m
                for m in convening
                if m.collective_id not in in_collective
                and organisation.owner_id in (None, m.collective_id)
            ],
            "can_edit": access.can_edit(request.user, organisation),
            "runs": list(selectors.import_runs()[:5]) if request.user.is_superuser else [],
            "breadcrumbs": _crumbs(),
        },
    )


@outside_collective_page("directory")
def organisation_new(request: HttpRequest) -> HttpResponse:
    if not access.can_add_organisations(request.user):
        raise PermissionDenied("Only a convenor of a collective can add organisations.")
    form = OrganisationCreateForm(
        request.POST or None,
        steward=access.is_data_steward(request.user),
        collectives=[
            (m.collective.slug, m.collective.name) for m in access.convened_by(request.user)
        ],
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user,
                actor_membership=access.get_owner_named(request.user, form.cleaned_data["owner"]),
                **{
                    k: form.cleaned_data[k]
                    for k in ("name", "kind", "address", "postcode", "phone")
                },
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{organisation.name} was added to the directory.")
            return redirect("directory:organisation", organisation.ods_code or organisation.pk)
    return render(
        request,
        "directory/organisation_form.html",
        {
            "title": "Add an organisation",
            "form": form,
            "breadcrumbs": _crumbs(),
        },
    )


@outside_collective_page("directory")
def organisation_edit(request: HttpRequest, key: str) -> HttpResponse:
    organisation = access.get_organisation_for_editing(request.user, key)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,
                organisation=organisation,
                **{k: form.cleaned_data[k] for k in services.EDITABLE_FIELDS},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{organisation.name} was updated.")
            return redirect("directory:organisation", key)
    return render(
        request,
        "directory/organisation_form.html",
        {
            "title": f"Change {organisation.name}",
            "form": form,
            "organisation": organisation,
            "breadcrumbs": _crumbs(
                (organisation.name, reverse("directory:organisation", args=[key]))
            ),
        },
    )


@outside_collective_page("directory")
def person_new(request: HttpRequest, key: str) -> HttpResponse:
    organisation = access.get_organisation_for_editing(request.user, key)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user,
                organisation=organisation,
                actor_membership=access.owner_convenor(request.user, organisation.owner_id),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name} was added.")
            return redirect("directory:person", person.pk)
    return render(
        request,
        "directory/person_form.html",
        {
            "title": f"Add a person to {organisation.name}",
            "form": form,
            "owner": organisation.owner,
            "breadcrumbs": _crumbs(
                (organisation.name, reverse("directory:organisation", args=[key]))
            ),
        },
    )


@outside_collective_page("directory")
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_person_for_user(request.user, pk)
    organisation = person.organisation
    return render(
        request,
        "directory/person.html",
        {
            "title": person.name,
            "person": person,
            "can_edit": access.can_edit(request.user, person),
            "breadcrumbs": _crumbs(
                (
                    organisation.name,
                    reverse(
                        "directory:organisation", args=[organisation.ods_code or organisation.pk]
                    ),
                )
            ),
        },
    )


@outside_collective_page("directory")
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person: Person = access.get_person_for_editing(request.user, pk)
    form = PersonForm(
        request.POST or None,
        initial={
            "name": person.name,
            "job_title": person.job_title,
            "role": person.role,
            "email": person.email,
            "phone": person.phone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.name}'s details were saved.")
            return redirect("directory:person", person.pk)
    return render(
        request,
        "directory/person_form.html",
        {
            "title": f"Change {person.name}'s details",
            "form": form,
            "owner": person.owner,
            "breadcrumbs": _crumbs((person.name, reverse("directory:person", args=[person.pk]))),
        },
    )


# The ODS import, for superusers ---------------------------------------------------------


def _save_upload(folder: Path, upload: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(getattr(upload, "name", "upload")).name
    with open(folder / name, "wb") as out:
        for chunk in upload.chunks():  # type: ignore[attr-defined]
            out.write(chunk)


@outside_collective_page("directory")
def imports(request: HttpRequest) -> HttpResponse:
    access.require_superuser(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        Path(settings.IMPORT_UPLOAD_DIR).mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="ods-import-", dir=settings.IMPORT_UPLOAD_DIR))
        _save_upload(folder / "practices", form.cleaned_data["practices"])
        for field in ("pcns", "pcn_partners"):
            if form.cleaned_data[field]:
                _save_upload(folder / "pcns", form.cleaned_data[field])
        run = services.ods_import_queue(
            actor=request.user, upload_dir=str(folder), forced=form.cleaned_data["force"]
        )
        messages.success(request, "The import has started. This page shows its progress.")
        return redirect("directory:import_run", run.pk)
    page = Paginator(selectors.import_runs(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/imports.html",
        {
            "title": "Import the ODS files",
            "form": form,
            "page": page,
            "query": "",
            "breadcrumbs": _crumbs(),
        },
    )


def _run_context(run: ImportRun) -> dict[str, object]:
    progress = (
        cache.get(progress_key(run.pk))
        if run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        else None
    )
    share = 0
    if progress and progress.get("total"):
        share = int(100 * min(progress["done"], progress["total"]) / progress["total"])
    return {
        "run": run,
        "progress": progress,
        "share": share,
        "finished": run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING),
    }


@outside_collective_page("directory")
def import_run(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_superuser(request.user)
    run = selectors.import_runs().filter(pk=pk).first()
    if run is None:
        raise Http404("No such import.")
    context = _run_context(run)
    if request.headers.get("HX-Request"):
        return render(request, "directory/_import_progress.html", context)
    return render(
        request,
        "directory/import_run.html",
        {
            **context,
            "title": f"ODS import of {run.started_at:%d %B %Y %H:%M}",
            "breadcrumbs": _crumbs(("Imports", reverse("directory:imports"))),
        },
    )


@require_POST
def organisation_add_to_collective(request: HttpRequest, key: str) -> HttpResponse:
    """Convenors add a directory organisation to their collective (collectives' service,
    through the tenancy port)."""
    organisation = access.get_organisation(request.user, key)
    membership = tenancy().membership_for_user(
        request.user, request.POST.get("collective", ""), convenor_only=True
    )
    try:
        tenancy().member_organisation_add(actor_membership=membership, organisation=organisation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{organisation.name} is now a member of {membership.collective.name}."
        )
    return redirect("directory:organisation", key)
