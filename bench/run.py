"""`make bench`: each figure is a ratio to a baseline measured in the same run.

- ODS import: the full import of the shared ODS files into an empty database, over the time
  to merely parse the same files.
- Directory search: the search page's server time (through Django's test client, with a
  signed-in user), over a trivial Django view's time measured the same way.
- Golden thread: the collective thread dashboard (150 practices, 200 decisions) and one
  decision's thread page, measured the same way; with each page's query count, which must
  not grow with the number of practices or briefings.
- Relationships overview: the habits' overview page for a collective of 40 organisations
  with 3 years of contacts (30,000), measured the same way; with its query count, which
  must not grow with the number of contacts.
- Calendar import (bench/calendar_import.py): a generated 5 MB export with 150,000
  attendees, over parsing the same bytes with icalendar alone; with the seconds.
- National practice figures (bench/practice_figures.py): import_practice_data of every shared
  file, over merely reading them; and the collective sustainability page for 150 practices
  with 5 years of figures over the trivial view, with its query count for 3 practices and
  1 year and for 150 and 5, which must be the same.
- Page load (bench/page_load.py): the demo member's pages under gunicorn (2 workers,
  production settings) on SQLite and PostgreSQL, driven by wrk, over a trivial view served
  by the same processes; requests per second, the ratio and p50/p99 latency.

Times are medians of several repetitions; the ratios, not the seconds, are the result.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = (ROOT.parent / "shared" / "data" / "ods").resolve()
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.settings_test")
_db = Path(tempfile.mkdtemp(prefix="alliance-bench-")) / "bench.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_db}")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402

from alliance.changes import forget_kept  # noqa: E402


def trivial(request: object) -> HttpResponse:
    return HttpResponse("ok")


urlpatterns = [path("bench/trivial/", trivial), path("", include("alliance.urls"))]


def median_time(
    work: Callable[[], object], repeat: int, before: Callable[[], object] = lambda: None
) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_import(practices: Path, pcns: list[Path], repeat: int) -> None:
    from directory.importer import ods_import
    from directory.models import ImportRun, Organisation, OrganisationRelationship
    from directory.ods.readers import read_pcns, read_practices

    def parse() -> None:
        read_practices(practices)
        read_pcns(pcns)

    def empty() -> None:
        OrganisationRelationship.objects.all().delete()
        Organisation.objects.filter(collective_memberships__isnull=True).delete()
        ImportRun.objects.all().delete()

    def full() -> None:
        ods_import(practices_path=practices, pcn_paths=pcns, force=True)

    parse_s = median_time(parse, repeat)
    import_s = median_time(full, repeat, before=empty)
    again_s = median_time(full, repeat)
    print(f"ODS import ({practices.name} + {', '.join(p.name for p in pcns)}):")
    print(f"  parse only           {parse_s:8.3f} s")
    print(f"  full import, empty   {import_s:8.3f} s   = {import_s / parse_s:5.2f} x parse")
    print(f"  re-import, unchanged {again_s:8.3f} s   = {again_s / parse_s:5.2f} x parse")


def bench_search(repeat: int) -> None:
    from alliance.testing import MembershipFactory
    from collectives.models import Role

    membership: Any = MembershipFactory(role=Role.CONVENOR)
    client = Client()
    client.force_login(membership.user)
    pages = {
        "trivial view": "/bench/trivial/",
        "search 'surgery'": "/directory/?q=surgery",
        "search by postcode": "/directory/?q=TS18",
        "kind and status": "/directory/?kind=practice&status=active",
    }
    for url in pages.values():
        assert client.get(url).status_code == 200, url
    times = {}
    for name, url in pages.items():
        # Each time with nothing kept (alliance.changes): the page's work after a change.
        times[name] = median_time(
            lambda u=url: client.get(u),  # type: ignore[misc]
            repeat,
            before=forget_kept,
        )
    base = times["trivial view"]
    print("Directory search (server time through the test client, signed in):")
    for name, seconds in times.items():
        print(f"  {name:<20} {seconds * 1000:8.2f} ms   = {seconds / base:6.1f} x trivial")


def main() -> None:
    import page_load  # bench/page_load.py
    from calendar_import import bench_calendar_import  # bench/calendar_import.py
    from practice_figures import bench_sustainability  # bench/practice_figures.py
    from whole_system import bench_whole_system  # bench/whole_system.py

    with override_settings(ROOT_URLCONF=__name__, DEBUG=False):
        call_command("migrate", verbosity=0)
        if SHARED.is_dir():
            practices, pcns = SHARED / "epraccur-2019.csv", [SHARED / "ePCN-2020.xlsx"]
        else:
            print(f"(the shared ODS files are not at {SHARED}: using the demo excerpt)")
            demo = ROOT / "directory" / "fixtures" / "ods"
            practices = demo / "epraccur-demo.csv"
            pcns = [demo / "epcn-demo.csv", demo / "epcncorepartnerdetails-demo.csv"]
        bench_import(practices, pcns, repeat=3)
        bench_search(repeat=30)
        convenor, survey = _big_round()
        bench_analytics(survey, repeat=5)
        bench_map_in_chromium(convenor, survey, repeat=5)
        bench_golden_thread(repeat=30)
        bench_relationships(repeat=30)
        bench_calendar_import(median_time, repeat=3)
        bench_sustainability(median_time)
        bench_whole_system(median_time)
    print(f"(database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})")
    # Its own processes and databases: gunicorn on production settings (bench/page_load.py).
    page_load.main()


def _big_round(organisations: int = 150, per_org: int = 30) -> Any:
    """A closed round in which each of 150 organisations rated 30 others (4,500 ratings)."""
    import random

    from bench_data import practices_collective
    from django.utils import timezone

    from surveys.models import (
        RATING_ITEMS,
        Response,
        RoundParticipant,
        SurveyRound,
        TieRating,
    )

    rng = random.Random(2026)  # noqa: S311 (fixed-seed test data, not secrets)
    convenor, orgs = practices_collective(organisations, "B")
    collective = convenor.collective
    today = timezone.localdate()
    survey = SurveyRound.objects.create(
        collective=collective,
        title="Bench",
        opens_on=today,
        closes_on=today,
        closed_at=timezone.now(),
    )
    RoundParticipant.objects.bulk_create(
        RoundParticipant(round=survey, organisation=o) for o in orgs
    )
    responses = Response.objects.bulk_create(
        Response(
            round=survey, organisation=o, respondent=convenor.user, submitted_at=timezone.now()
        )
        for o in orgs
    )
    ratings = []
    for response, org in zip(responses, orgs, strict=True):
        for other in rng.sample([o for o in orgs if o != org], per_org):
            values = {name: rng.randint(1, 4) for name in RATING_ITEMS[:6]}
            values |= {name: rng.randint(1, 5) for name in RATING_ITEMS[6:]}
            ratings.append(TieRating(response=response, ratee=other, **values))
    TieRating.objects.bulk_create(ratings, batch_size=1000)
    return convenor, survey


def bench_analytics(survey: Any, repeat: int) -> None:
    """Publishing a closed round (the rules and the adversary's audit of every participant)
    and reading the published results, over loading the answers."""
    from surveys import publication, results, selectors, services

    load_s = median_time(lambda: selectors._ties(survey), repeat)
    data, _shape = selectors.publication_input(survey=survey)
    publish_s = median_time(lambda: publication.publish(data, []), max(1, repeat // 3))
    services.round_results_publish(survey=survey)
    read_s = median_time(lambda: results.round_results(survey=survey), repeat)
    print(
        f"Trust results (150 organisations, {survey.responses.count()} responses, 4,500 ratings):"
    )
    print(f"  load the answers       {load_s * 1000:8.1f} ms")
    print(
        f"  publish (rules, audit) {publish_s * 1000:8.1f} ms   = {publish_s / load_s:5.2f} x load"
    )
    print(f"  read what was published{read_s * 1000:8.1f} ms   = {read_s / load_s:5.2f} x load")


def bench_map_in_chromium(convenor: Any, survey: Any, repeat: int) -> None:
    """The map page for 150 organisations drawn in Chromium, over a plain page's load."""
    import shutil

    from django.test.testcases import LiveServerThread

    chromium = (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    )
    if not chromium:
        print("Map in Chromium: skipped (no Chromium at /usr/bin/chromium)")
        return
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from playwright.sync_api import sync_playwright

    server = LiveServerThread("127.0.0.1", static_handler=StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://127.0.0.1:{server.port}"
    client = Client()
    client.force_login(convenor.user)
    cookie = client.cookies["sessionid"].value
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context()
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": base}])
        page = context.new_page()
        slug = survey.collective.slug

        def plain() -> None:
            page.goto(f"{base}/accessibility/")

        def drawn() -> None:
            page.goto(f"{base}/c/{slug}/surveys/{survey.pk}/map/")
            page.wait_for_selector("#network-map[data-rendered=true]")

        plain()
        drawn()
        plain_s = median_time(plain, repeat)
        map_s = median_time(drawn, repeat)
        browser.close()
    server.terminate()
    print("Network map in Chromium (150 organisations):")
    print(f"  a plain page           {plain_s * 1000:8.1f} ms")
    print(
        f"  the map, drawn         {map_s * 1000:8.1f} ms   = {map_s / plain_s:5.2f} x plain page"
    )


def _golden_thread(practices: int, pcns: int, decisions: int, prefix: str) -> Any:
    """A collective of practices in PCNs, each decision briefed, published and threaded to
    every practice, with 1-3 touches a thread, about 60% acknowledged and some questions.
    Built with bulk_create: the services would take minutes for 30,000 threads."""
    import datetime as dt
    import random

    from django.utils import timezone

    from alliance.testing import MembershipFactory
    from collectives.models import CollectiveOrganisation, Role
    from decisions.models import Decision, Phase, Proposal
    from directory.models import Organisation, OrganisationRelationship, RelationshipKind
    from golden_thread.models import (
        Acknowledgement,
        ActionStatus,
        Briefing,
        Question,
        Thread,
        Touch,
    )

    rng = random.Random(2027)  # noqa: S311 (fixed-seed test data, not secrets)
    convenor: Any = MembershipFactory(role=Role.CONVENOR)
    collective, user = convenor.collective, convenor.user
    pcn_orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}N{i:04d}", name=f"Bench PCN {i}", kind="pcn")
        for i in range(pcns)
    )
    orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}P{i:04d}", name=f"Bench surgery {i}", kind="practice")
        for i in range(practices)
    )
    pcn_of = {o.pk: pcn_orgs[i % pcns] for i, o in enumerate(orgs)}
    OrganisationRelationship.objects.bulk_create(
        OrganisationRelationship(
            organisation=o, parent=pcn_of[o.pk], kind=RelationshipKind.PCN_MEMBER
        )
        for o in orgs
    )
    CollectiveOrganisation.objects.bulk_create(
        CollectiveOrganisation(collective=collective, organisation=o) for o in [*pcn_orgs, *orgs]
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(
            collective=collective,
            title=f"Bench decision {i}",
            author=user,
            facilitator=user,
            phase=Phase.CONSENSUS,
        )
        for i in range(decisions)
    )
    made = Decision.objects.bulk_create(
        Decision(
            proposal=p,
            collective=collective,
            title=p.title,
            final_text="We will do the thing.",
            summary="We agreed to do the thing.",
            recorded_by=user,
        )
        for p in proposals
    )
    now = timezone.now()
    briefings = Briefing.objects.bulk_create(
        Briefing(
            collective=collective,
            decision=d,
            title=d.title,
            summary="We agreed to do the thing.",
            meaning="Your practice does the thing from next month.",
            action="Do the thing." if i % 2 else "",
            action_by=now.date() + dt.timedelta(days=30) if i % 2 else None,
            author=user,
            published_at=now - dt.timedelta(days=i % 30),
            published_by=user,
        )
        for i, d in enumerate(made)
    )
    threads = []
    for b in briefings:
        for o in orgs:
            acknowledged = rng.random() < 0.6
            threads.append(
                Thread(
                    briefing=b,
                    practice=o,
                    pcn=pcn_of[o.pk],
                    acknowledgement=Acknowledgement.UNDERSTOOD if acknowledged else "",
                    acknowledged_at=now if acknowledged else None,
                    acknowledged_by=user if acknowledged else None,
                    action_status=ActionStatus.IN_PLACE
                    if b.action and acknowledged and rng.random() < 0.5
                    else "",
                )
            )
    Thread.objects.bulk_create(threads, batch_size=2000)
    channels = ["pcn_meeting", "email", "practice_meeting", "huddle"]
    Touch.objects.bulk_create(
        (
            Touch(thread=t, channel=rng.choice(channels), happened_on=now.date(), recorded_by=user)
            for t in threads
            for _ in range(rng.randint(1, 3))
        ),
        batch_size=2000,
    )
    Question.objects.bulk_create(
        (
            Question(
                thread=t,
                text="When does this start?",
                asked_by=user,
                answer="Next month." if i % 2 else "",
                answered_at=now if i % 2 else None,
            )
            for i, t in enumerate(threads[::20])
        ),
        batch_size=2000,
    )
    return convenor, briefings[0]


