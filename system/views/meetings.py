"""System meetings' pages: the meetings list (with how many GP leaders attend each series),
the series, a meeting with its attendees and agenda, the printable prep sheet, and the export.
The agenda, the conversations beforehand and the outcome are in meetings_agenda.

Thin: forms parse, system.services_meetings writes (and holds every rule),
system.selectors_meetings reads, system.access says who may.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone

from alliance.exports import export_view
from collectives.decorators import collective_page
from collectives.models import Membership
from system import access
from system import selectors_meetings as selectors
from system import services_meetings as services
from system.forms_meetings import (
    AttendeesForm,
    FindForm,
    MeetingForm,
    MeetingSearchForm,
    ScheduleForm,
    SeriesForm,
)
from system.rules_meetings import describe
from system.views import meetings_agenda
from system.views.common import (
    SECTION,
    carried,
    confirm_page,
    export,
    form_page,
    page_of,
    posted,
    search_text,
    url,
)
from system.views.meetings_common import (
    local_parts,
    meeting_crumbs,
    meeting_name,
    meetings_crumbs,
    series_crumbs,
)

# The meetings list ------------------------------------------------------------------------


@collective_page(SECTION)
def meetings(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    now = timezone.now()
    cid = membership.collective_id
    form = MeetingSearchForm(request.GET or None, series=selectors.series_choices(cid))
    filters = form.cleaned_data if form.is_valid() else {}
    q, when, series = filters.get("q", "").strip(), filters.get("when", ""), filters.get("series")
    found = selectors.meeting_list(cid, now=now, q=q, when=when, series=series)
    page = page_of(request, found)
    page.object_list = selectors.counted(list(page.object_list))
    spread = selectors.spread_by_series(cid, now=now)
    return render(
        request,
        "system/meetings.html",
        {
            "title": "System meetings",
            "membership": membership,
            "form": form,
            "page": page,
            "query": carried(q=q, when=when, series=series),
            "filtered": bool(q or when or series),
            "now": now,
            "spread": spread,
            "thin": [s for s in spread.values() if s.thin],
            "most": selectors.settings_of(cid).most_leaders_per_series,
            "can_write": access.is_leadership(membership),
            "breadcrumbs": meetings_crumbs(membership)[:-1],
        },
    )


@export_view
@collective_page(SECTION)
def meetings_export(request: HttpRequest, membership: Membership, fmt: str) -> HttpResponse:
    """Every meeting and its agenda; the conversations beforehand only for the leadership
    group."""
    access.require_reader(membership)
    rows = selectors.export_rows(membership, now=timezone.now())
    for row in rows[1:]:
        row[2] = timezone.localtime(row[2]).strftime("%Y-%m-%d %H:%M")
    return export(membership, fmt, name="system-meetings", sheet="System meetings", rows=rows)


# Series -----------------------------------------------------------------------------------


@collective_page(SECTION)
def series_list(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_reader(membership)
    now = timezone.now()
    cid = membership.collective_id
    form = MeetingSearchForm(request.GET or None)
    q = search_text(form)
    page = page_of(request, selectors.series_list(cid, now=now, q=q))
    return render(
        request,
        "system/series.html",
        {
            "title": "Meeting series",
            "membership": membership,
            "form": form,
            "page": page,
            "rows": selectors.series_rows(cid, list(page), now=now),
            "query": carried(q=q),
            "filtered": bool(q),
            "describe": describe,
            "can_write": access.is_leadership(membership),
            "breadcrumbs": meetings_crumbs(membership),
        },
    )


def _find(request: HttpRequest) -> str:
    return (request.GET.get("find") or "").strip()[:200]


@collective_page(SECTION)
def series_new(request: HttpRequest, membership: Membership) -> HttpResponse:
    access.require_leadership(membership)
    find = _find(request)
    form = SeriesForm(
        posted(request), holders=selectors.holder_choices(membership.collective_id, query=find)
    )
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.series_create(
            actor_membership=membership,
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            recurrence=form.cleaned_data["recurrence"],
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
        ),
        done=lambda: (
            f"{form.cleaned_data['name']} is added, with its meetings for the next 12 months."
        ),
        renames={"recurrence": "repeats", "starts_at": "first_date"},
        to=lambda series: url(membership, "series_detail", series.pk),
        template="system/series_form.html",
        title="Add a system meeting",
        intro="A meeting of the health system that general practice attends: recurring, "
        "like the ICB board or the place partnership, or a one-off.",
        find=find,
        find_form=FindForm(request.GET or None),
        submit="Add the meeting",
        breadcrumbs=series_crumbs(membership),
    )


@collective_page(SECTION)
def series_detail(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    series = access.get_series(membership, pk)
    now = timezone.now()
    page = page_of(request, selectors.series_meetings(series, now=now))
    page.object_list = selectors.counted(list(page.object_list))
    spread = selectors.spread_by_series(membership.collective_id, now=now).get(series.pk)
    return render(
        request,
        "system/series_detail.html",
        {
            "title": series.name,
            "membership": membership,
            "series": series,
            "recurrence": describe(series.recurrence),
            "page": page,
            "now": now,
            "spread": spread,
            "can_write": access.is_leadership(membership),
            "breadcrumbs": series_crumbs(membership),
        },
    )


@collective_page(SECTION)
def series_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    series = access.get_series(membership, pk)
    access.require_leadership(membership)
    find = _find(request)
    form = SeriesForm(
        posted(request),
        holders=selectors.holder_choices(
            membership.collective_id, query=find, current=series.organisation_id
        ),
        new=False,
        rule=series.recurrence,
        initial={"name": series.name, "organisation": series.organisation_id},
    )
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.series_update(
            actor_membership=membership,
            series=series,
            name=form.cleaned_data["name"],
            organisation=form.cleaned_data["organisation"],
            recurrence=form.cleaned_data["recurrence"],
        ),
        done="The series is changed. Meetings already scheduled stay as they are.",
        renames={"recurrence": "repeats"},
        to=url(membership, "series_detail", series.pk),
        template="system/series_form.html",
        title=f"Change {series.name}",
        intro="A new recurrence applies when you next schedule its meetings; meetings "
        "already scheduled stay.",
        find=find,
        find_form=FindForm(request.GET or None),
        submit="Save the changes",
        breadcrumbs=series_crumbs(membership, series),
    )


@collective_page(SECTION)
def series_schedule(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    series = access.get_series(membership, pk)
    access.require_leadership(membership)
    form = ScheduleForm(posted(request))
    once = not series.recurrence
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.series_schedule(
            actor_membership=membership,
            series=series,
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
        ),
        done="The meetings are scheduled.",
        renames={"starts_at": "first_date", "recurrence": "first_date"},
        to=url(membership, "series_detail", series.pk),
        title=f"Add a meeting of {series.name}" if once else f"Schedule {series.name}",
        intro="The meeting is added."
        if once
        else f"It meets {describe(series.recurrence).lower()}. Its meetings for the 12 months "
        "from the date you give are added; meetings already scheduled are kept, not doubled.",
        submit="Add the meeting" if once else "Schedule the meetings",
        breadcrumbs=series_crumbs(membership, series),
    )


@collective_page(SECTION)
def series_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    series = access.get_series(membership, pk)
    access.require_leadership(membership)
    return confirm_page(
        request,
        membership,
        act=lambda: services.series_delete(actor_membership=membership, series=series),
        done=f"{series.name} and its meetings are deleted.",
        to=url(membership, "series"),
        template="system/confirm.html",
        title=f"Delete {series.name}?",
        intro="Every meeting of the series goes, with its agenda, the conversations planned "
        "and the outcomes. Outcomes already published stay with the practices. This cannot be "
        "undone.",
        submit="Delete the series and its meetings",
        back=url(membership, "series_detail", series.pk),
        breadcrumbs=series_crumbs(membership, series),
    )


# A meeting --------------------------------------------------------------------------------


@collective_page(SECTION)
def meeting(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    found = access.get_meeting(membership, pk)
    view = selectors.meeting_view(membership, found)
    return render(
        request,
        "system/meeting.html",
        {
            "title": meeting_name(found),
            "membership": membership,
            "meeting": found,
            "view": view,
            "label": selectors.stakeholder_label,
            "who": selectors.user_label,
            "upcoming": found.starts_at >= timezone.now(),
            "can_write": view.prep,
            "breadcrumbs": meetings_crumbs(membership),
        },
    )


@collective_page(SECTION)
def meeting_edit(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    found = access.get_meeting(membership, pk)
    access.require_leadership(membership)
    form = MeetingForm(posted(request), initial={**local_parts(found), "place": found.place})
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.meeting_update(
            actor_membership=membership,
            meeting=found,
            starts_at=form.cleaned_data["starts_at"],
            place=form.cleaned_data["place"],
        ),
        done="The meeting is changed.",
        renames={"starts_at": "date"},
        to=url(membership, "meeting", found.pk),
        title=f"Change {meeting_name(found)}",
        submit="Save the changes",
        breadcrumbs=meeting_crumbs(membership, found),
    )


@collective_page(SECTION)
def meeting_attendees(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    found = access.get_meeting(membership, pk)
    access.require_leadership(membership)
    form = AttendeesForm(
        posted(request),
        leaders=selectors.leaders_of(membership.collective_id),
        initial={"attendees": [u.pk for u in found.attendees.all()]},
    )
    return form_page(
        request,
        membership,
        form,
        act=lambda: services.meeting_update(
            actor_membership=membership,
            meeting=found,
            attendees=form.cleaned_data["attendees"],
        ),
        done="Who attends is saved.",
        to=url(membership, "meeting", found.pk),
        title=f"Who attends {meeting_name(found)}",
        intro="The GP leaders who attend for general practice. The same one or two people at "
        "every meeting of a series hear the themes and are heard.",
        submit="Save who attends",
        breadcrumbs=meeting_crumbs(membership, found),
    )


@collective_page(SECTION)
def meeting_delete(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    found = access.get_meeting(membership, pk)
    access.require_leadership(membership)
    return confirm_page(
        request,
        membership,
        act=lambda: services.meeting_delete(actor_membership=membership, meeting=found),
        done=f"{meeting_name(found)} is deleted.",
        to=url(membership, "series_detail", found.series_id),
        template="system/confirm.html",
        title=f"Delete {meeting_name(found)}?",
        intro="The meeting goes, with its agenda, the conversations planned and the outcomes. "
        "Outcomes already published stay with the practices. This cannot be undone.",
        submit="Delete the meeting",
        back=url(membership, "meeting", found.pk),
        breadcrumbs=meeting_crumbs(membership, found),
    )


@collective_page(SECTION)
def prep_sheet(request: HttpRequest, membership: Membership, pk: int) -> HttpResponse:
    """The printable prep sheet: the meeting and its attendees, then one printed page per
    item with our position, the linked decision, and the conversations and stances."""
    found = access.get_meeting(membership, pk)
    access.require_preparation(membership)
    return render(
        request,
        "system/meeting_prep.html",
        {
            "title": f"Prep sheet: {meeting_name(found)}",
            "membership": membership,
            "meeting": found,
            "view": selectors.meeting_view(membership, found),
            "label": selectors.stakeholder_label,
            "who": selectors.user_label,
            "breadcrumbs": meeting_crumbs(membership, found),
        },
    )


C = "c/<slug:slug>/system/meetings/"
CSV, XLSX = {"fmt": "csv"}, {"fmt": "xlsx"}
routes: list[URLPattern] = [
    path(C, meetings, name="meetings"),
    path(C + "meetings.csv", meetings_export, CSV, name="meetings_csv"),
    path(C + "meetings.xlsx", meetings_export, XLSX, name="meetings_xlsx"),
    path(C + "series/", series_list, name="series"),
    path(C + "series/new/", series_new, name="series_new"),
    path(C + "series/<id:pk>/", series_detail, name="series_detail"),
    path(C + "series/<id:pk>/edit/", series_edit, name="series_edit"),
    path(C + "series/<id:pk>/schedule/", series_schedule, name="series_schedule"),
    path(C + "series/<id:pk>/delete/", series_delete, name="series_delete"),
    path(C + "<id:pk>/", meeting, name="meeting"),
    path(C + "<id:pk>/edit/", meeting_edit, name="meeting_edit"),
    path(C + "<id:pk>/attendees/", meeting_attendees, name="meeting_attendees"),
    path(C + "<id:pk>/delete/", meeting_delete, name="meeting_delete"),
    path(C + "<id:pk>/prep-sheet/", prep_sheet, name="prep_sheet"),
    *meetings_agenda.routes,
]
