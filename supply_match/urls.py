"""Absolute addresses of the site's pages, built from its base URL, with or without a
request: the worker lays out route sheets long after the dispatcher's request ended."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import current_app, request, url_for


def site_url() -> str:
    """The site's base URL: ``SITE_URL`` when configured, else the current request's host
    (only at the door: in a view)."""
    return current_app.config.get("SITE_URL") or request.url_root


def _token_link_builder(
    endpoint: str, base_url: str, argument: str = "token"
) -> Callable[[str], str]:
    """A function from a token to the absolute URL of ``endpoint`` (its URL ``argument``
    filled with the token) under ``base_url``: the same URL ``url_for(..., _external=True)``
    gives on that host."""
    parts = urlsplit(base_url)
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "http"
    )
    return lambda token: adapter.build(endpoint, {argument: token}, force_external=True)


def volunteer_link_builder(base_url: str) -> Callable[[str], str]:
    """A function from a volunteer's token to their phone page's absolute URL."""
    return _token_link_builder("volunteer.day_page", base_url)


def household_link_builder(base_url: str) -> Callable[[str], str]:
    """A function from a household's token to their page's absolute URL (slips' QR codes
    are drawn by the worker, with no request)."""
    return _token_link_builder("household_link.page", base_url, "household_token")


def outlet_stop_link_builder(base_url: str) -> Callable[[int], str]:
    """A function from a stop's id to its page for the outlet's staff (a bag label's QR
    code, printed with no request in the worker too)."""
    return _token_link_builder("outlet_days.stop", base_url, "stop_id")


# Stands for the record id while a URL is built once; no county's record gets this id.
_ID_SLOT = 9_876_543_210_123


def id_url(endpoint: str, argument: str, **values) -> Callable[[int], str]:
    """``url_for(endpoint, **values)`` with ``argument`` filled in later, as a function of
    a record id: built once, where a page has a form per stop (the plan page asked
    ``url_for`` twice per stop, a tenth of its time)."""
    if not any(argument in rule.arguments for rule in current_app.url_map.iter_rules(endpoint)):
        raise ValueError(f"{endpoint}'s URL has no {argument}")
    url = url_for(endpoint, **{argument: _ID_SLOT}, **values)
    head, slot, tail = url.partition(str(_ID_SLOT))
    if not slot or str(_ID_SLOT) in tail:
        raise ValueError(f"{endpoint}'s URL does not hold {argument} once: {url}")
    return lambda record_id: f"{head}{int(record_id)}{tail}"