def bench_golden_thread(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from golden_thread.models import Thread, Touch

    def pages(convenor: Any, briefing: Any) -> dict[str, str]:
        slug = convenor.collective.slug
        return {
            "trivial view": "/bench/trivial/",
            "collective dashboard": f"/c/{slug}/briefings/",
            "one decision's thread": f"/c/{slug}/briefings/{briefing.pk}/thread/",
        }

    def queries(client: Client, url: str) -> int:
        forget_kept()  # count all of the page's work, as after a change
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        return len(captured)

    small = _golden_thread(practices=3, pcns=2, decisions=2, prefix="S")
    big = _golden_thread(practices=150, pcns=10, decisions=200, prefix="G")
    counts: dict[str, list[int]] = {}
    for convenor, briefing in (small, big):
        client = Client()
        client.force_login(convenor.user)
        for name, url in pages(convenor, briefing).items():
            client.get(url)
            counts.setdefault(name, []).append(queries(client, url))
    client = Client()
    client.force_login(big[0].user)
    times = {}
    for name, url in pages(*big).items():
        # Each time with nothing kept (alliance.changes): the page's work after a change.
        times[name] = median_time(
            lambda u=url: client.get(u),  # type: ignore[misc]
            repeat,
            before=forget_kept,
        )
    base = times["trivial view"]
    threads = Thread.objects.filter(briefing__collective=big[0].collective).count()
    touches = Touch.objects.filter(thread__briefing__collective=big[0].collective).count()
    print(
        f"Golden thread (150 practices in 10 PCNs, 200 decisions, {threads:,} threads, "
        f"{touches:,} touches; server time through the test client, signed in):"
    )
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds * 1000:8.2f} ms   = {seconds / base:6.1f} x trivial")
    print("  queries (3 practices and 2 decisions -> 150 practices and 200 decisions):")
    for name, (few, many) in counts.items():
        same = "same" if few == many else "GROWS"
        print(f"    {name:<22} {few:4d} -> {many:4d}   ({same})")


