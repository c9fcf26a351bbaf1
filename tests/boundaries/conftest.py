"""Fixtures for the boundary tests (``shared`` comes from ``tests/conftest.py``)."""
from __future__ import annotations

import pandas as pd
import pytest

# Provincial capitals (town, lon, lat, NIS code on the 25-province frame).
# Coordinates: GeoNames populated places as given on the towns' English Wikipedia articles,
# 4 decimals (Ta Khmau and Kampong Chhnang are only published to the arc-minute).
CAPITALS = [
    ("Serei Saophoan", 102.9737, 13.5859, "01"),
    ("Battambang", 103.1982, 13.1027, "02"),
    ("Kampong Cham", 105.4635, 11.9934, "03"),
    ("Kampong Chhnang", 104.6667, 12.2500, "04"),
    ("Chbar Mon", 104.5206, 11.4533, "05"),
    ("Kampong Thom", 104.8887, 12.7112, "06"),
    ("Kampot", 104.1815, 10.6104, "07"),
    ("Ta Khmau", 104.9500, 11.4833, "08"),
    ("Koh Kong", 102.9849, 11.6175, "09"),
    ("Kratie", 106.0188, 12.4881, "10"),
    ("Sen Monorom", 107.1881, 12.4558, "11"),
    ("Phnom Penh", 104.9160, 11.5625, "12"),
    ("Preah Vihear", 104.9805, 13.8073, "13"),
    ("Prey Veng", 105.3253, 11.4868, "14"),
    ("Pursat", 103.9192, 12.5388, "15"),
    ("Banlung", 106.9873, 13.7394, "16"),
    ("Siem Reap", 103.8606, 13.3618, "17"),
    ("Sihanoukville", 103.5296, 10.6093, "18"),
    ("Stung Treng", 105.9683, 13.5259, "19"),
    ("Svay Rieng", 105.7993, 11.0879, "20"),
    ("Doun Kaev", 104.7850, 10.9908, "21"),
    ("Samraong", 103.5176, 14.1818, "22"),
    ("Krong Kep", 104.3167, 10.4829, "23"),
    ("Pailin", 102.6093, 12.8489, "24"),
    ("Suong", 105.6583, 11.9117, "25"),
]


@pytest.fixture
def capitals() -> pd.DataFrame:
    """The 25 provincial capitals: ``town, lon, lat, code`` (2013 frame)."""
    return pd.DataFrame(CAPITALS, columns=["town", "lon", "lat", "code"])
