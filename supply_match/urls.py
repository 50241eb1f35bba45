"""Absolute addresses of the site's pages, built from its base URL, with or without a
request: the worker lays out route sheets long after the dispatcher's request ended."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, request


def site_url() -> str:
    """The site's base URL: ``SITE_URL`` when configured, else the current request's host
    (only at the door: in a view)."""
    return current_app.config.get("SITE_URL") or request.url_root


def volunteer_link_builder(base_url: str) -> Callable[[str], str]:
    """A function from a volunteer's token to their phone page's absolute URL under
    ``base_url`` (the same URL ``url_for(..., _external=True)`` gives on that host)."""
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return lambda token: adapter.build("volunteer.day_page", {"token": token}, force_external=True)
