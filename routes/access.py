"""Who may open a page: the ``role_required`` decorator and each role's home page.

Adding a staff page: a view in a blueprint module under routes/ (registered in
routes/__init__.py), decorated with ``@role_required(Role.DISPATCHER, Role.ADMIN)`` (or no
roles for any signed-in user); read households and orders only through
``supply_match.services.scope`` so that a cadre stays inside their villages; render a
template that ``{% extends "base.html" %}`` and fills ``title`` and ``content`` (``head``
for an extra stylesheet, ``scripts`` for ``<script src>`` tags; no inline script or style,
the CSP refuses them). Strings are English msgids in ``_()``; add their Chinese to
translations/zh_Hans_CN/LC_MESSAGES/messages.po (tests/web/test_i18n.py lists any missing).
"""

from __future__ import annotations

from functools import wraps

from flask import abort, request, url_for
from flask_login import current_user

from supply_match.extensions import login_manager
from supply_match.models import Role

HOME_ENDPOINTS = {
    Role.ADMIN: "admin.home",
    Role.DISPATCHER: "dispatch.home",
    Role.CADRE: "cadre.home",
}


def role_required(*roles: Role | str):
    """Let the view run for a signed-in user of one of ``roles``; anonymous visitors go to
    the login page (and come back after), other roles get 403. With no roles, any
    signed-in user may enter. Under /api/ an anonymous caller gets 401 instead of the
    login page; routes/errors.py answers both in JSON there."""
    allowed = {str(role) for role in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.is_active:
                if request.path.startswith("/api/"):
                    abort(401)
                return login_manager.unauthorized()
            if allowed and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = frozenset(allowed)
        return wrapped

    return decorator


def home_url_for(user) -> str:
    return url_for(HOME_ENDPOINTS.get(user.role, "auth.login"))
