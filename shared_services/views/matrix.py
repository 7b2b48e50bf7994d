"""Who does what: the responsibility matrix every member sees as one page, its export, the
convenor's functions, and changes drafted, proposed through a consensus proposal, applied
and told to every practice.

Thin: the forms parse, shared_services.services_matrix holds every rule,
shared_services.selectors_matrix reads (a fixed number of queries) and shared_services.access
fetches each function and change within the collective (404 for another's)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse

from alliance.exports import csv_response, export_view, xlsx_response
from alliance.forms import add_service_errors
from collectives.decorators import collective_page
from collectives.models import Membership
from shared_services import access
from shared_services import matrix_rules as rules
from shared_services import selectors_matrix as selectors
from shared_services import services_matrix as services
from shared_services.forms_matrix import (
    ApplyForm,
    CellsForm,
    ChangeEditForm,
    ChangeNewForm,
    FunctionForm,
    MatrixSearchForm,
    ProposeForm,
)
from shared_services.models import MatrixChange, MatrixChangeStatus

SECTION = "who_does_what"
CHANGES_PER_PAGE = 10


def _slug(membership: Membership) -> str:
    return membership.collective.slug


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    slug = _slug(membership)
    return [
        {"text": membership.collective.name, "href": reverse("home:collective", args=[slug])},
        {"text": "Who does what", "href": reverse("shared_services:matrix", args=[slug])},
        *({"text": text, "href": href} for text, href in extra),
    ]


def _change_url(membership: Membership, change: MatrixChange) -> str:
    return reverse("shared_services:change", args=[_slug(membership), change.pk])


def _matrix(membership: Membership, q: str = "") -> selectors.MatrixView:
    """The matrix, with the standard functions made on first use."""
    found = selectors.matrix_for(membership.collective_id, q=q)
    if not found.functions and services.matrix_functions_ensure(actor_membership=membership):
        found = selectors.matrix_for(membership.collective_id, q=q)
    return found


# The matrix -------------------------------------------------------------------------------


@collective_page(SECTION)
def matrix(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    form = MatrixSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    view = _matrix(membership, q)
    page = Paginator(selectors.changes_in(membership.collective_id), CHANGES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "shared_services/matrix.html",
        {
            "title": "Who does what",
            "membership": membership,
            "form": form,
            "q": q,
            "view": view,
            "page": page,
            "query": ("&" + urlencode({"q": q})) if q else "",
            "export_query": ("&" + urlencode({"q": q})) if q else "",
            "words": rules.roles_words,
            "letters": rules.LETTERS,
            "meanings": [
                (letter, rules.WORDS[letter], rules.MEANINGS[letter]) for letter in rules.LETTERS
            ],
            "conflict_labels": rules.CONFLICT_KINDS,
            "can_change": membership.is_convenor,
            "breadcrumbs": _crumbs(membership)[:1],
        },
    )


@export_view
@collective_page(SECTION)
def matrix_export(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    kind = request.GET.get("format", "csv")
    if kind not in ("csv", "xlsx"):
        raise Http404("Export as csv or xlsx.")
    form = MatrixSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    rows = selectors.matrix_rows_for_export(_matrix(membership, q))
    filename = f"who-does-what-{_slug(membership)}"
    if kind == "xlsx":
        return xlsx_response(f"{filename}.xlsx", {"Who does what": rows})
    return csv_response(f"{filename}.csv", rows)


@collective_page(SECTION, convenor_only=True)
def matrix_set(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The first version of the matrix, set directly until the group has agreed a change."""
    view = _matrix(membership)
    if view.agreed:
        messages.error(
            request,
            "The group has agreed who does what: change it by drafting a change and "
            "proposing it to the group.",
        )
        return redirect("shared_services:matrix", _slug(membership))
    form = CellsForm(
        request.POST if request.method == "POST" else None,
        functions=view.functions,
        bodies=view.bodies,
        roles=view.roles,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_first_version_set(actor_membership=membership, cells=form.cells())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Who does what is saved.")
            return redirect("shared_services:matrix", _slug(membership))
    return render(
        request,
        "shared_services/matrix_set.html",
        {
            "title": "Set who does what",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
        },
    )


# Functions --------------------------------------------------------------------------------


@collective_page(SECTION, convenor_only=True)
def function_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = FunctionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            function = services.function_add(
                actor_membership=membership, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{function.name}” is on the matrix.")
            return redirect("shared_services:matrix", _slug(membership))
    return render(
        request,
        "shared_services/matrix_function_form.html",
        {
            "title": "Add a function",
            "membership": membership,
            "form": form,
            "function": None,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page(SECTION, convenor_only=True)
def function_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    function = access.get_function_in_collective(membership, pk)
    form = FunctionForm(
        request.POST if request.method == "POST" else None, initial={"name": function.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            function = services.function_rename(
                actor_membership=membership, function=function, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The function is now called “{function.name}”.")
            return redirect("shared_services:matrix", _slug(membership))
    return render(
        request,
        "shared_services/matrix_function_form.html",
        {
            "title": f"Rename {function.name}",
            "membership": membership,
            "form": form,
            "function": function,
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page(SECTION, convenor_only=True)
def function_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    function = access.get_function_in_collective(membership, pk)
    problem = ""
    if request.method == "POST":
        try:
            services.function_remove(actor_membership=membership, function=function)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"“{function.name}” is no longer on the matrix.")
            return redirect("shared_services:matrix", _slug(membership))
    return render(
        request,
        "shared_services/matrix_function_remove.html",
        {
            "title": f"Remove {function.name}",
            "membership": membership,
            "function": function,
            "problem": problem,
            "breadcrumbs": _crumbs(membership),
        },
    )


# Changes ----------------------------------------------------------------------------------


@collective_page(SECTION, convenor_only=True)
def change_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    view = _matrix(membership)
    form = ChangeNewForm(
        request.POST if request.method == "POST" else None, functions=view.functions
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.matrix_change_draft(
                actor_membership=membership,
                summary=form.cleaned_data["summary"],
                functions=form.chosen(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The draft is saved: now set who would do what.")
            return redirect("shared_services:change_edit", _slug(membership), change.pk)
    return render(
        request,
        "shared_services/matrix_change_new.html",
        {
            "title": "Draft a change to who does what",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
        },
    )


def _detail_context(membership: Membership, change: MatrixChange) -> dict[str, Any]:
    found = selectors.change_view(change, collective_id=membership.collective_id)
    briefing = selectors.briefing_of(found.decision)
    return {
        "membership": membership,
        "change": change,
        "view": found,
        "briefing": briefing,
        "words": rules.roles_words,
        "can_change": membership.is_convenor,
    }


@collective_page(SECTION)
def change_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    change = access.get_change_in_collective(membership, pk)
    context = _detail_context(membership, change)
    context.update({"title": change.summary, "breadcrumbs": _crumbs(membership)})
    return render(request, "shared_services/matrix_change.html", context)


@collective_page(SECTION, convenor_only=True)
def change_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    change = access.get_change_in_collective(membership, pk)
    if change.status != MatrixChangeStatus.DRAFT:
        messages.error(request, "Only a draft can be edited.")
        return redirect(_change_url(membership, change))
    found = selectors.change_view(change, collective_id=membership.collective_id)
    all_functions = list(selectors.functions_in(membership.collective_id))
    touched = [f for name in found.proposed for f in all_functions if f.name == name]
    form = ChangeEditForm(
        request.POST if request.method == "POST" else None,
        functions=touched,
        bodies=found.bodies,
        roles=found.proposed,
        all_functions=all_functions,
        summary=change.summary,
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        try:
            services.matrix_change_edit(
                actor_membership=membership,
                change=change,
                summary=form.cleaned_data["summary"],
                cells=form.cells(),
                functions=chosen,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if {f.pk for f in chosen} - {f.pk for f in touched}:
                messages.success(
                    request, "Saved. Now set who would do what for the functions added."
                )
                return redirect("shared_services:change_edit", _slug(membership), change.pk)
            messages.success(request, "The draft is saved.")
            return redirect(_change_url(membership, change))
    return render(
        request,
        "shared_services/matrix_change_edit.html",
        {
            "title": f"Edit the draft: {change.summary}",
            "membership": membership,
            "change": change,
            "view": found,
            "form": form,
            "breadcrumbs": _crumbs(membership, (change.summary, _change_url(membership, change))),
        },
    )


@collective_page(SECTION, convenor_only=True)
def change_propose(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    change = access.get_change_in_collective(membership, pk)
    form = ProposeForm(
        request.POST if request.method == "POST" else None,
        initial={"problem": services.default_problem(change)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.matrix_change_propose(
                actor_membership=membership, change=change, problem=form.cleaned_data["problem"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Proposed to the leadership group as “{proposal.title}”. Apply the change "
                "once the decision is recorded.",
            )
            return redirect(_change_url(membership, change))
    context = _detail_context(membership, change)
    context.update(
        {
            "title": f"Propose: {change.summary}",
            "form": form,
            "breadcrumbs": _crumbs(membership, (change.summary, _change_url(membership, change))),
        }
    )
    return render(request, "shared_services/matrix_change_propose.html", context)


@collective_page(SECTION, convenor_only=True)
def change_apply(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    change = access.get_change_in_collective(membership, pk)
    context = _detail_context(membership, change)
    briefing = context["briefing"]
    summary, meaning = services.briefing_text(membership.collective_id, change)
    problem = ""
    if change.status != MatrixChangeStatus.PROPOSED:
        problem = "Only a proposed change can be applied."
    elif context["view"].decision is None:
        problem = (
            "The group has not decided yet: the proposal has no recorded decision, so the "
            "change cannot be applied. Once consensus is recorded, come back to apply it."
        )
    form = ApplyForm(
        request.POST if request.method == "POST" and not problem else None,
        initial={"summary": summary, "meaning": meaning},
        briefing_written=briefing is not None,
    )
    if request.method == "POST" and problem:
        try:  # the service says why, in the words the API uses too
            services.matrix_change_apply(actor_membership=membership, change=change)
        except ValidationError as error:
            problem = " ".join(error.messages)
    elif request.method == "POST" and form.is_valid():
        try:
            services.matrix_change_apply(
                actor_membership=membership,
                change=change,
                briefing_summary=form.cleaned_data.get("summary", ""),
                briefing_meaning=form.cleaned_data.get("meaning", ""),
                confirm_hard=form.cleaned_data["confirm_hard"],
            )
        except ValidationError as error:
            if any(getattr(e, "code", "") == "needs_confirmation" for e in _errors(error)):
                form.add_error("confirm_hard", " ".join(error.messages))
            else:
                add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Applied: who does what has changed, and the briefing is published to every "
                "practice.",
            )
            return redirect(_change_url(membership, change))
    context.update(
        {
            "title": f"Apply: {change.summary}",
            "form": form,
            "problem": problem,
            "breadcrumbs": _crumbs(membership, (change.summary, _change_url(membership, change))),
        }
    )
    return render(request, "shared_services/matrix_change_apply.html", context)


def _errors(error: ValidationError) -> list[ValidationError]:
    return list(getattr(error, "error_list", []))


@collective_page(SECTION, convenor_only=True)
def change_withdraw(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    change = access.get_change_in_collective(membership, pk)
    problem = ""
    if request.method == "POST":
        try:
            services.matrix_change_withdraw(actor_membership=membership, change=change)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"“{change.summary}” is withdrawn.")
            return redirect("shared_services:matrix", _slug(membership))
    return render(
        request,
        "shared_services/matrix_change_withdraw.html",
        {
            "title": f"Withdraw {change.summary}",
            "membership": membership,
            "change": change,
            "problem": problem,
            "breadcrumbs": _crumbs(membership, (change.summary, _change_url(membership, change))),
        },
    )


P = "c/<slug:slug>/who-does-what/"
routes: list[URLPattern] = [
    path(P, matrix, name="matrix"),
    path(P + "export/", matrix_export, name="matrix_export"),
    path(P + "set/", matrix_set, name="matrix_set"),
    path(P + "functions/new/", function_new, name="function_new"),
    path(P + "functions/<id:pk>/edit/", function_edit, name="function_edit"),
    path(P + "functions/<id:pk>/remove/", function_remove, name="function_remove"),
    path(P + "changes/new/", change_new, name="change_new"),
    path(P + "changes/<id:pk>/", change_detail, name="change"),
    path(P + "changes/<id:pk>/edit/", change_edit, name="change_edit"),
    path(P + "changes/<id:pk>/propose/", change_propose, name="change_propose"),
    path(P + "changes/<id:pk>/apply/", change_apply, name="change_apply"),
    path(P + "changes/<id:pk>/withdraw/", change_withdraw, name="change_withdraw"),
]
