"""Pages for a collective's people, organisations, invitations and settings.

Thin: parse the request, call one service or selector, render.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import account_exists
from alliance.converters import parse_id
from alliance.forms import add_service_errors
from collectives import access, selectors, services
from collectives.decorators import SESSION_KEY, collective_page
from collectives.forms import (
    AcceptInvitationForm,
    CollectiveForm,
    InvitationForm,
    MemberOrganisationForm,
    MemberSearchForm,
    OrganisationCreateForm,
    PersonRolesForm,
    RoleForm,
    SearchForm,
)
from collectives.models import ROLE_DESCRIPTIONS, Membership, Role
from directory.forms import PersonForm
from directory.models import PersonRole
from directory.selectors import organisations_matching, organisations_open_to
from directory.services import person_create

PAGE_SIZE = 25


def _page(request: HttpRequest, items: object) -> object:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]


def _query(params: dict[str, str]) -> str:
    kept = {k: v for k, v in params.items() if v}
    return ("&" + urlencode(kept)) if kept else ""


def _url(membership: Membership, name: str) -> str:
    return reverse(f"collectives:{name}", args=[membership.collective.slug])


def _crumbs(membership: Membership, *extra: tuple[str, str]) -> list[dict[str, str]]:
    crumbs = [
        {
            "text": membership.collective.name,
            "href": reverse("home:collective", args=[membership.collective.slug]),
        }
    ]
    crumbs += [{"text": text, "href": href} for text, href in extra]
    return crumbs


@require_POST
def switch(request: HttpRequest) -> HttpResponse:
    membership = access.get_membership_for_user(request.user, request.POST.get("collective", ""))
    request.session[SESSION_KEY] = membership.collective.slug
    messages.success(request, f"You are now working in {membership.collective.name}.")
    return redirect("home:collective", membership.collective.slug)


# People --------------------------------------------------------------------------------


@collective_page("members")
def members(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = MemberSearchForm(request.GET or None)
    query = role = ""
    if form.is_valid():
        query, role = form.cleaned_data["q"], form.cleaned_data["role"]
    people = selectors.people_in_collective(
        collective=membership.collective, query=query, role=role
    )
    return render(
        request,
        "collectives/members.html",
        {
            "title": "Members",
            "membership": membership,
            "form": form,
            "page": _page(request, people),
            "query": _query({"q": query, "role": role}),
            "filtered": bool(query or role),
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("members", convenor_only=True)
def member_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    person = access.get_membership_in_collective(membership, pk)
    form = RoleForm(
        request.POST or None,
        collective=membership.collective,
        initial={"role": person.role, "organisation": person.organisation_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_change(
                actor_membership=membership,
                membership=person,
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person.user.display_name}'s role was changed.")
            return redirect("collectives:members", membership.collective.slug)
    return render(
        request,
        "collectives/member_edit.html",
        {
            "title": f"Change {person.user.display_name}'s role",
            "membership": membership,
            "person": person,
            "form": form,
            "breadcrumbs": _crumbs(membership, ("Members", _url(membership, "members"))),
        },
    )


@collective_page("members")
def member_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    person = access.get_membership_in_collective(membership, pk)
    leaving = person.pk == membership.pk
    if not leaving and membership.role != Role.CONVENOR:
        raise PermissionDenied("Only a convenor can remove someone from the collective.")
    error = ""
    if request.method == "POST":
        try:
            services.membership_remove(actor_membership=membership, membership=person)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if leaving:
                messages.success(request, f"You have left {membership.collective.name}.")
                return redirect("home:index")
            messages.success(
                request,
                f"{person.user.display_name} was removed from {membership.collective.name}.",
            )
            return redirect("collectives:members", membership.collective.slug)
    return render(
        request,
        "collectives/member_remove.html",
        {
            "title": "Leave the collective" if leaving else f"Remove {person.user.display_name}",
            "membership": membership,
            "person": person,
            "leaving": leaving,
            "error": error,
            "breadcrumbs": _crumbs(membership, ("Members", _url(membership, "members"))),
        },
    )


# Organisations -------------------------------------------------------------------------


@collective_page("organisations")
def organisations(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    members = selectors.member_organisations(collective=membership.collective, query=query)
    return render(
        request,
        "collectives/organisations.html",
        {
            "title": "Member organisations",
            "membership": membership,
            "form": form,
            "page": _page(request, members),
            "query": _query({"q": query}),
            "filtered": bool(query),
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("organisations", convenor_only=True)
def organisation_add(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = None
    if query:
        results = _page(
            request,
            organisations_matching(
                within=organisations_open_to(collective_id=membership.collective_id),
                query=query,
            ).exclude(collective_memberships__collective=membership.collective),
        )
    if request.method == "POST":
        organisation_id = parse_id(request.POST.get("organisation", ""))
        if organisation_id is None:
            raise Http404("No such organisation.")
        organisation = access.get_organisation_to_add(membership, organisation_id)
        try:
            services.member_organisation_add(
                actor_membership=membership,
                organisation=organisation,
                is_leadership=request.POST.get("is_leadership") == "on",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{organisation.name} is now a member organisation.")
        return redirect("collectives:organisations", membership.collective.slug)
    return render(
        request,
        "collectives/organisation_add.html",
        {
            "title": "Add a member organisation",
            "membership": membership,
            "form": form,
            "query": _query({"q": query}),
            "results": results,
            "searched": bool(query),
            "breadcrumbs": _crumbs(
                membership, ("Organisations", _url(membership, "organisations"))
            ),
        },
    )


@collective_page("organisations", convenor_only=True)
def organisation_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_organisation_create(
                actor_membership=membership, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{member.organisation.name} was added as a member organisation."
            )
            return redirect("collectives:organisations", membership.collective.slug)
    return render(
        request,
        "collectives/organisation_new.html",
        {
            "title": "Add an organisation without an ODS code",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(
                membership, ("Organisations", _url(membership, "organisations"))
            ),
        },
    )


def _organisation_crumbs(membership: Membership, member: Any = None) -> list[dict[str, str]]:
    extra = [("Organisations", _url(membership, "organisations"))]
    if member is not None:
        extra.append(
            (
                member.name,
                reverse("collectives:organisation", args=[membership.collective.slug, member.pk]),
            )
        )
    return _crumbs(membership, *extra)


@collective_page("organisations")
def organisation_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """A member organisation as this collective sees it: its local name and note, and the
    people the collective sees there with their roles in it."""
    member = access.get_member_organisation_in_collective(membership, pk)
    return render(
        request,
        "collectives/organisation.html",
        {
            "title": member.name,
            "membership": membership,
            "member": member,
            "people": list(selectors.people_at_member(member=member)),
            "role_labels": dict(PersonRole.choices),
            "breadcrumbs": _organisation_crumbs(membership),
        },
    )


def _member_form(
    request: HttpRequest,
    membership: Membership,
    member: Any,
    form: Any,
    save: Callable[[dict[str, Any]], str],
    **page: str,
) -> HttpResponse:
    """A convenor's form about a member organisation: ``save`` writes it through a service
    and says what it did; then back to the organisation's page."""
    if request.method == "POST" and form.is_valid():
        try:
            done = save(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("collectives:organisation", membership.collective.slug, member.pk)
    return render(
        request,
        "collectives/organisation_form.html",
        {
            **page,
            "membership": membership,
            "member": member,
            "form": form,
            "breadcrumbs": _organisation_crumbs(membership, member),
        },
    )


@collective_page("organisations", convenor_only=True)
def organisation_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The collective's own record of a member organisation: local name, note, leadership."""
    member = access.get_member_organisation_in_collective(membership, pk)
    fields = {k: getattr(member, k) for k in ("display_name", "note", "is_leadership")}
    form = MemberOrganisationForm(request.POST or None, initial=fields)

    def save(data: dict[str, Any]) -> str:
        services.member_organisation_update(actor_membership=membership, member=member, **data)
        return f"{member.organisation.name} was updated."

    return _member_form(
        request,
        membership,
        member,
        form,
        save,
        title=f"Change {member.name}",
        caption=member.organisation.get_kind_display(),
        heading=member.name,
        intro=f"What {membership.collective.name} records about {member.organisation.name}. "
        "Other collectives do not see it, and the directory keeps the official name.",
        submit="Save",
    )


@collective_page("organisations", convenor_only=True)
def organisation_people(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """People's roles in this collective, one choice per person seen at the organisation."""
    member = access.get_member_organisation_in_collective(membership, pk)
    form = PersonRolesForm(
        request.POST or None, people=list(selectors.people_at_member(member=member))
    )

    def save(data: dict[str, Any]) -> str:
        services.person_roles_set(actor_membership=membership, roles=form.roles())
        return f"The roles at {member.name} were saved."

    collective = membership.collective.name
    return _member_form(
        request,
        membership,
        member,
        form,
        save,
        title=f"Roles of the people at {member.name}",
        caption=member.name,
        heading=f"Roles in {collective}",
        intro=f"The role each person has in {collective}. Only your collective sees these; "
        "the directory's record of each person does not change.",
        submit="Save roles",
    )


@collective_page("organisations", convenor_only=True)
def organisation_person_new(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """Add someone at a member organisation as the collective's own record of them."""
    member = access.get_member_organisation_in_collective(membership, pk)
    form = PersonForm(request.POST or None)

    def save(data: dict[str, Any]) -> str:
        person = person_create(
            actor=request.user,
            actor_membership=membership,
            organisation=member.organisation,
            **data,
        )
        return f"{person.name} was added to {member.name}."

    return _member_form(
        request,
        membership,
        member,
        form,
        save,
        title=f"Add a person at {member.name}",
        caption=member.name,
        heading="Add a person",
        inset=f"They will be {membership.collective.name}'s own record: only your collective "
        "sees them, and only its convenors change their details.",
        submit="Add person",
    )


@collective_page("organisations", convenor_only=True)
def organisation_remove(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    member = access.get_member_organisation_in_collective(membership, pk)
    error = ""
    if request.method == "POST":
        try:
            services.member_organisation_remove(actor_membership=membership, member=member)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{member.organisation.name} is no longer a member.")
            return redirect("collectives:organisations", membership.collective.slug)
    return render(
        request,
        "collectives/organisation_remove.html",
        {
            "title": f"Remove {member.organisation.name}",
            "membership": membership,
            "member": member,
            "error": error,
            "breadcrumbs": _crumbs(
                membership, ("Organisations", _url(membership, "organisations"))
            ),
        },
    )


# Invitations ---------------------------------------------------------------------------


@collective_page("invitations", convenor_only=True)
def invitations(request: HttpRequest, membership: Membership) -> HttpResponse:
    items = selectors.invitations_for_collective(collective=membership.collective)
    return render(
        request,
        "collectives/invitations.html",
        {
            "title": "Invitations",
            "membership": membership,
            "page": _page(request, items),
            "query": "",
            "breadcrumbs": _crumbs(membership),
        },
    )


@collective_page("invitations", convenor_only=True)
def invitation_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = InvitationForm(
        request.POST or None, collective=membership.collective, initial={"role": Role.MEMBER}
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                actor_membership=membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                organisation=form.cleaned_data["organisation"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("collectives:invitations", membership.collective.slug)
    return render(
        request,
        "collectives/invitation_new.html",
        {
            "title": "Invite someone",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership, ("Invitations", _url(membership, "invitations"))),
        },
    )


@require_POST
@collective_page("invitations", convenor_only=True)
def invitation_resend(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    invitation = access.get_invitation_in_collective(membership, pk)
    try:
        services.invitation_resend(actor_membership=membership, invitation=invitation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"A new link was sent to {invitation.email}.")
    return redirect("collectives:invitations", membership.collective.slug)


@collective_page("invitations", convenor_only=True)
def invitation_revoke(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    invitation = access.get_invitation_in_collective(membership, pk)
    if request.method == "POST":
        try:
            services.invitation_revoke(actor_membership=membership, invitation=invitation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The invitation for {invitation.email} was withdrawn.")
        return redirect("collectives:invitations", membership.collective.slug)
    return render(
        request,
        "collectives/invitation_revoke.html",
        {
            "title": f"Withdraw the invitation for {invitation.email}",
            "membership": membership,
            "invitation": invitation,
            "breadcrumbs": _crumbs(membership, ("Invitations", _url(membership, "invitations"))),
        },
    )


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an invitation e-mail: create an account or sign in, then join."""
    invitation = services.invitation_by_token(token)
    context: dict[str, object] = {"title": "Accept your invitation", "invitation": invitation}
    if invitation is None or not invitation.is_usable:
        context["problem"] = (
            "This invitation link is not valid. Check you copied all of it."
            if invitation is None
            else {
                "accepted": "This invitation has already been used.",
                "revoked": "This invitation was withdrawn. Ask the convenor for a new one.",
                "expired": "This invitation has expired: links last 7 days. "
                "Ask the convenor to send a new one.",
            }[invitation.status]
        )
        return render(request, "collectives/invitation_accept.html", context, status=410)

    user = request.user
    if user.is_authenticated:
        if request.method == "POST":
            try:
                joined = services.invitation_accept(token=token, user=user)  # type: ignore[arg-type]
            except services.InvitationUnusable as exc:
                context["problem"] = " ".join(exc.messages)
            else:
                messages.success(request, f"Welcome to {joined.collective.name}.")
                return redirect("home:collective", joined.collective.slug)
        elif user.email.lower() != invitation.email.lower():  # type: ignore[union-attr]
            context["problem"] = (
                f"This invitation is for {invitation.email}, but you are signed in as "
                f"{user.email}. Sign out, then open the link again."  # type: ignore[union-attr]
            )
        return render(request, "collectives/invitation_accept.html", context)

    if account_exists(email=invitation.email):
        context["sign_in_first"] = True
        return render(request, "collectives/invitation_accept.html", context)

    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            joined = services.invitation_accept_new_account(
                token=token,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error, renames={"password": "password1"})
        else:
            login(request, joined.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {joined.collective.name}.")
            return redirect("home:collective", joined.collective.slug)
    context["form"] = form
    return render(request, "collectives/invitation_accept.html", context)


# Settings ------------------------------------------------------------------------------


@collective_page("settings", convenor_only=True)
def collective_settings(request: HttpRequest, membership: Membership) -> HttpResponse:
    form = CollectiveForm(request.POST or None, instance=membership.collective)
    if request.method == "POST" and form.is_valid():
        try:
            services.collective_update(
                actor_membership=membership,
                name=form.cleaned_data["name"],
                area=form.cleaned_data["area"],
                description=form.cleaned_data["description"],
                readability_threshold=form.cleaned_data["readability_threshold"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The collective's details were saved.")
            return redirect("collectives:settings", membership.collective.slug)
    return render(
        request,
        "collectives/settings.html",
        {
            "title": "Collective settings",
            "membership": membership,
            "form": form,
            "breadcrumbs": _crumbs(membership),
            "role_descriptions": ROLE_DESCRIPTIONS,
        },
    )
