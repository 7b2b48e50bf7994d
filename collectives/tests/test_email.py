from collectives import notifications, services
from collectives.models import Invitation, Role


def test_the_invitation_email_arrives_with_a_plain_text_part_and_a_link(
    convenor, practice, mailbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            actor_membership=convenor,
            email="Newcomer@Example.org",
            role=Role.MEMBER,
            organisation=practice.organisation,
        )
    [message] = mailbox.messages
    assert message["To"] == "newcomer@example.org"
    assert convenor.collective.name in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "as member for Oakwood Surgery" in text
    link = next(word for word in text.split() if "/invitations/" in word)
    assert link in html
    response = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert response.status_code == 200
    assert f"Join {convenor.collective.name}" in response.content.decode()


def test_a_retried_invitation_job_sends_no_duplicate(
    convenor, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor_membership=convenor, email="once@example.org", role=Role.MEMBER
        )
    token = mailbox.messages[0].get_body(("plain",)).get_content().split("/invitations/")[1]
    token = token.split("/")[0]
    assert notifications.invitation_email_send(invitation_id=invitation.pk, token=token) is False
    assert len(mailbox.messages) == 1
    assert Invitation.objects.get(pk=invitation.pk).email_sent_at is not None


def test_resending_sends_a_new_link_and_the_old_one_stops_working(
    convenor, mailbox, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor_membership=convenor, email="again@example.org", role=Role.MEMBER
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(actor_membership=convenor, invitation=invitation)
    first, second = (m.get_body(("plain",)).get_content() for m in mailbox.messages)
    old = next(w for w in first.split() if "/invitations/" in w).replace(
        "http://127.0.0.1:8000", ""
    )
    new = next(w for w in second.split() if "/invitations/" in w).replace(
        "http://127.0.0.1:8000", ""
    )
    assert old != new
    assert client.get(old).status_code == 410
    assert client.get(new).status_code == 200
