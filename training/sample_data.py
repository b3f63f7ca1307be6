"""A synthetic demand-response data set: utility customers, 35 columns, and whether they enrolled.

The columns and their types are those the seed's Watson Studio demand-response pipeline takes. The
data are drawn from a seeded generator, so the same seed always gives the same frame.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TARGET = "ENROLLED"
CLASSES = ("No", "Yes")

FIRST_NAMES = ("Ana", "Ben", "Chloé", "Dev", "Eve", "Femi", "Gus", "Hana", "Ivan", "Jo")
LAST_NAMES = ("Smith", "O'Brien", "Nguyen", 'Jones "Jr"', "García", "Kowalski", "Lee", "Okafor")
CITIES = ("Austin", "Boston", "Denver", "Washington, D.C.", "Portland", "Tampa", "Fresno")
EDUCATION = ("High School", "Associate", "Bachelors", "Masters", "Doctorate")
EMPLOYMENT = ("Employed", "Self-employed", "Retired", "Unemployed", "Student")
SEGMENTS = ("Bronze", "Silver", "Gold", "Platinum")
COMMENTS = ("Positive", "Neutral", "Negative")
BOOLEAN_COLUMNS = (
    "IS_REGISTERED_FOR_ALERTS",
    "OWNS_HOME",
    "COMPLAINTS",
    "HAS_THERMOSTAT",
    "HAS_HOME_AUTOMATION",
    "PHOTOVOLTAIC_ZONING",
    "WIND_ZONING",
    "IS_CAR_OWNER",
    "HAS_EV",
    "HAS_PHOTOVOLTAIC",
    "HAS_WIND",
    "EBILL",
    "IN_WARRANTY",
)
# Columns left empty at random in a few rows, as in real customer exports.
SPARSE_COLUMNS = ("EDUCATION", "AGE", "SMART_METER_COMMENTS", "ENERGY_EFFICIENCY")


def demand_response_customers(rows: int, seed: int = 7) -> pd.DataFrame:
    """`rows` synthetic customers: the 35 feature columns in the seed's order, then the target."""
    rng = np.random.default_rng(seed)
    booleans = {name: rng.random(rows) < rng.uniform(0.2, 0.7) for name in BOOLEAN_COLUMNS}
    age = rng.integers(18, 90, rows)
    tenure = rng.integers(0, 40, rows)
    home_size = rng.integers(500, 5000, rows)
    usage = (home_size * rng.uniform(0.2, 0.5, rows)).astype(int)
    efficiency = np.round(rng.uniform(0.3, 1.0, rows), 3)
    income = rng.integers(15_000, 250_000, rows)
    segment = rng.choice(SEGMENTS, rows)
    comments = rng.choice(COMMENTS, rows, p=(0.4, 0.4, 0.2))
    first = rng.choice(FIRST_NAMES, rows)
    last = rng.choice(LAST_NAMES, rows)
    frame = pd.DataFrame(
        {
            "CUSTOMER_ID": np.arange(100_001, 100_001 + rows),
            "CSTFNM": first,
            "Customer Last Name": last,
            "Telephone Number": [
                f"555-{a:03d}-{b:04d}" for a, b in rng.integers(0, 999, (rows, 2))
            ],
            "Email Address": [f"{f.lower()}.{i}@example.com" for i, f in enumerate(first.tolist())],
            "AGE": age,
            "CITY": rng.choice(CITIES, rows),
            "MARITAL_STATUS": rng.choice(("M", "S", "U"), rows),
            "GENDER": rng.choice(("F", "M", "X"), rows, p=(0.48, 0.48, 0.04)),
            "EDUCATION": rng.choice(EDUCATION, rows),
            "EMPLOYMENT": rng.choice(EMPLOYMENT, rows),
            "TENURE": tenure,
            "SEGMENT": segment,
            "HOME_SIZE": home_size,
            "ENERGY_USAGE_PER_MONTH": usage,
            "ENERGY_EFFICIENCY": efficiency,
            "IS_REGISTERED_FOR_ALERTS": booleans["IS_REGISTERED_FOR_ALERTS"],
            "OWNS_HOME": booleans["OWNS_HOME"],
            "COMPLAINTS": booleans["COMPLAINTS"],
            "EST_INCOME": income,
            "CLTV": np.round(income * rng.uniform(0.01, 0.2, rows), 2),
            "HAS_THERMOSTAT": booleans["HAS_THERMOSTAT"],
            "HAS_HOME_AUTOMATION": booleans["HAS_HOME_AUTOMATION"],
            "PHOTOVOLTAIC_ZONING": booleans["PHOTOVOLTAIC_ZONING"],
            "WIND_ZONING": booleans["WIND_ZONING"],
            "SMART_METER_COMMENTS": comments,
            "IS_CAR_OWNER": booleans["IS_CAR_OWNER"],
            "HAS_EV": booleans["HAS_EV"],
            "HAS_PHOTOVOLTAIC": booleans["HAS_PHOTOVOLTAIC"],
            "HAS_WIND": booleans["HAS_WIND"],
            "EBILL": booleans["EBILL"],
            "IN_WARRANTY": booleans["IN_WARRANTY"],
            "STD_YRLY_USAGE": usage * 12 + rng.integers(-500, 500, rows),
            "MISSED_PAYMENT": rng.poisson(0.5, rows),
            "YEARLY_USAGE_PREDICTED": np.round(usage * 12 * rng.uniform(0.9, 1.1, rows), 1),
        }
    )
    score = (
        1.2 * booleans["HAS_THERMOSTAT"]
        + 0.9 * booleans["HAS_HOME_AUTOMATION"]
        + 0.8 * booleans["EBILL"]
        - 1.1 * booleans["COMPLAINTS"]
        + 0.7 * (comments == "Positive")
        - 0.9 * (comments == "Negative")
        + 0.6 * np.isin(segment, ("Gold", "Platinum"))
        + 1.5 * (efficiency - 0.65)
        - 0.02 * (age - 50)
        + rng.normal(0, 0.8, rows)
        - 1.0
    )
    frame[TARGET] = np.where(score > 0, CLASSES[1], CLASSES[0])
    for name in SPARSE_COLUMNS:
        missing = rng.random(rows) < 0.03
        frame[name] = frame[name].astype(object).where(~missing, None)
    return frame
