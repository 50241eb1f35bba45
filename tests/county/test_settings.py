"""The county's settings: checked, stored, and the county's clock everywhere."""

from datetime import date, datetime

import pytest

from supply_match.services.county import settings as county_settings
from tests import factories
from tests.county.conftest import settings_values


def test_a_fresh_database_reads_the_defaults_and_is_not_configured(app):
    current = county_settings.current()
    assert current.configured is False
    assert current.time_zone == "Asia/Shanghai"


def test_settings_are_saved_and_read_back(app):
    county_settings.save_settings(**settings_values(service_title="酉阳农资配送"))
    county_settings.forget_cached()
    current = county_settings.current()
    assert current.configured
    assert current.service_title == "酉阳农资配送"
    assert current.county_code == "500243"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("county_code", "50024"),
        ("county_code", "5002430"),
        ("county_name", ""),
        ("service_title", " "),
        ("time_zone", "Mars/Olympus"),
        ("time_zone", "UTC+8"),
        ("default_shift_start", "8 点"),
        ("default_shift_end", "07:00"),
        ("circuity", "0.9"),
        ("circuity", "abc"),
    ],
)
def test_a_bad_setting_is_refused_by_field_and_nothing_is_saved(app, field, value):
    with pytest.raises(county_settings.SettingsError) as refused:
        county_settings.save_settings(**settings_values(**{field: value}))
    assert field in refused.value.errors
    county_settings.forget_cached()
    assert county_settings.current().configured is False


def test_the_county_code_cannot_change_once_townships_exist(app, pengshui):
    factories.township(code="500243104")
    with pytest.raises(county_settings.SettingsError) as refused:
        county_settings.save_settings(**settings_values(county_code="500242"))
    assert "county_code" in refused.value.errors


def test_county_today_is_the_date_in_the_county_not_on_the_server(app, pengshui):
    app.config["CLOCK_NOW"] = datetime(2020, 3, 19, 20, 30)
    assert county_settings.county_today() == date(2020, 3, 20)
    county_settings.save_settings(**settings_values(time_zone="Europe/London"))
    assert county_settings.county_today() == date(2020, 3, 19)


def test_a_stored_utc_moment_reads_as_county_time(app, pengshui):
    shown = county_settings.county_time(datetime(2020, 3, 19, 20, 30))
    assert shown == datetime(2020, 3, 20, 4, 30)


def test_the_settings_page_saves_and_the_title_shows_on_every_page(app, client, auth):
    factories.user("admin", username="admin1")
    from supply_match.extensions import db

    db.session.commit()
    auth.login("admin1")
    values = settings_values(service_title="酉阳农资配送")
    values["keep_pesticide_apart"] = "1"
    response = client.post("/admin/settings/", data=values)
    assert response.status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    assert "酉阳农资配送" in page
    assert "彭水农资配送" not in page


def test_the_settings_page_shows_a_bad_code_in_chinese(app, client, auth):
    factories.user("admin", username="admin1")
    from supply_match.extensions import db

    db.session.commit()
    auth.login("admin1")
    response = client.post("/admin/settings/", data=settings_values(county_code="abc"))
    assert response.status_code == 422
    assert "县代码为 6 位数字" in response.get_data(as_text=True)


def test_a_cadre_cannot_open_the_settings(app, client, auth):
    village = factories.village()
    factories.user("cadre", username="cadre1", villages=[village])
    from supply_match.extensions import db

    db.session.commit()
    auth.login("cadre1")
    assert client.get("/admin/settings/").status_code == 403


def test_the_pesticide_default_of_a_delivery_day_is_the_countys(app, client, auth, county):
    from tests.days import allocated_orders

    allocated_orders(county, [[(county["urea"], 2)]])
    county_settings.save_settings(**settings_values(keep_pesticide_apart=False))
    factories.user("dispatcher", username="disp1")
    from supply_match.extensions import db

    db.session.commit()
    auth.login("disp1")
    page = client.get("/plans/2020-03-03").get_data(as_text=True)
    assert 'name="separate_pesticide" value="1">' in page
    county_settings.save_settings(**settings_values(keep_pesticide_apart=True))
    page = client.get("/plans/2020-03-03").get_data(as_text=True)
    assert 'name="separate_pesticide" value="1" checked>' in page
