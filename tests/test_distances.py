import numpy as np
import pytest

from supply_match import geo
from supply_match.services.planning.distances import GreatCircleProvider

POINTS = [(29.29, 108.17), (29.55, 108.35), (29.05, 107.95)]


def test_matrix_matches_the_pairwise_road_distance():
    matrices = GreatCircleProvider(circuity=1.5).matrices(POINTS, ["minivan"])
    for i, a in enumerate(POINTS):
        for j, b in enumerate(POINTS):
            assert matrices.distance_m[i][j] == pytest.approx(
                geo.road_distance_m(*a, *b, circuity=1.5), abs=1
            )
    assert np.all(np.diag(matrices.distance_m) == 0)


def test_slower_vehicles_take_longer_over_the_same_road():
    matrices = GreatCircleProvider().matrices(POINTS, ["electric_tricycle", "minivan"])
    tricycle, van = matrices.duration_s["electric_tricycle"], matrices.duration_s["minivan"]
    assert tricycle[0][1] > van[0][1] > 0
    # 35 km/h: seconds = metres / (35 / 3.6)
    assert van[0][1] == pytest.approx(matrices.distance_m[0][1] / (35 / 3.6), abs=1)
