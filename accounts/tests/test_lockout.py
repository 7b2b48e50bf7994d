"""Sign-in lockout by e-mail address *and* client address, the per-address limit, and the
one-time sign-in link e-mailed to a locked-out person.

Client addresses are set with REMOTE_ADDR; time is moved by writing `attempted_at`,
`created_at` and `expires_at`, never by waiting."""

import datetime as dt
import re
import time

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import FailedSignIn, SignInLink
from alliance.testing import PASSWORD, UserFactory
from audit.models import AuditEntry

LOGIN = "/accounts/login/"
PRACTICE = "198.51.100.7"  # the colleague's usual browser, at their practice
STRANGER = "203.0.113.66"
ELSEWHERE = "192.0.2.20"
PAUSED = "Sign-in from this device is paused until"
LINK_SENT = "If the address belongs to an account, we have sent an e-mail with a link"
NOT_CORRECT = "The email address and/or password you specified are not correct"


def _sign_in(client, email, password, address, **headers):
    return client.post(
        LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address, **headers
    )


def _fail(client, email, address, times):
    return [_sign_in(client, email, "wrong password", address) for _ in range(times)]


def _earlier_failures(email, address, times, minutes_ago):
    at = timezone.now() - dt.timedelta(minutes=minutes_ago)
    for _ in range(times):
        FailedSignIn.objects.create(email=email, ip_address=address, attempted_at=at)
    return at


def _hh_mm(moment):
    """How the page shows a time: local, rounded up to the minute."""
    local = timezone.localtime(moment)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=1)
    return f"{local:%H:%M}"


def _signed_in(client):
    return "_auth_user_id" in client.session


def _link_path(message):
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://[^/\s]+(/accounts/sign-in-link/\S+/)", text).group(1)


def _actions():
    return list(
        AuditEntry.objects.filter(collective=None).order_by("id").values_list("action", flat=True)
    )


# The lock: one e-mail address from one client address -----------------------------------


def test_it_pauses_an_account_only_at_the_address_of_five_failures(client, person):
    pages = [r.content.decode() for r in _fail(client, person.email, STRANGER, 5)]
    assert all(NOT_CORRECT in page for page in pages[:4])
    assert all(PAUSED not in page for page in pages[:4])
    first = FailedSignIn.objects.order_by("attempted_at").first().attempted_at
    assert f"{PAUSED} {_hh_mm(first + dt.timedelta(minutes=15))}" in pages[4]

    # The right password from that address is refused while the pause lasts ...
    response = _sign_in(client, person.email, PASSWORD, STRANGER)
    assert response.status_code == 200
    assert PAUSED in response.content.decode()
    assert not _signed_in(client)

    # ... but the same person from another address signs in.
    assert _sign_in(client, person.email, PASSWORD, PRACTICE).status_code == 302
    assert _signed_in(client)


def test_it_lets_a_colleague_sign_in_however_often_strangers_get_their_password_wrong(
    client, person
):
    for stranger in (STRANGER, ELSEWHERE, "2001:db8:66::1"):
        _fail(client, person.email, stranger, 7)
        page = _sign_in(client, person.email, PASSWORD, stranger).content.decode()
        assert PAUSED in page
    assert FailedSignIn.objects.filter(email=person.email).count() == 15  # 5 per stranger

    # At their practice the colleague mistypes once, then signs in.
    assert NOT_CORRECT in _fail(client, person.email, PRACTICE, 1)[0].content.decode()
    assert _sign_in(client, person.email, PASSWORD, PRACTICE).status_code == 302
    assert _signed_in(client)


def test_it_lifts_the_lock_fifteen_minutes_after_the_failures(client, person):
    _earlier_failures(person.email, STRANGER, 5, minutes_ago=16)
    assert _sign_in(client, person.email, PASSWORD, STRANGER).status_code == 302

    client.post("/accounts/logout/")
    _earlier_failures(person.email, PRACTICE, 5, minutes_ago=14)
    assert PAUSED in _sign_in(client, person.email, PASSWORD, PRACTICE).content.decode()


def test_it_does_not_lock_for_failures_spread_over_more_than_fifteen_minutes(client, person):
    for minutes in (20, 18, 10, 5):
        _earlier_failures(person.email, STRANGER, 1, minutes_ago=minutes)
    assert NOT_CORRECT in _fail(client, person.email, STRANGER, 1)[0].content.decode()
    assert _sign_in(client, person.email, PASSWORD, STRANGER).status_code == 302


