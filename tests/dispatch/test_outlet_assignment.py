"""Volunteers are sent to outlets so that each outlet's goods have payload to carry them."""

from supply_match.services.planning.outlet_assignment import Candidate, Demand, assign

MORNING, AFTERNOON = (7 * 3600, 12 * 3600), (13 * 3600, 18 * 3600)


def volunteer(vid, payload, near, far, km_near=2, km_far=15, shift=(7 * 3600, 18 * 3600)):
    return Candidate(vid, payload, {near: km_near * 1000, far: km_far * 1000}, shift)


def test_volunteers_load_at_the_outlet_near_home_when_that_covers_everything():
    people = [volunteer(1, 500, near=10, far=20), volunteer(2, 500, near=20, far=10)]
    demands = [Demand(10, 300), Demand(20, 300)]
    assert assign(people, demands) == {1: 10, 2: 20}


def test_the_busy_outlet_gets_the_truck_that_lives_nearer_the_quiet_one():
    people = [
        volunteer(1, 300, near=10, far=20),
        volunteer(2, 2000, near=20, far=10),
        volunteer(3, 300, near=20, far=10),
    ]
    # Outlet 10 has 2 t of orders, outlet 20 only 200 kg.
    demands = [Demand(10, 2000), Demand(20, 200)]
    assigned = assign(people, demands)
    assert assigned[2] == 10
    assert assigned[3] == 20


def test_goods_wanted_in_the_morning_get_a_volunteer_on_duty_in_the_morning():
    people = [
        volunteer(1, 500, near=10, far=20, shift=AFTERNOON),
        volunteer(2, 500, near=20, far=10, shift=MORNING),
        volunteer(3, 500, near=20, far=10, shift=AFTERNOON),
    ]
    demands = [Demand(10, 400, MORNING), Demand(20, 400)]
    assigned = assign(people, demands)
    assert assigned[2] == 10
    # Without the window, everyone stays near home.
    assert assign(people, [Demand(10, 400), Demand(20, 400)]) == {1: 10, 2: 20, 3: 20}


def test_fixed_volunteers_keep_their_outlet():
    people = [volunteer(1, 500, near=10, far=20), volunteer(2, 500, near=20, far=10)]
    demands = [Demand(10, 300), Demand(20, 300)]
    # 1 must stay at outlet 20, so 2 goes over to cover outlet 10.
    assert assign(people, demands, fixed={1: 20}) == {1: 20, 2: 10}


def test_a_day_without_goods_assigns_only_the_fixed():
    people = [volunteer(1, 500, near=10, far=20)]
    assert assign(people, [], fixed={1: 20}) == {1: 20}
    assert assign(people, []) == {}
