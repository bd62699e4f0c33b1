"""The fixed geography and case mix of the demo country: the parts that do not depend on the seed.

A Nordic teleradiology network with one Siberian partner region. Populations are real orders of
magnitude; the sparse, remote regions (north Norway, Lapland, Yakutia) lie in three different UTC
offsets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PERIOD_START = dt.date(2027, 1, 4)  # a Monday
PERIOD_WEEKS = 4


@dataclass(frozen=True)
class RegionInfo:
    code: str
    name: str
    country: str  # ISO 3166 code, for public holidays
    time_zone: str
    population: int
    sparse: bool


@dataclass(frozen=True)
class SiteInfo:
    code: str
    name: str
    region: str


REGIONS: tuple[RegionInfo, ...] = (
    RegionInfo("NO-OS", "Oslo and Akershus", "NO", "Europe/Oslo", 1_400_000, False),
    RegionInfo("NO-VL", "Vestland", "NO", "Europe/Oslo", 650_000, False),
    RegionInfo("SE-ST", "Stockholm", "SE", "Europe/Stockholm", 2_450_000, False),
    RegionInfo("SE-VG", "Vastra Gotaland", "SE", "Europe/Stockholm", 1_750_000, False),
    RegionInfo("FI-UU", "Uusimaa", "FI", "Europe/Helsinki", 1_720_000, False),
    RegionInfo("NO-NL", "Nord-Norge", "NO", "Europe/Oslo", 480_000, True),
    RegionInfo("FI-LA", "Lapland", "FI", "Europe/Helsinki", 177_000, True),
    RegionInfo("RU-YA", "Sakha (Yakutia)", "RU", "Asia/Yakutsk", 995_000, True),
)

SITES: tuple[SiteInfo, ...] = (
    SiteInfo("OUS", "Oslo University Hospital", "NO-OS"),
    SiteInfo("AHUS", "Akershus University Hospital", "NO-OS"),
    SiteInfo("HUS", "Haukeland University Hospital", "NO-VL"),
    SiteInfo("FSS", "Forde Central Hospital", "NO-VL"),
    SiteInfo("KS", "Karolinska University Hospital", "SE-ST"),
    SiteInfo("SOS", "Sodersjukhuset", "SE-ST"),
    SiteInfo("SU", "Sahlgrenska University Hospital", "SE-VG"),
    SiteInfo("NAL", "NU Hospital Trollhattan", "SE-VG"),
    SiteInfo("HYKS", "Helsinki University Hospital", "FI-UU"),
    SiteInfo("UNN", "University Hospital of North Norway", "NO-NL"),
    SiteInfo("LKS", "Lapland Central Hospital", "FI-LA"),
    SiteInfo("RHY", "Republican Hospital Yakutsk", "RU-YA"),
)

SUBSPECIALTIES: tuple[tuple[str, str], ...] = (
    ("neuro", "Neuroradiology"),
    ("msk", "Musculoskeletal"),
    ("body", "Abdominal and body"),
    ("chest", "Thoracic"),
    ("breast", "Breast imaging"),
    ("paeds", "Paediatric"),
    ("nuclear", "Nuclear medicine"),
    ("general", "General radiology"),
)

MODALITIES: tuple[tuple[str, str], ...] = (
    ("CT", "Computed tomography"),
    ("MR", "Magnetic resonance"),
    ("XR", "Plain radiography"),
    ("US", "Ultrasound"),
    ("NM", "Nuclear medicine and PET"),
    ("MG", "Mammography"),
)

PRIORITIES: tuple[str, ...] = ("stat", "ed", "inpatient", "outpatient")

# Share of all studies by modality, and of each modality's studies by subspecialty.
MODALITY_SHARE: dict[str, float] = {
    "XR": 0.45,
    "CT": 0.20,
    "US": 0.15,
    "MR": 0.12,
    "MG": 0.06,
    "NM": 0.02,
}
CASE_MIX: dict[str, dict[str, float]] = {
    "CT": {"neuro": 0.25, "body": 0.35, "chest": 0.20, "msk": 0.07, "paeds": 0.03, "general": 0.10},
    "MR": {
        "neuro": 0.35,
        "msk": 0.35,
        "body": 0.15,
        "breast": 0.05,
        "paeds": 0.05,
        "general": 0.05,
    },
    "XR": {"msk": 0.45, "chest": 0.35, "paeds": 0.08, "general": 0.12},
    "US": {"body": 0.50, "breast": 0.15, "paeds": 0.10, "msk": 0.10, "general": 0.15},
    "NM": {"nuclear": 1.0},
    "MG": {"breast": 1.0},
}
# Share of each modality's studies by priority; a missing priority never occurs for that modality.
PRIORITY_MIX: dict[str, dict[str, float]] = {
    "XR": {"stat": 0.02, "ed": 0.30, "inpatient": 0.30, "outpatient": 0.38},
    "CT": {"stat": 0.10, "ed": 0.30, "inpatient": 0.30, "outpatient": 0.30},
    "US": {"stat": 0.03, "ed": 0.20, "inpatient": 0.27, "outpatient": 0.50},
    "MR": {"stat": 0.02, "ed": 0.05, "inpatient": 0.23, "outpatient": 0.70},
    "NM": {"inpatient": 0.20, "outpatient": 0.80},
    "MG": {"outpatient": 1.0},
}

# Reading minutes per study: a modality base times a subspecialty factor.
MODALITY_MINUTES: dict[str, float] = {
    "CT": 12.0,
    "MR": 18.0,
    "XR": 2.5,
    "US": 6.0,
    "NM": 15.0,
    "MG": 4.0,
}
SUBSPECIALTY_FACTOR: dict[str, float] = {
    "neuro": 1.2,
    "msk": 1.0,
    "body": 1.1,
    "chest": 0.9,
    "breast": 1.0,
    "paeds": 1.3,
    "nuclear": 1.2,
    "general": 0.9,
}


def region(code: str) -> RegionInfo:
    for info in REGIONS:
        if info.code == code:
            return info
    raise KeyError(code)


def sites_of(region_code: str) -> list[SiteInfo]:
    return [site for site in SITES if site.region == region_code]


def minutes_per_study(modality: str, subspecialty: str) -> float:
    return round(MODALITY_MINUTES[modality] * SUBSPECIALTY_FACTOR[subspecialty], 2)