def test_it_counts_an_ipv6_network_as_one_address(client, person):
    for host in range(1, 6):
        _sign_in(client, person.email, "wrong password", f"2001:db8:1:2::{host}")
    page = _sign_in(client, person.email, PASSWORD, "2001:db8:1:2:ffff::9").content.decode()
    assert PAUSED in page
    assert _sign_in(client, person.email, PASSWORD, "2001:db8:1:3::1").status_code == 302


def test_it_ignores_a_forwarded_address_unless_a_proxy_is_trusted(client, person):
    for n in range(5):
        _sign_in(
            client, person.email, "wrong password", STRANGER, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"
        )
    page = _sign_in(
        client, person.email, PASSWORD, STRANGER, HTTP_X_FORWARDED_FOR=PRACTICE
    ).content.decode()
    assert PAUSED in page
    assert set(FailedSignIn.objects.values_list("ip_address", flat=True)) == {STRANGER}


def test_it_counts_the_address_a_trusted_proxy_reports(client, person, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.1.1.1"
    for _ in range(5):
        # The stranger's own X-Forwarded-For comes first; the proxy appends what it saw.
        _sign_in(
            client,
            person.email,
            "wrong password",
            proxy,
            HTTP_X_FORWARDED_FOR=f"{PRACTICE}, {STRANGER}",
        )
    assert set(FailedSignIn.objects.values_list("ip_address", flat=True)) == {STRANGER}
    page = _sign_in(
        client, person.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=STRANGER
    ).content.decode()
    assert PAUSED in page
    response = _sign_in(client, person.email, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=PRACTICE)
    assert response.status_code == 302


# The per-address limit ---------------------------------------------------------------------


def test_it_pauses_an_address_that_tries_many_accounts(client, person, mailbox):
    for n in range(29):
        _earlier_failures(f"someone{n}@example.org", STRANGER, 1, minutes_ago=50 - n)
    page = _fail(client, "someone-else@example.org", STRANGER, 1)[0].content.decode()
    assert PAUSED in page
    assert "after many failed attempts from its network, for any e-mail address" in page

    # Any account, even with its right password, waits at that address ...
    page = _sign_in(client, person.email, PASSWORD, STRANGER).content.decode()
    assert PAUSED in page and LINK_SENT not in page
    assert not _signed_in(client)
    # ... and nobody was e-mailed a link for it, but the address lock is recorded.
    assert mailbox.messages == []
    assert _actions() == ["sign_in.address_locked"]
    # From another address the account signs in.
    assert _sign_in(client, person.email, PASSWORD, PRACTICE).status_code == 302


def test_it_forgets_an_address_failures_after_an_hour(client, person):
    for n in range(29):
        _earlier_failures(f"someone{n}@example.org", STRANGER, 1, minutes_ago=61)
    assert NOT_CORRECT in _fail(client, "someone@example.org", STRANGER, 1)[0].content.decode()
    assert _sign_in(client, person.email, PASSWORD, STRANGER).status_code == 302


# The e-mailed one-time link -----------------------------------------------------------------


def test_it_emails_the_locked_person_a_link_that_signs_them_in_once(
    client, person, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = _fail(client, person.email, STRANGER, 5)[-1].content.decode()
    assert LINK_SENT in page

    [message] = mailbox.messages
    assert message["To"] == person.email
    assert message["Subject"] == "Failed attempts to sign in to Alliance with your e-mail address"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    locked_at = timezone.localtime(SignInLink.objects.get().created_at)
    when = f"{locked_at:%H:%M} on {locked_at:%A} {locked_at.day} {locked_at:%B %Y}"
    assert f"in the 15 minutes up to {when}." in text
    assert f"in the 15 minutes up to <strong>{when}</strong>." in html
    for part in (text, html):
        assert "There were 5 failed attempts to sign in to Alliance with your e-mail" in part
        assert f"(network address {STRANGER})" in part
        assert "you will still need a code from your authenticator app" in part
    path = _link_path(message)
    assert path in html

    # Opening the link only shows a button (mail scanners open links too) ...
    page = client.get(path, REMOTE_ADDR=STRANGER)
    assert page.status_code == 200
    assert "Sign in with your link" in page.content.decode()
    assert not _signed_in(client)
    # ... pressing it signs them in, even from the paused address, and lifts the pause.
    response = client.post(path, REMOTE_ADDR=STRANGER)
    assert response.status_code == 302 and response["Location"] == "/"
    assert _signed_in(client)
    assert not FailedSignIn.objects.filter(email=person.email).exists()
    client.post("/accounts/logout/")
    assert _sign_in(client, person.email, PASSWORD, STRANGER).status_code == 302
    client.post("/accounts/logout/")

    # The link works once.
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "This sign-in link has already been used" in response.content.decode()
    assert not _signed_in(client)
    assert _actions() == ["sign_in.locked", "sign_in_link.created", "sign_in_link.used"]
    used = AuditEntry.objects.get(action="sign_in_link.used")
    assert used.actor == person


def test_it_refuses_an_expired_link_with_a_clear_page(
    client, person, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, STRANGER, 5)
    path = _link_path(mailbox.messages[0])
    past = timezone.now() - dt.timedelta(minutes=1)
    SignInLink.objects.update(created_at=past - dt.timedelta(minutes=15), expires_at=past)
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        page = response.content.decode()
        assert "This sign-in link cannot be used" in page
        assert "This sign-in link has expired: links work for 15 minutes." in page
        assert 'href="/accounts/login/"' in page
    assert not _signed_in(client)
    assert SignInLink.objects.get().used_at is None


def test_it_refuses_a_link_after_its_time_even_when_asked_directly(
    client, person, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, STRANGER, 5)
    token = _link_path(mailbox.messages[0]).split("/")[-2]
    later = timezone.now() + dt.timedelta(minutes=15, seconds=1)
    with pytest.raises(ValidationError) as refused:
        services.sign_in_link_use(token=token, now=later)
    assert refused.value.code == "expired"
    assert services.sign_in_link_use(token=token) == person


def test_it_refuses_a_link_someone_made_up_or_changed(
    client, person, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, STRANGER, 5)
    path = _link_path(mailbox.messages[0])
    token = path.split("/")[-2]
    changed = path.replace(token, token[:-1] + ("A" if token[-1] != "A" else "B"))
    for bad in ("/accounts/sign-in-link/made-up/", changed):
        response = client.post(bad)
        assert response.status_code == 410
        assert "This sign-in link is not valid" in response.content.decode()
    assert not _signed_in(client)


def test_it_still_asks_for_the_two_factor_code_after_the_link(
    client, person, totp, mailbox, django_capture_on_commit_callbacks
):
    client.post("/accounts/logout/")
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, STRANGER, 5)
    path = _link_path(mailbox.messages[0])

    response = client.post(path, REMOTE_ADDR=STRANGER)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert not _signed_in(client)
    assert client.get("/").status_code == 302  # still sent to sign in

    response = client.post(
        "/accounts/2fa/authenticate/", {"code": totp.at(time.time() + 30)}, REMOTE_ADDR=STRANGER
    )
    assert response.status_code == 302
    assert _signed_in(client)
    assert client.post(path).status_code == 410  # used, though the code came after


def test_it_sends_no_email_for_an_unknown_address_and_says_the_same(
    client, person, mailbox, django_capture_on_commit_callbacks
):
    unknown = "nobody@example.org"
    seen = {}
    for email, address in ((person.email, STRANGER), (unknown, ELSEWHERE)):
        _earlier_failures(email, address, 4, minutes_ago=5)
        with django_capture_on_commit_callbacks(execute=True):
            fifth = _fail(client, email, address, 1)[0].content.decode()
        sixth = _sign_in(client, email, PASSWORD, address).content.decode()
        seen[email] = [_without_the_form_values(page, email) for page in (fifth, sixth)]
        assert LINK_SENT in fifth and LINK_SENT in sixth
    assert seen[person.email] == seen[unknown]
    assert [m["To"] for m in mailbox.messages] == [person.email]
    assert _actions() == ["sign_in.locked", "sign_in_link.created", "sign_in.locked"]


def _without_the_form_values(page, email):
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return page.replace(email, "EMAIL")


def test_it_sends_no_email_to_an_inactive_account(
    client, db, mailbox, django_capture_on_commit_callbacks
):
    gone = UserFactory(email="left@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        page = _fail(client, gone.email, STRANGER, 5)[-1].content.decode()
    assert LINK_SENT in page
    assert mailbox.messages == []
    assert not SignInLink.objects.exists()


def test_it_sends_one_email_per_account_per_lock_window(
    client, person, mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, STRANGER, 5)
        _fail(client, person.email, ELSEWHERE, 5)
    assert len(mailbox.messages) == 1
    assert _actions().count("sign_in.locked") == 2

    # Once the window has passed, the next lock sends a new link.
    past = timezone.now() - dt.timedelta(minutes=16)
    SignInLink.objects.update(created_at=past, expires_at=past + dt.timedelta(minutes=15))
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, "192.0.2.99", 5)
    assert len(mailbox.messages) == 2
    assert _link_path(mailbox.messages[0]) != _link_path(mailbox.messages[1])


def test_it_shows_the_link_page_in_few_queries(
    client, person, mailbox, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, person.email, STRANGER, 5)
    path = _link_path(mailbox.messages[0])
    with django_assert_max_num_queries(3):
        assert client.get(path).status_code == 200
