"""What the Phoenix-derived browser tests share: waiting for the page to settle, reading lists."""

from __future__ import annotations

from typing import Any

# Connected, and no event still waiting for its reply (the client's loading classes).
SETTLED = """() => {
  const main = document.querySelector('[data-phx-main]');
  return !!main && main.classList.contains('phx-connected') &&
    !document.querySelector('[class*="phx-"][class*="-loading"]') &&
    !document.querySelector('[data-phx-ref-loading]');
}"""


def sync_lv(page: Any) -> None:
    """Wait until the live view is connected and has answered every event sent."""
    page.wait_for_function(SETTLED)


def children(page: Any, container: str) -> list[dict[str, str]]:
    """Id and first text node of each child of ``#container`` (how Phoenix's specs read rows)."""
    return list(
        page.locator(f"#{container} > *").evaluate_all(
            """(els) => els.map((el) => ({
                id: el.id,
                text: (el.childNodes[0] && el.childNodes[0].nodeValue || '').trim(),
            }))"""
        )
    )


def list_items(page: Any) -> list[dict[str, str]]:
    """Id and rendered text of every ``ul > li``."""
    return list(
        page.locator("ul > li").evaluate_all(
            "(els) => els.map((el) => ({id: el.id, text: el.innerText}))"
        )
    )


def ids(rows: list[dict[str, str]]) -> list[str]:
    return [row["id"] for row in rows]


def page_errors(page: Any) -> list[Any]:
    """Uncaught errors in the page from now on (Phoenix's specs expect none)."""
    errors: list[Any] = []
    page.on("pageerror", lambda error: errors.append(error))
    return errors


def console_lines(page: Any) -> list[str]:
    lines: list[str] = []
    page.on("console", lambda message: lines.append(message.text))
    return lines


# Every live view on the page (the main one, children, sticky ones) connected and settled.
ALL_SETTLED = """() => {
  const views = [...document.querySelectorAll('[data-phx-session]')];
  return views.length > 0 && views.every((el) => el.classList.contains('phx-connected')) &&
    !document.querySelector('[class*="phx-"][class*="-loading"]') &&
    !document.querySelector('[data-phx-ref-loading]');
}"""


def sync_views(page: Any) -> None:
    """Wait until every live view on the page, nested and sticky ones too, is connected."""
    page.wait_for_function(ALL_SETTLED)
