"""Logging out of the demo, as the "Log out" button on the private page does.

Regression for the review finding "the demo's POST /logout/ returns 500"
(Django's LogoutView looked for a ``registration/logged_out.html`` the demo
does not have).
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_demo_logout_redirects_home_and_signs_out(client: Any, ada: Any) -> None:
    client.force_login(ada)
    assert client.get("/login-required/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/login-required/").status_code == 302  # to the login page again
