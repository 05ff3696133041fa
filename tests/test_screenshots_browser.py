"""The pages a reader meets, at desktop and phone size, kept as screenshots in test-artifacts/ for people to look at.

Each page is also held to what any page owes its reader: no sideways scrolling on
a phone, no script error, no request leaving the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
MATCHING_PASTE = (
    'Traceback (most recent call last):\n  File "app.py", line 3, in <module>\n'
    "    df = df.append(row)\nAttributeError: 'DataFrame' object has no attribute 'append'"
)
UNKNOWN_PASTE = "zorblax.FrobnicationError: the widget quux failed to frobnicate"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_the_pages_a_reader_meets(viewport: str, catalogue_site: Path, serve, browser) -> None:
    width, height = VIEWPORTS[viewport]
    base = serve(catalogue_site, static_host=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and "404" not in m.text and errors.append(m.text))
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    ARTIFACTS.mkdir(exist_ok=True)
    shots: list[Path] = []

    def keep(name: str) -> None:
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} scrolls sideways at {viewport} width ({wide}px)"
        shots.append(ARTIFACTS / f"{name}-{viewport}.png")
        page.screenshot(path=str(shots[-1]))

    try:
        page.goto(base)
        page.wait_for_load_state("networkidle")
        keep("home")
        for entry_id in ("pandas-append-removed", "openai-insufficient-quota"):
            page.goto(f"{base}errors/{entry_id}/")
            assert page.locator(".fx-quick-fix").is_visible()
            keep(f"entry-{entry_id}")
        page.goto(f"{base}browse/")
        keep("browse")
        page.goto(f"{base}paste/")
        box = page.locator("#fx-paste-input")
        box.fill(MATCHING_PASTE)
        first = page.locator(".fx-paste-results li a").first
        first.wait_for(timeout=15_000)
        assert "errors/pandas-append-removed/" in (first.get_attribute("href") or "")
        keep("paste-match")
        box.fill(UNKNOWN_PASTE)
        request = page.get_by_role("link", name="Request this entry")
        request.wait_for(timeout=15_000)
        keep("paste-no-match")
        page.goto(f"{base}errors/zz-unknown/")
        assert page.locator("#fx-paste-input").is_visible()
        assert "zz-unknown" in (page.get_by_role("link", name="Request this entry").get_attribute("href") or "")
        keep("not-found")
    finally:
        context.close()
    assert all(path.stat().st_size > 5_000 for path in shots)
    assert errors == []
    assert outside == []
