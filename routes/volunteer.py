"""Volunteers' phone pages, opened by a personal link: no login, the token is the key."""

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import get_locale

from supply_match.extensions import csrf
from supply_match.services.county import settings as county_settings
from supply_match.services.delivery import links as volunteer_links
from supply_match.services.delivery import phone_updates as delivery
from supply_match.services.delivery import positions, volunteer_day

bp = Blueprint("volunteer", __name__, url_prefix="/v")
# Phones post with the token in the URL and no cookie: there is no session to forge.
csrf.exempt(bp)

MAX_CHANGES_PER_POST = 200


def _volunteer_or_404(token: str):
    volunteer = volunteer_links.volunteer_for_token(token)
    if volunteer is None:
        abort(404, description="invalid-link")
    return volunteer


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/volunteer-sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/v/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<token>")
def day_page(token: str):
    volunteer = volunteer_links.volunteer_for_token(token)
    if volunteer is None:
        return render_template("volunteer/invalid.html"), 404
    # The phone fetches its day and posts its marks without cookies: the page's language
    # goes in their URLs, so the reasons and answers come back in it too.
    return render_template(
        "volunteer/day.html", token=token, volunteer=volunteer, lang=str(get_locale())
    )


@bp.get("/<token>/day.json")
def day_json(token: str):
    volunteer = _volunteer_or_404(token)
    response = jsonify(volunteer_day.day_data(volunteer, county_settings.county_today()))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<token>/updates")
def post_updates(token: str):
    volunteer = _volunteer_or_404(token)
    if not volunteer_links.count_post(volunteer, current_app.config["VOLUNTEER_POSTS_PER_MINUTE"]):
        response = jsonify(error="too many posts from this link; send again in a minute")
        return response, 429, {"Retry-After": str(volunteer_links.POST_WINDOW_S)}
    payload = request.get_json(silent=True)
    changes = payload.get("changes") if isinstance(payload, dict) else None
    # A phone sharing its position may post it alone, with no change.
    sharing = isinstance(payload, dict) and "position" in payload
    if (
        not isinstance(changes, list)
        or not (changes or sharing)
        or len(changes) > MAX_CHANGES_PER_POST
    ):
        return jsonify(error="changes must be a list of 1 to 200 changes"), 422
    results = [delivery.apply_from_phone(volunteer, change) for change in changes]
    if sharing:
        return jsonify(
            results=results, position=positions.record_from_phone(volunteer, payload["position"])
        )
    return jsonify(results=results)