def _relationships(organisations: int, contacts: int, prefix: str) -> Any:
    """A collective of practices with `contacts` contacts spread over 3 years (e-mail
    threads, weekly e-mail counts, calls, video calls and meetings between 2-3 of them),
    a few rhythms, asks for help with offers, and put-it-right records with responses.
    Built with bulk_create, the organisations of each contact as through-rows."""
    import datetime as dt
    import random

    from django.utils import timezone

    from alliance.testing import MembershipFactory
    from collectives.models import CollectiveOrganisation, Role
    from directory.models import Organisation
    from relationships.models import (
        Ask,
        AskStatus,
        Contact,
        Mode,
        Offer,
        PutItRight,
        PutItRightResponse,
        Rhythm,
        Scope,
        Source,
    )

    rng = random.Random(2028)  # noqa: S311 (fixed-seed test data, not secrets)
    convenor: Any = MembershipFactory(role=Role.CONVENOR)
    collective, user = convenor.collective, convenor.user
    orgs = Organisation.objects.bulk_create(
        Organisation(ods_code=f"{prefix}R{i:04d}", name=f"Bench practice {i}", kind="practice")
        for i in range(organisations)
    )
    CollectiveOrganisation.objects.bulk_create(
        CollectiveOrganisation(collective=collective, organisation=o, is_leadership=i < 8)
        for i, o in enumerate(orgs)
    )
    now = timezone.now()
    days = 3 * 365
    modes = [Mode.EMAIL] * 5 + [Mode.PHONE] * 2 + [Mode.VIDEO] * 2 + [Mode.IN_PERSON, Mode.OTHER]
    made = []
    for _ in range(contacts):
        mode = rng.choice(modes)
        counted = mode == Mode.EMAIL and rng.random() < 0.3
        made.append(
            Contact(
                collective=collective,
                happened_at=now - dt.timedelta(minutes=rng.randint(60, days * 24 * 60)),
                mode=mode,
                duration_minutes=rng.choice([15, 30, 45, 60]) if mode != Mode.EMAIL else None,
                count=rng.randint(2, 20) if counted else 1,
                source=Source.WEEKLY_COUNT if counted else Source.MANUAL,
                recorded_by=user,
            )
        )
    made = Contact.objects.bulk_create(made, batch_size=2000)
    through = Contact.organisations.through
    through.objects.bulk_create(
        (
            through(contact_id=c.pk, organisation_id=o.pk)
            for c in made
            for o in rng.sample(orgs, 3 if rng.random() < 0.1 else 2)
        ),
        batch_size=5000,
    )
    started = now.date() - dt.timedelta(days=days)
    rhythms = Rhythm.objects.bulk_create(
        Rhythm(
            collective=collective,
            name=f"Bench rhythm {i}",
            scope=Scope.PAIR if i else Scope.LEADERSHIP,
            modes=["phone", "video"] if i % 2 else ["in_person"],
            period=["weekly", "fortnightly", "monthly"][i % 3],
            min_minutes=30 if i % 2 else None,
            owner=user,
            starts_on=started + dt.timedelta(days=30 * i),
        )
        for i in range(6)
    )
    Rhythm.organisations.through.objects.bulk_create(
        Rhythm.organisations.through(rhythm_id=r.pk, organisation_id=o.pk)
        for i, r in enumerate(rhythms)
        for o in (orgs[:8] if i == 0 else orgs[2 * i : 2 * i + 2])
    )
    asks = Ask.objects.bulk_create(
        Ask(
            collective=collective,
            organisation=orgs[i % organisations],
            what=f"Can anyone help with bench need {i}?",
            status=AskStatus.ANSWERED if i % 3 else AskStatus.OPEN,
            asked_by=user,
            asked_at=now - dt.timedelta(days=rng.randint(1, days)),
            answered_at=now if i % 3 else None,
        )
        for i in range(60)
    )
    Offer.objects.bulk_create(
        Offer(ask=a, organisation=orgs[(i + 1) % organisations], text="We can.", offered_by=user)
        for i, a in enumerate(asks)
        if i % 2
    )
    records = PutItRight.objects.bulk_create(
        PutItRight(
            collective=collective,
            organisation=orgs[i % organisations],
            mistake="We missed the handover.",
            impact="Patients waited.",
            will_do="A checklist.",
            recorded_by=user,
            recorded_at=now - dt.timedelta(days=rng.randint(1, days)),
        )
        for i in range(20)
    )
    PutItRight.apologises_to.through.objects.bulk_create(
        PutItRight.apologises_to.through(
            putitright_id=r.pk, organisation_id=orgs[(i + 1) % organisations].pk
        )
        for i, r in enumerate(records)
    )
    PutItRightResponse.objects.bulk_create(
        PutItRightResponse(
            record=r,
            organisation=orgs[(i + 1) % organisations],
            text="Thank you.",
            responded_by=user,
        )
        for i, r in enumerate(records)
        if i % 2
    )
    return convenor


