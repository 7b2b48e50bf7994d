"""Background jobs for collectives. Thin: each calls into the domain layer."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from collectives import notifications


@db_task(retries=3, retry_delay=60)
def send_invitation_email(invitation_id: int, token: str) -> None:
    notifications.invitation_email_send(invitation_id=invitation_id, token=token)
