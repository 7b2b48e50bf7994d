"""Background jobs for accounts. Thin: each calls into the domain layer."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from accounts import emails


@db_task(retries=3, retry_delay=60)
def send_sign_in_link(link_id: int) -> None:
    emails.sign_in_link_email_send(link_id=link_id)
