"""The who-does-what API: the matrix with its conflicts, its functions, and changes drafted,
proposed through a consensus proposal and applied (then told to every practice).

Thin, like the pages: every rule is in shared_services.services_matrix, the reads in
shared_services.selectors_matrix, and each function and change is fetched through
shared_services.access within the caller's collective (another's is not found). Every
member but a guest reads; only a convenor changes anything.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import URLPattern, path
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance.api import ids_not_found, paged_response, valid_input, valid_query
from collectives.access import get_membership_for_user
from collectives.models import Membership
from shared_services import access
from shared_services import selectors_matrix as selectors
from shared_services import services_matrix as services
from shared_services.models import Function, MatrixChange
from shared_services.serializers_matrix import (
    MatrixApplyInput,
    MatrixChangeDetailOutput,
    MatrixChangeFilter,
    MatrixChangeInput,
    MatrixChangeOutput,
    MatrixChangePatchInput,
    MatrixFunctionFilter,
    MatrixFunctionInput,
    MatrixFunctionOutput,
    MatrixInput,
    MatrixOutput,
    MatrixProposeInput,
    change_data,
    change_detail_data,
    matrix_data,
)


def _reader(request: Request, slug: str) -> Membership:
    membership = get_membership_for_user(request.user, slug)
    access.require_reader(membership)
    return membership


def _matrix(membership: Membership) -> selectors.MatrixView:
    found = selectors.matrix_for(membership.collective_id)
    if not found.functions and services.matrix_functions_ensure(actor_membership=membership):
        found = selectors.matrix_for(membership.collective_id)
    return found


def _functions_named(membership: Membership, ids: list[int]) -> list[Function]:
    found = list(selectors.functions_in(membership.collective_id).filter(pk__in=ids))
    missing = set(ids) - {f.pk for f in found}
    if missing:
        raise ids_not_found("functions", "functions of this collective", missing)
    return found


def _detail(membership: Membership, pk: int) -> dict[str, Any]:
    change = access.get_change_in_collective(membership, pk)
    view = selectors.change_view(change, collective_id=membership.collective_id)
    return dict(MatrixChangeDetailOutput(change_detail_data(view)).data)


class Matrix(APIView):
    """Who does what: every function (rows) against the collective's bodies (its member
    federations, PCNs and LMCs, the practices and the leadership group), each body's letters
    (R, A, C, I), and the conflicts: a function with no Accountable body, two or more, or
    nobody Responsible. The standard functions are made on first use. PUT sets who does what
    directly for the functions named (a convenor), allowed only until the group has agreed a
    change; after that every change goes through a proposal."""

    @extend_schema(responses=MatrixOutput)
    def get(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        return Response(MatrixOutput(matrix_data(_matrix(membership))).data)

    @extend_schema(request=MatrixInput, responses=MatrixOutput)
    def put(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        data = valid_input(MatrixInput, request)
        services.matrix_first_version_set(actor_membership=membership, cells=data["cells"])
        return Response(MatrixOutput(matrix_data(_matrix(membership))).data)


class FunctionList(generics.ListAPIView):
    """The matrix's functions, in order (?q= searches their names). POST adds one (a
    convenor); it starts with nobody doing it."""

    serializer_class = MatrixFunctionOutput

    @extend_schema(parameters=[MatrixFunctionFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Function]:
        membership = _reader(self.request, self.kwargs["slug"])
        filters = valid_query(MatrixFunctionFilter, self.request)
        _matrix(membership)
        found = selectors.functions_in(membership.collective_id)
        if filters.get("q"):
            found = found.filter(name__icontains=filters["q"])
        return found

    @extend_schema(request=MatrixFunctionInput, responses={201: MatrixFunctionOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        data = valid_input(MatrixFunctionInput, request)
        function = services.function_add(actor_membership=membership, name=data["name"])
        return Response(MatrixFunctionOutput(function).data, status=status.HTTP_201_CREATED)


class FunctionDetail(APIView):
    """A function. PATCH renames it and DELETE removes it, with who does what for it (a
    convenor; refused while a change not yet applied names it)."""

    serializer_class = MatrixFunctionOutput

    @extend_schema(responses=MatrixFunctionOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        return Response(
            MatrixFunctionOutput(access.get_function_in_collective(membership, pk)).data
        )

    @extend_schema(request=MatrixFunctionInput, responses=MatrixFunctionOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        function = access.get_function_in_collective(membership, pk)
        data = valid_input(MatrixFunctionInput, request)
        function = services.function_rename(
            actor_membership=membership, function=function, name=data["name"]
        )
        return Response(MatrixFunctionOutput(function).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        function = access.get_function_in_collective(membership, pk)
        services.function_remove(actor_membership=membership, function=function)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangeList(generics.ListAPIView):
    """Changes to who does what, newest first: drafts, proposed and applied (?status=
    withdrawn for those withdrawn). POST drafts one (a convenor): for the functions named,
    starting from who does what now, or with the cells given."""

    serializer_class = MatrixChangeOutput

    @extend_schema(parameters=[MatrixChangeFilter])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[MatrixChange]:
        membership = _reader(self.request, self.kwargs["slug"])
        filters = valid_query(MatrixChangeFilter, self.request)
        return selectors.changes_in(membership.collective_id, status=filters.get("status", ""))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return paged_response(
            self,
            self.get_queryset(),
            lambda page: MatrixChangeOutput([change_data(c) for c in page], many=True).data,
        )

    @extend_schema(request=MatrixChangeInput, responses={201: MatrixChangeDetailOutput})
    def post(self, request: Request, slug: str) -> Response:
        membership = _reader(request, slug)
        data = valid_input(MatrixChangeInput, request)
        change = services.matrix_change_draft(
            actor_membership=membership,
            summary=data["summary"],
            functions=_functions_named(membership, data.get("functions", [])),
            cells=data.get("cells"),
        )
        return Response(_detail(membership, change.pk), status=status.HTTP_201_CREATED)


class ChangeDetail(APIView):
    """A change with what it would alter in the matrix as it stands and the conflicts it
    would leave. PATCH edits a draft (a convenor): its summary, the functions it changes
    and who would do what; DELETE withdraws a draft or proposed change (its proposal too,
    while it is being worked), after which it is no longer found."""

    serializer_class = MatrixChangeDetailOutput

    @extend_schema(responses=MatrixChangeDetailOutput)
    def get(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        return Response(_detail(membership, pk))

    @extend_schema(request=MatrixChangePatchInput, responses=MatrixChangeDetailOutput)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        change = access.get_change_in_collective(membership, pk)
        data = valid_input(MatrixChangePatchInput, request, partial=True)
        functions = data.get("functions")
        services.matrix_change_edit(
            actor_membership=membership,
            change=change,
            summary=data.get("summary"),
            cells=data.get("cells"),
            functions=_functions_named(membership, functions) if functions is not None else None,
        )
        return Response(_detail(membership, pk))

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        change = access.get_change_in_collective(membership, pk)
        services.matrix_change_withdraw(actor_membership=membership, change=change)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChangePropose(APIView):
    """A convenor puts a draft to the leadership group: a consensus proposal (decisions)
    whose text lists the changes as a table of before and after."""

    serializer_class = MatrixChangeDetailOutput

    @extend_schema(request=MatrixProposeInput, responses=MatrixChangeDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        change = access.get_change_in_collective(membership, pk)
        data = valid_input(MatrixProposeInput, request)
        services.matrix_change_propose(
            actor_membership=membership, change=change, problem=data.get("problem", "")
        )
        return Response(_detail(membership, pk))


class ChangeApply(APIView):
    """Once the proposal's decision is recorded, a convenor applies the change: the
    functions it names take the agreed cells, and the decision's briefing (the one written,
    or one made from the changes) is published to every practice. A briefing that reads
    harder than the collective's threshold needs confirm_hard."""

    serializer_class = MatrixChangeDetailOutput

    @extend_schema(request=MatrixApplyInput, responses=MatrixChangeDetailOutput)
    def post(self, request: Request, slug: str, pk: int) -> Response:
        membership = _reader(request, slug)
        change = access.get_change_in_collective(membership, pk)
        data = valid_input(MatrixApplyInput, request)
        try:
            services.matrix_change_apply(
                actor_membership=membership,
                change=change,
                briefing_summary=data.get("summary", ""),
                briefing_meaning=data.get("meaning", ""),
                confirm_hard=data["confirm_hard"],
            )
        except ValidationError as error:
            if any(
                getattr(e, "code", "") == "needs_confirmation"
                for e in getattr(error, "error_list", [])
            ):
                raise ValidationError(
                    {
                        "confirm_hard": [
                            f"{m} To publish it as it is, send confirm_hard: true."
                            for m in error.messages
                        ]
                    }
                ) from None
            raise
        return Response(_detail(membership, pk))


def _api(view: Any) -> Any:
    # The API authenticates by token itself (401 for anonymous), not by redirect to sign in.
    return login_not_required(view)


W = "collectives/<slug:slug>/who-does-what/"
routes: list[URLPattern] = [
    path(W, _api(Matrix.as_view()), name="shared_matrix"),
    path(W + "functions/", _api(FunctionList.as_view()), name="shared_functions"),
    path(W + "functions/<id:pk>/", _api(FunctionDetail.as_view()), name="shared_function"),
    path(W + "changes/", _api(ChangeList.as_view()), name="shared_changes"),
    path(W + "changes/<id:pk>/", _api(ChangeDetail.as_view()), name="shared_change"),
    path(
        W + "changes/<id:pk>/propose/",
        _api(ChangePropose.as_view()),
        name="shared_change_propose",
    ),
    path(W + "changes/<id:pk>/apply/", _api(ChangeApply.as_view()), name="shared_change_apply"),
]
