"""Consensus pages: what people see, with a fixed number of queries."""

from __future__ import annotations

from alliance.testing import page_queries
from decisions import services
from decisions.models import Decision, TrackedItem


def _base(group):
    return f"/c/{group.convenor.collective.slug}"


def test_the_page_shows_who_has_not_responded_and_the_objections_not_a_tally(client, group):
    group.all_support(except_for=(1, 2))
    services.position_state(
        membership=group.reps[1],
        proposal=group.proposal,
        stance="object",
        reason="Our patients cannot travel.",
    )
    client.force_login(group.reps[0].user)
    page = client.get(f"{_base(group)}/proposals/{group.proposal.pk}/").content.decode()
    assert "Not yet responded to version 1" in page and "East PCN" in page
    assert "Our patients cannot travel." in page
    assert "Open objections from: South PCN." in page
    assert "votes" not in page.lower() and "winner" not in page.lower()


def test_a_representative_states_a_position_with_errors_named(client, group):
    client.force_login(group.reps[0].user)
    url = f"{_base(group)}/proposals/{group.proposal.pk}/position/"
    page = client.post(url, {"stance": "object", "reason": ""}).content.decode()
    assert "There is a problem" in page
    assert "An objection needs a reason: what would have to change?" in page
    assert client.post(url, {"stance": "support"}).status_code == 302


def test_members_who_do_not_speak_for_a_leadership_organisation_cannot_state_one(
    client, group, member
):
    client.force_login(member.user)
    url = f"{_base(group)}/proposals/{group.proposal.pk}/position/"
    assert client.get(url).status_code == 403


def test_the_amendment_shows_a_diff_and_the_objector_accepts_it(client, group):
    services.position_state(
        membership=group.reps[1], proposal=group.proposal, stance="object", reason="Travel."
    )
    item = TrackedItem.objects.get()
    client.force_login(group.convenor.user)
    response = client.post(
        f"{_base(group)}/proposals/{group.proposal.pk}/amend/",
        {
            "text": "The federation runs one bookable phlebotomy service with a clinic in each "
            "PCN.",
            "addresses": [item.pk],
        },
    )
    assert response["Location"].endswith("/versions/2/")
    page = client.get(response["Location"]).content.decode()
    assert "<ins> with a clinic in each PCN.</ins>" in page or "<ins>" in page
    assert "<del>" in page or "<ins>" in page
    client.force_login(group.reps[1].user)
    url = f"{_base(group)}/proposals/{group.proposal.pk}/items/{item.pk}/accept/"
    assert "Accept the amendment to your objection?" in client.get(url).content.decode()
    client.post(url)
    item.refresh_from_db()
    assert item.status == "resolved"
    client.force_login(group.reps[0].user)
    assert client.get(url).status_code == 403


def test_recording_shows_what_blocks_then_records_and_the_log_lists_it(client, group):
    client.force_login(group.convenor.user)
    url = f"{_base(group)}/proposals/{group.proposal.pk}/record/"
    page = client.get(url).content.decode()
    assert "Consensus cannot be recorded yet" in page and "No position yet from:" in page
    group.all_support()
    response = client.post(url, {"summary": "One phlebotomy service.", "review_on": ""})
    decision = Decision.objects.get()
    assert response["Location"] == f"{_base(group)}/decisions/{decision.pk}/"
    log = client.get(f"{_base(group)}/decisions/").content.decode()
    assert "One phlebotomy service for the island" in log and "In force" in log
    found = client.get(f"{_base(group)}/decisions/", {"q": "phlebotomy"}).content.decode()
    assert "1 decision" in found
    assert (
        "No decision matches"
        in client.get(f"{_base(group)}/decisions/", {"q": "zzz"}).content.decode()
    )


def test_comments_thread_and_record_mentions(client, group):
    client.force_login(group.reps[0].user)
    url = f"{_base(group)}/proposals/{group.proposal.pk}/comments/"
    client.post(url, {"text": "What does @South PCN think?"})
    from decisions.models import Comment

    first = Comment.objects.get()
    assert [o.name for o in first.mentions.all()] == ["South PCN"]
    client.post(url, {"text": "We like it.", "parent": first.pk})
    page = client.get(f"{_base(group)}/proposals/{group.proposal.pk}/").content.decode()
    assert "What does @South PCN think?" in page and "app-comment--reply" in page


def test_pages_run_a_fixed_number_of_queries(client, group, django_assert_max_num_queries):
    client.force_login(group.convenor.user)
    base = _base(group)
    pk = group.proposal.pk
    urls = [
        f"{base}/proposals/",
        f"{base}/proposals/{pk}/",
        f"{base}/proposals/{pk}/amend/",
        f"{base}/proposals/{pk}/versions/1/",
        f"{base}/proposals/{pk}/record/",
        f"{base}/decisions/",
    ]
    group.all_support(except_for=(0,))
    services.position_state(
        membership=group.reps[0], proposal=group.proposal, stance="concerns", reason="Cost."
    )
    services.comment_add(membership=group.reps[0], proposal=group.proposal, text="First")
    few = {u: page_queries(client, u) for u in urls}
    for n in range(6):
        services.proposal_amend(
            actor_membership=group.convenor, proposal=group.proposal, text=f"Version {n + 2}"
        )
        for rep in group.reps:
            services.position_state(
                membership=rep, proposal=group.proposal, stance="concerns", reason=f"Cost {n}."
            )
            services.comment_add(membership=rep, proposal=group.proposal, text=f"Note {n}")
    many = {u: page_queries(client, u) for u in urls}
    assert many == few
    for url in urls:
        with django_assert_max_num_queries(22):
            client.get(url)


def test_the_author_chooses_a_facilitator(client, group):
    from decisions.models import Proposal

    client.force_login(group.convenor.user)
    response = client.post(
        f"{_base(group)}/proposals/new/",
        {
            "title": "Shared staff bank",
            "problem": "Locums cost too much.",
            "text": "A shared bank.",
            "facilitator": str(group.reps[3].pk),
        },
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get(title="Shared staff bank")
    assert proposal.facilitator == group.reps[3].user and proposal.author == group.convenor.user
    page = client.post(
        f"{_base(group)}/proposals/new/", {"title": "", "problem": "", "text": ""}
    ).content.decode()
    assert "There is a problem" in page and "This field is required." in page
