"""The register's and the ledger's pages, as members see them."""

from __future__ import annotations

import datetime as dt
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance.testing import MembershipFactory
from collectives.models import Role
from shared_services import services
from shared_services.models import SharedService, WayAnswer

from .conftest import make_hub


def _url(hub, suffix=""):
    return f"/c/{hub.convenor.collective.slug}/shared-services/{suffix}"


def test_the_register_lists_searches_and_pages_the_services(client, hub):
    for n in range(30):
        services.service_create(
            actor_membership=hub.convenor,
            name=f"Bank {n:02d}",
            kind="staff_bank",
            host=hub.service.host_id,
        )
    client.force_login(hub.convenor.user)
    page = client.get(_url(hub)).content.decode()
    assert "31 shared services, showing 1 to 25" in page
    found = client.get(_url(hub) + "?q=document").content.decode()
    assert "Document hub" in found and "Bank 00" not in found
    assert (
        "No shared service matches your search."
        in client.get(_url(hub) + "?q=zzz").content.decode()
    )
    assert "Bank 29" in client.get(_url(hub) + "?page=2").content.decode()


def test_a_guest_is_refused_and_another_collective_is_not_found(client, hub, outsider):
    guest = MembershipFactory(collective=hub.convenor.collective, role=Role.GUEST)
    client.force_login(guest.user)
    assert client.get(_url(hub)).status_code == 403
    assert client.get(_url(hub, f"{hub.service.pk}/")).status_code == 403
    client.force_login(outsider.user)
    assert client.get(_url(hub, f"{hub.service.pk}/")).status_code == 404


def test_a_convenor_adds_a_service_through_the_form_and_errors_name_the_field(client, convenor):
    hub = make_hub(convenor, practices=2)
    client.force_login(convenor.user)
    refused = client.post(_url(hub, "new/"), {"name": "", "kind": "staff_bank"})
    assert "Enter the service's name." in unescape(refused.content.decode())
    done = client.post(
        _url(hub, "new/"),
        {
            "name": "Staff bank",
            "kind": "staff_bank",
            "host": hub.service.host_id,
            "practices": [p.pk for p in hub.practices],
        },
    )
    service = SharedService.objects.get(name="Staff bank")
    assert done.status_code == 302 and done["Location"] == _url(hub, f"{service.pk}/")
    assert service.participations.count() == 2


def test_the_service_page_shows_each_practices_answers_and_what_stops_it_going_live(client, hub):
    way = services.way_add(
        actor_membership=hub.convenor, service=hub.service, title="Coding", text="v2"
    )
    services.way_answer(actor_membership=hub.representatives[0], way=way, answer="agreed")
    client.force_login(hub.representatives[1].user)
    page = client.get(_url(hub, f"{hub.service.pk}/")).content.decode()
    assert "It cannot go live until every practice has agreed every way of working." in page
    assert "Surgery 2: Coding (no answer yet)" in page
    assert "1 of 3" in page
    assert "Move it on" not in page  # a representative does not run the service
    assert "You answer for Surgery 2" in page


def test_a_representative_answers_through_the_page(client, hub):
    way = services.way_add(
        actor_membership=hub.convenor, service=hub.service, title="Coding", text="v2"
    )
    rep = hub.representatives[0]
    client.force_login(rep.user)
    refused = client.post(_url(hub, f"ways/{way.pk}/answer/"), {"answer": "variation"})
    assert "This cannot be empty." in refused.content.decode()
    until = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    client.post(
        _url(hub, f"ways/{way.pk}/answer/"),
        {
            "answer": "variation",
            "variation": "3 days",
            "variation_reason": "One coder",
            "variation_until": until,
        },
    )
    assert WayAnswer.objects.get().answer == "variation"
    agreed = client.get(_url(hub, f"agreed/{rep.organisation_id}/")).content.decode()
    assert "What Surgery 1 has agreed to do the shared way" in agreed
    assert "3 days" in agreed and "Island Federation" in agreed


def test_the_exports_hold_the_same_answers(client, hub):
    way = services.way_add(
        actor_membership=hub.convenor, service=hub.service, title="=Coding", text="v2"
    )
    services.way_answer(actor_membership=hub.representatives[0], way=way, answer="agreed")
    client.force_login(hub.convenor.user)
    csv = client.get(_url(hub, f"{hub.service.pk}/ways-of-working.csv")).content.decode("utf-8-sig")
    assert csv.splitlines() == [
        "Practice,'=Coding (v1)",
        "Surgery 1,Agreed",
        "Surgery 2,No answer yet",
        "Surgery 3,No answer yet",
        "Agreed,1 of 3",
    ]
    assert client.get(_url(hub, "services.xlsx"))["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as seen:
        assert client.get(url).status_code == 200
    return len(seen)


def test_the_service_page_costs_the_same_queries_whatever_its_size(client, convenor, outsider):
    small = make_hub(convenor, practices=2, name="Small")
    large = make_hub(outsider, practices=12, name="Large")
    for hub, ways in ((small, 1), (large, 6)):
        for n in range(ways):
            way = services.way_add(
                actor_membership=hub.convenor, service=hub.service, title=f"W{n}", text="t"
            )
            for rep in hub.representatives:
                services.way_answer(actor_membership=rep, way=way, answer="agreed")
    client.force_login(convenor.user)
    small_count = _queries(client, _url(small, f"{small.service.pk}/"))
    client.force_login(outsider.user)
    assert _queries(client, _url(large, f"{large.service.pk}/")) == small_count
