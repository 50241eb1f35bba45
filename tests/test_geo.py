"""Distances and datum conversions against known reference points."""

import pytest

from supply_match import geo

# A widely published reference pair (Beijing, near Tiananmen) used by open-source
# converters: WGS-84 -> GCJ-02, GCJ-02 -> BD-09 and BD-09 -> GCJ-02 of the same input.
REFERENCE_INPUT = (39.915, 116.404)


def test_wgs84_to_gcj02_matches_the_published_reference():
    lat, lon = geo.wgs84_to_gcj02(*REFERENCE_INPUT)
    assert lat == pytest.approx(39.91640428150164, abs=1e-9)
    assert lon == pytest.approx(116.41024449916938, abs=1e-9)


def test_gcj02_to_bd09_matches_the_published_reference():
    lat, lon = geo.gcj02_to_bd09(*REFERENCE_INPUT)
    assert lat == pytest.approx(39.92133699351021, abs=1e-9)
    assert lon == pytest.approx(116.41036949371029, abs=1e-9)


def test_bd09_to_gcj02_matches_the_published_reference():
    lat, lon = geo.bd09_to_gcj02(*REFERENCE_INPUT)
    assert lat == pytest.approx(39.90865673957631, abs=1e-9)
    assert lon == pytest.approx(116.39762729119315, abs=1e-9)


@pytest.mark.parametrize("point", [(29.29, 108.17), (29.85, 107.80), (28.95, 108.60)])
def test_conversions_round_trip_in_pengshui(point):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(*point))
    assert geo.great_circle_m(*point, *back) < 0.01
    # Baidu's published inverse is itself approximate, to a few centimetres.
    back = geo.bd09_to_wgs84(*geo.wgs84_to_bd09(*point))
    assert geo.great_circle_m(*point, *back) < 0.10


def test_the_gcj02_offset_in_pengshui_is_a_few_hundred_metres():
    point = (29.29, 108.17)
    shift = geo.great_circle_m(*point, *geo.wgs84_to_gcj02(*point))
    assert 100 < shift < 1000


def test_outside_china_gcj02_is_wgs84():
    assert geo.wgs84_to_gcj02(48.8566, 2.3522) == (48.8566, 2.3522)


def test_great_circle_distance_of_one_degree_of_latitude():
    assert geo.great_circle_m(29.0, 108.0, 30.0, 108.0) == pytest.approx(111_195, rel=1e-3)


def test_road_distance_applies_the_circuity_factor():
    straight = geo.great_circle_m(29.29, 108.17, 29.5, 108.3)
    assert geo.road_distance_m(29.29, 108.17, 29.5, 108.3) == pytest.approx(straight * 1.4)
    assert geo.road_distance_m(29.29, 108.17, 29.5, 108.3, circuity=1.0) == pytest.approx(straight)
