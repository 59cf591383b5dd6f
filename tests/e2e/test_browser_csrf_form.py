"""A plain POST form with ``{% csrf_token %}`` inside a live page, in real Chromium.

Regression for the review finding "{% csrf_token %} in a live template renders
a wrong token after the page connects": the socket's request had no CSRF
secret, so Django minted a new one, and the form the browser held got 403.
"""

from __future__ import annotations

import re
from typing import Any

from tether.testing import ServerProcess

TOKEN = 'input[name="csrfmiddlewaretoken"]'


def test_csrf_token_in_a_live_page_form_posts_with_200_after_connect(
    page: Any, demo_server: ServerProcess
) -> None:
    response = page.goto(demo_server.url + "/feedback/")
    dead = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text())
    assert dead, "the dead render has the form's token"
    page.wait_for_selector(".phx-connected")
    page.wait_for_function("document.querySelector('#mode').textContent.startsWith('Connected')")
    # The browser holds the connected render's token now, not the dead render's.
    assert page.get_attribute(TOKEN, "value") != dead.group(1)
    page.fill("textarea[name=message]", "hello")
    page.wait_for_function("document.querySelector('#length').textContent === '5'")
    with page.expect_navigation() as navigation:
        page.click("#send")
    assert navigation.value.status == 200
    assert page.text_content("#message") == "hello"
