"""The demo workforce: radiologists, their skills, licences and site privileges.

Seeded and deterministic. Head counts per home region and the FTE mix are fixed, so every seed gives
the same sizes; the seed chooses who is who.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from scheduler.demo.country import (
    PERIOD_START,
    PERIOD_WEEKS,
    REGIONS,
    SUBSPECIALTIES,
    region,
    sites_of,
)

READERS_PER_REGION: dict[str, int] = {
    "NO-OS": 10,
    "NO-VL": 7,
    "SE-ST": 12,
    "SE-VG": 9,
    "FI-UU": 10,
    "NO-NL": 5,
    "FI-LA": 3,
    "RU-YA": 4,
}
FTE_MIX: dict[float, int] = {1.0: 30, 0.8: 15, 0.6: 9, 0.5: 6}
# Two readers live abroad and read remotely: their local day is the network's night (follow the
# sun).
ABROAD_TIME_ZONES: tuple[str, ...] = ("Australia/Perth", "America/Toronto")
EMAIL_DOMAIN = "demo.teleroster.example"

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "NO": (
        "Ingrid",
        "Lars",
        "Kari",
        "Ole",
        "Sigrid",
        "Magnus",
        "Hanne",
        "Eirik",
        "Solveig",
        "Anders",
    ),
    "SE": ("Astrid", "Erik", "Karin", "Johan", "Maja", "Nils", "Elsa", "Oskar", "Linnea", "Gustav"),
    "FI": ("Aino", "Mikko", "Liisa", "Juha", "Sanna", "Timo", "Elina", "Ville", "Kaisa", "Antti"),
    "RU": (
        "Anna",
        "Dmitri",
        "Olga",
        "Sergei",
        "Yulia",
        "Aleksei",
        "Irina",
        "Nikolai",
        "Daria",
        "Pavel",
    ),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "NO": (
        "Berg",
        "Hansen",
        "Lind",
        "Haugen",
        "Dahl",
        "Solberg",
        "Bakke",
        "Moen",
        "Strand",
        "Nygaard",
    ),
    "SE": (
        "Lindqvist",
        "Andersson",
        "Holm",
        "Nyberg",
        "Sjoberg",
        "Ek",
        "Lundgren",
        "Falk",
        "Wallin",
        "Berglund",
    ),
    "FI": (
        "Virtanen",
        "Korhonen",
        "Makinen",
        "Nieminen",
        "Heikkinen",
        "Laine",
        "Koskinen",
        "Salo",
        "Lehto",
        "Aho",
    ),
    "RU": (
        "Ivanova",
        "Petrov",
        "Sidorova",
        "Popov",
        "Egorova",
        "Vasiliev",
        "Nikitina",
        "Fedorov",
        "Pavlova",
        "Orlov",
    ),
}

# How readers' skills are drawn: general is common; niche subspecialties are rarer.
GENERAL_SHARE = 0.85
SUBSPECIALTY_WEIGHT: dict[str, float] = {
    "neuro": 0.20,
    "msk": 0.18,
    "body": 0.20,
    "chest": 0.16,
    "breast": 0.08,
    "paeds": 0.07,
    "nuclear": 0.05,
}
MIN_READERS_PER_SUBSPECIALTY = 4
MULTI_REGION_SHARE = 0.35
PROXY_SHARE = 0.6


def period_end() -> dt.date:
    return PERIOD_START + dt.timedelta(weeks=PERIOD_WEEKS, days=-1)


def radiologists(rng: np.random.Generator) -> pd.DataFrame:
    homes = [code for code, count in READERS_PER_REGION.items() for _ in range(count)]
    ftes = rng.permutation([fte for fte, count in FTE_MIX.items() for _ in range(count)])
    abroad = set(
        rng.choice([i for i, home in enumerate(homes) if not region(home).sparse], 2, replace=False)
    )
    inactive = int(rng.integers(len(homes)))
    rows, emails = [], set()
    for i, home in enumerate(homes):
        country = region(home).country
        first = str(rng.choice(FIRST_NAMES[country]))
        last = str(rng.choice(LAST_NAMES[country]))
        email = f"{first}.{last}@{EMAIL_DOMAIN}".lower()
        suffix = 2
        while email in emails:
            email = f"{first}.{last}{suffix}@{EMAIL_DOMAIN}".lower()
            suffix += 1
        emails.add(email)
        zone = ABROAD_TIME_ZONES[sorted(abroad).index(i)] if i in abroad else region(home).time_zone
        rows.append(
            {
                "code": f"R{i + 1:03d}",
                "name": f"{first} {last}",
                "email": email,
                "fte": float(ftes[i]),
                "home_region": home,
                "home_time_zone": zone,
                "active": i != inactive,
            }
        )
    return pd.DataFrame(rows)


def skills(rng: np.random.Generator, readers: pd.DataFrame) -> pd.DataFrame:
    names = list(SUBSPECIALTY_WEIGHT)
    weights = np.array(list(SUBSPECIALTY_WEIGHT.values()))
    chosen: dict[str, list[str]] = {}
    for code in readers["code"]:
        total = int(rng.integers(2, 5))
        general = rng.random() < GENERAL_SHARE
        picks = rng.choice(names, total - general, replace=False, p=weights / weights.sum())
        chosen[code] = [str(p) for p in picks] + (["general"] if general else [])
    _ensure_minimum_per_subspecialty(rng, chosen)
    rows = [
        {
            "radiologist": code,
            "subspecialty": sub,
            "level": int(rng.choice([1, 2, 3], p=[0.25, 0.45, 0.3])),
        }
        for code, subs in chosen.items()
        for sub in subs
    ]
    return pd.DataFrame(rows)


def _ensure_minimum_per_subspecialty(
    rng: np.random.Generator, chosen: dict[str, list[str]]
) -> None:
    # Every subspecialty needs a few readers, or its demand could never be read.
    for sub, _ in SUBSPECIALTIES:
        holders = sum(sub in subs for subs in chosen.values())
        candidates = [code for code, subs in chosen.items() if sub not in subs and len(subs) < 4]
        for code in rng.permutation(candidates)[: max(0, MIN_READERS_PER_SUBSPECIALTY - holders)]:
            chosen[str(code)].append(sub)


def licences(rng: np.random.Generator, readers: pd.DataFrame) -> pd.DataFrame:
    """Home-region licences for all, extra regions for about a third; a few expire in or just after
    the period.
    """
    end = period_end()
    rows = []
    for reader in readers.itertuples():
        regions = [str(reader.home_region)]
        if rng.random() < MULTI_REGION_SHARE:
            others = [r for r in REGIONS if r.code != reader.home_region]
            # Sparse regions rely on remote readers, so more licences point there.
            weights = np.array([3.0 if r.sparse else 1.0 for r in others])
            extra = rng.choice(
                len(others), int(rng.integers(1, 3)), replace=False, p=weights / weights.sum()
            )
            regions += [others[int(k)].code for k in extra]
        for region_code in regions:
            valid_from = dt.date(int(rng.integers(2005, 2025)), int(rng.integers(1, 13)), 1)
            rows.append(
                {
                    "radiologist": reader.code,
                    "region": region_code,
                    "number": f"{region(region_code).country}-{rng.integers(100_000, 1_000_000)}",
                    "valid_from": valid_from,
                    "valid_to": None,
                }
            )
    frame = pd.DataFrame(rows)
    frame = frame.drop_duplicates("number")  # a repeated random number would break the natural key
    extra_rows = frame.index[frame.groupby("radiologist").cumcount() > 0]
    home_rows = frame.index[frame.groupby("radiologist").cumcount() == 0]
    picks = rng.permutation(extra_rows)
    for idx in picks[:4]:  # expire inside the period
        frame.loc[idx, "valid_to"] = PERIOD_START + dt.timedelta(days=int(rng.integers(5, 25)))
    for idx in picks[4:7]:  # expire just after it
        frame.loc[idx, "valid_to"] = end + dt.timedelta(days=int(rng.integers(1, 15)))
    for idx in picks[7:9]:  # granted during the period
        frame.loc[idx, "valid_from"] = PERIOD_START + dt.timedelta(days=int(rng.integers(7, 21)))
    for idx in rng.permutation(home_rows)[:2]:  # a home licence awaiting renewal
        frame.loc[idx, "valid_to"] = PERIOD_START + dt.timedelta(days=int(rng.integers(10, 25)))
    return frame.reset_index(drop=True)


def privileges(
    rng: np.random.Generator, readers: pd.DataFrame, licence_rows: pd.DataFrame
) -> pd.DataFrame:
    """Privileges at the sites of each licensed region; away from home mostly granted by proxy."""
    home = dict(zip(readers["code"], readers["home_region"], strict=True))
    rows = []
    for lic in licence_rows.to_dict("records"):
        at_home = lic["region"] == home[lic["radiologist"]]
        for site in sites_of(lic["region"]):
            valid_from = max(lic["valid_from"], dt.date(2015, 1, 1))
            rows.append(
                {
                    "radiologist": lic["radiologist"],
                    "site": site.code,
                    "via_proxy": (not at_home) and bool(rng.random() < PROXY_SHARE),
                    "valid_from": valid_from,
                    "valid_to": lic["valid_to"],
                }
            )
    frame = pd.DataFrame(rows)
    open_ended = frame.index[frame["valid_to"].isna()]
    for idx in rng.permutation(open_ended)[
        :2
    ]:  # a privilege lapsing mid-period while the licence holds
        frame.loc[idx, "valid_to"] = PERIOD_START + dt.timedelta(days=int(rng.integers(8, 20)))
    return frame
