"""Helpers for the Playwright tests: a page that records CSP violations and script errors."""

from __future__ import annotations

from typing import Any

from alliance.testing import PASSWORD

RECORD_PROBLEMS = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__problems.push('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI);
});
"""

# Chromium cannot reach the internet here; NHS.UK frontend's stylesheet asks for its font
# from assets.nhs.uk (allowed by the CSP). A failed download of that font is not a fault.
IGNORED_CONSOLE = ("assets.nhs.uk", "net::ERR_NAME_NOT_RESOLVED", "ERR_INTERNET_DISCONNECTED")


def new_page(browser: Any) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_PROBLEMS)
    page.problems = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.problems.append(f"Script error: {error}"))

    def on_console(message: Any) -> None:
        text = message.text
        # Failed loads are checked by on_response, which knows which request failed.
        failed_load = text.startswith("Failed to load resource: the server responded")
        ignored = failed_load or any(i in text for i in IGNORED_CONSOLE)
        if message.type == "error" and not ignored:
            page.problems.append(f"Console error: {text}")
        if "Content Security Policy" in text:
            page.problems.append(f"CSP: {text}")

    def on_response(response: Any) -> None:
        # The page itself may answer 404 or 410 on purpose; its assets must all load.
        if response.status >= 400 and response.request.resource_type != "document":
            page.problems.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    return page


def problems(page: Any) -> list[str]:
    recorded = page.evaluate("window.__problems || []")
    return [*page.problems, *recorded]


def sign_in(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def settled(page: Any) -> None:
    """Wait until the page has loaded and NHS.UK's header has finished laying out its
    navigation: until then the header moves the items that do not fit into its hidden
    "More" list, and axe, run in between, can see them half-moved."""
    page.wait_for_load_state("load")
    if page.locator('[data-module="nhsuk-header"]').count():
        page.locator('[data-module="nhsuk-header"][data-nhsuk-header-init]').wait_for(
            state="attached", timeout=15_000
        )
    page.wait_for_load_state("networkidle")


def serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    settled(page)
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def follow_header_link(page: Any, name: str) -> None:
    """Click a link of the header's navigation, opening NHS.UK's "More" list first when the
    header has folded the link into it."""
    settled(page)
    header = page.locator("header")
    link = header.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        header.get_by_role("button", name="More").click()
    link.click()
