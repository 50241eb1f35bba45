"""Languages: Simplified Chinese by default, English on request.

Strings are English msgids (``_()`` in templates, ``gettext``/``lazy_gettext`` in code);
the Chinese lives in translations/zh_Hans_CN/LC_MESSAGES/messages.po. Without compiled
catalogs (``make translations``) pages fall back to the English msgids.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from urllib.parse import quote

from babel.dates import format_date as babel_format_date
from babel.numbers import (
    LC_NUMERIC,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
)
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_decimal as babel_format_decimal
from flask_babel import get_locale, get_translations, refresh
from flask_login import current_user

from supply_match import labels
from supply_match.extensions import babel


def select_locale() -> str | None:
    if not has_request_context():
        return None  # a worker, a CLI command: the default locale
    languages = current_app.config["LANGUAGES"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in languages:
        return session["lang"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def lang_url(code: str) -> str:
    """The current page in another language (the choice is then kept in the session)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    query = "&".join(
        f"{quote(key)}={quote(str(value))}"
        for key, values in sorted(args.items())
        for value in values
    )
    return f"{request.path}?{query}"


def html_lang() -> str:
    """The page's ``lang`` attribute: zh-CN or en."""
    locale = get_locale()
    if locale is None or locale.language == "zh":
        return "zh-CN"
    return str(locale.language)


def format_day(day: date) -> str:
    """A delivery date with its weekday, e.g. 2020-03-17 周二 / Tue 2020-03-17."""
    return babel_format_date(day, format="yyyy-MM-dd EEE", locale=get_locale())


def format_weight(kg: Decimal | float | int | None) -> str:
    """A weight for people: kilograms up to a tonne, tonnes with one decimal above."""
    if kg is None:
        return ""
    kg = Decimal(kg)
    if kg >= 1000:
        return format_decimal(kg / 1000, "#,##0.0") + " t"
    return format_decimal(kg, "#,##0.##") + " kg"


# Patterns given to ``decimalformat`` in the templates -> (fewest, most) decimals.
FAST_PATTERNS = {"#,##0.0": (1, 1), "#,##0.##": (0, 2), "#,##0.###": (0, 3), "#,##0": (0, 0)}


def format_decimal(number, pattern: str | None = None) -> str:
    """Flask-Babel's ``format_decimal`` (the templates' ``decimalformat``), computed here
    for the patterns the pages use: Babel took 90 microseconds a number, and the supply
    page shows three thousand (a test checks both give the same text)."""
    if pattern in FAST_PATTERNS:
        return _decimal_text(number, *FAST_PATTERNS[pattern])
    return babel_format_decimal(number, format=pattern)


def _decimal_text(number, min_fraction: int, max_fraction: int) -> str:
    """What Babel makes of ``number`` with a grouped pattern of ``min_fraction`` to
    ``max_fraction`` decimals in the request's locale (half to even, as Babel rounds)."""
    if not isinstance(number, Decimal):
        number = Decimal(str(number))  # as Babel reads floats and ints
    decimal_sign, group_sign, minus_sign = _request_number_symbols()
    rounded = number.quantize(Decimal(1).scaleb(-max_fraction), rounding=ROUND_HALF_EVEN)
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    fraction = fraction.rstrip("0").ljust(min_fraction, "0")
    text = f"{int(whole):,}".replace(",", group_sign)
    if fraction:
        text += decimal_sign + fraction
    return minus_sign + text if number.is_signed() else text


def _request_number_symbols() -> tuple[str, str, str]:
    """The decimal, group and minus signs of the request's language, kept beside
    Flask-Babel's locale as ``request_translations`` keeps the catalogue."""
    return _kept_for_locale(
        "supply_match_number_symbols",
        lambda: _number_symbols(str(get_locale() or LC_NUMERIC)),
    )


@cache
def _number_symbols(locale: str) -> tuple[str, str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale), get_minus_sign_symbol(locale)


def select_timezone() -> str:
    """Times are shown in the county's time zone (its settings), whoever looks."""
    from supply_match.services.county import settings

    return settings.current().time_zone


def service_title() -> str:
    from flask_babel import gettext

    from supply_match.services.county import settings

    return settings.current().service_title or gettext("Farm supply delivery")


def county_clock(moment, pattern: str = "%H:%M") -> str:
    """A stored UTC moment as the county's wall-clock time, e.g. 04:30."""
    from supply_match.services.county import settings

    shown = settings.county_time(moment)
    return shown.strftime(pattern) if shown is not None else ""


def _forget_county_settings() -> None:
    # The settings are read once per request; an app context shared between requests
    # (tests, a CLI command) must not keep another request's.
    from supply_match.services.county import settings

    settings.forget_cached()


def request_translations():
    """The catalog of the request's language, found once per locale: Flask-Babel's own
    template callables look it up afresh on every ``_()`` (a chain of context lookups,
    half of each call), and a busy page such as the board asks hundreds of times."""
    if not g:
        return get_translations()  # no app context: Flask-Babel's empty catalog
    return _kept_for_locale("supply_match_translations", get_translations)


def _kept_for_locale(name: str, make):
    """``make()``, kept as ``name`` beside Flask-Babel's locale on its context, and made
    again whenever that locale changes (``refresh``, ``force_locale``)."""
    context = g.get("_flask_babel") if g else None
    locale = getattr(context, "babel_locale", None)
    kept = getattr(context, name, None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    value = make()
    # Making it may have chosen the locale: read the context again.
    context = g.get("_flask_babel") if g else None
    locale = getattr(context, "babel_locale", None)
    if context is not None and locale is not None:
        setattr(context, name, (locale, value))
    return value


def _install_template_gettext(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel caches the locale on ``g``, which outlives a request whenever an app
    # context is shared between requests (tests, a CLI command); choose afresh each time.
    app.before_request(refresh)
    app.before_request(_forget_county_settings)
    _install_template_gettext(app)
    app.jinja_env.globals.update(lang_url=lang_url, html_lang=html_lang)
    app.jinja_env.filters["weight"] = format_weight
    app.jinja_env.filters["decimalformat"] = format_decimal
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["series"] = labels.series
    app.jinja_env.filters["county_clock"] = county_clock
    app.jinja_env.globals["service_title"] = service_title
    app.jinja_env.globals.update(
        run_name=labels.run_name,
        product_label=labels.product_label,
        village_group=labels.village_group,
        duty_days_label=labels.duty_days,
    )