def bench_relationships(repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relationships.models import Contact

    def pages(convenor: Any) -> dict[str, str]:
        return {
            "trivial view": "/bench/trivial/",
            "overview": f"/c/{convenor.collective.slug}/relationships/",
        }

    def queries(client: Client, url: str) -> int:
        forget_kept()  # count all of the page's work, as after a change
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        assert status == 200, f"{url}: {status}"
        return len(captured)

    small = _relationships(organisations=3, contacts=30, prefix="HS")
    big = _relationships(organisations=40, contacts=30_000, prefix="HB")
    counts: dict[str, list[int]] = {}
    for convenor in (small, big):
        client = Client()
        client.force_login(convenor.user)
        for name, url in pages(convenor).items():
            client.get(url)
            counts.setdefault(name, []).append(queries(client, url))
    client = Client()
    client.force_login(big.user)
    times = {}
    for name, url in pages(big).items():
        # Each time with nothing kept (alliance.changes): the page's work after a change.
        times[name] = median_time(
            lambda u=url: client.get(u),  # type: ignore[misc]
            repeat,
            before=forget_kept,
        )
    base = times["trivial view"]
    contacts = Contact.objects.filter(collective=big.collective).count()
    through = Contact.organisations.through.objects.filter(
        contact__collective=big.collective
    ).count()
    print(
        f"Relationships overview (40 organisations, {contacts:,} contacts over 3 years, "
        f"{through:,} contact-organisation rows; server time through the test client, "
        "signed in):"
    )
    for name, seconds in times.items():
        print(f"  {name:<22} {seconds * 1000:8.2f} ms   = {seconds / base:6.1f} x trivial")
    print("  queries (3 organisations and 30 contacts -> 40 organisations and 30,000 contacts):")
    for name, (few, many) in counts.items():
        same = "same" if few == many else "GROWS"
        print(f"    {name:<22} {few:4d} -> {many:4d}   ({same})")


if __name__ == "__main__":
    main()
