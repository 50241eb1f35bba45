"""The day's preparation page shows how far each volunteer's vehicle goes."""

from supply_match.extensions import db
from supply_match.models import VehicleType
from supply_match.services.planning.vehicles import RANGE_KM
from tests import factories
from tests.days import DAY, allocated_orders


def test_each_volunteer_shows_their_own_range_or_their_vehicle_types(client, auth, county):
    factories.user(role="dispatcher", username="diaodu-test")
    allocated_orders(county, [[(county["seed"], 2)]])
    county["volunteers"][1].range_km = 35
    db.session.commit()
    auth.login("diaodu-test")
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)
    assert "续航" in page
    assert f'<td class="num">{RANGE_KM[VehicleType.MOTOR_TRICYCLE]} km</td>' in page
    assert '<td class="num">35 km</td>' in page
