"""A plan's map a dispatcher reads at a glance: neighbouring runs in different colours,
each run a group that can be shown alone, township names and a scale bar."""

import re

from supply_match.extensions import db
from supply_match.models import Role
from supply_match.services.documents import svg_map
from supply_match.services.planning.day import plan_day
from supply_match.services.planning.settings import PlanningSettings
from tests import factories
from tests.days import DAY, allocated_orders


def _cluster(lat, lon):
    return [(lat + i * 0.001, lon + i * 0.001) for i in range(3)]


def test_neighbouring_runs_never_share_a_colour_while_the_palette_lasts():
    # 20 runs in one village: all neighbours, so the 16 colours are used once each first.
    crowded = svg_map.colour_indices([_cluster(29.30, 108.20) for _ in range(20)])
    assert sorted(crowded[:16]) == list(range(16))
    # Runs far apart may share a colour; near ones never do.
    spread = svg_map.colour_indices(
        [_cluster(29.30, 108.20), _cluster(29.60, 108.60), _cluster(29.301, 108.201)]
    )
    assert spread[0] != spread[2]
    assert spread[1] == spread[0]  # 40 km away: the first colour is free again


def test_the_map_draws_township_names_a_scale_bar_and_one_group_per_run():
    layer = svg_map.MapLayer(
        runs=[
            svg_map.MapRun("#1f77b4", [(29.29, 108.17), (29.32, 108.20)], ["张三"], key="run-1"),
            svg_map.MapRun("#d62728", [(29.29, 108.17), (29.25, 108.10)], ["李四"], key="run-2"),
        ],
        places=[(29.30, 108.15, "汉葭街道"), (30.50, 109.90, "远方乡")],
    )
    svg = svg_map.render(layer, width=640, height=420)
    assert re.findall(r'data-run="(run-\d)"', svg) == ["run-1", "run-2"]
    assert "汉葭街道" in svg and "远方乡" not in svg  # only names inside the map
    bar = re.search(r'class="scale-bar"><path d="M12,403 L12,408 L([\d.]+),408.*?>(\d+) km<', svg)
    assert bar
    # The bar's length in pixels matches its label at the map's scale (~ 11 km across).
    metres_per_px = 111_320 * (29.32 - 29.25) / (420 - 2 * 24)
    assert abs((float(bar.group(1)) - 12) * metres_per_px - int(bar.group(2)) * 1000) < 100


def test_the_plan_page_map_has_a_group_per_run_matching_the_table(county, client):
    allocated_orders(county, [[(county["urea"], 6)], [(county["urea"], 6)], [(county["seed"], 2)]])
    plan = plan_day(DAY, PlanningSettings(solution_limit=30))
    db.session.commit()
    factories.user(Role.DISPATCHER, username="disp")
    db.session.commit()
    client.post("/login", data={"login": "disp", "password": factories.PASSWORD})
    page = client.get(f"/plans/{DAY.isoformat()}").get_data(as_text=True)

    keys = [f"run-{run.id}" for run in plan.runs]
    assert len(keys) >= 2
    for key in keys:
        assert f'<g class="map-run" data-run="{key}">' in page
        assert f'<tr data-run="{key}">' in page
        assert f'data-run="{key}">' in page
    assert "汉葭街道" in page  # the township's name on the map
    assert 'class="scale-bar"' in page
    assert "js/plan-map.js" in page
