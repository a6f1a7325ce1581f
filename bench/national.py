"""A synthetic national-scale catalog and database for the benchmark (not real statistics).

The real catalog is extended programmatically: its indicators plus generated ones across the
four kinds, every indicator reported at every level, and the real municipalities plus generated
four-digit codes. The catalog is written as TOML and loaded through `load_catalog(path)`, so it
passes the same validation as the real one; the data comes from the demo generator.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from metrics.catalog import DEFAULT_PATH, Catalog, load_catalog
from metrics.periods import parse_period_texts, period_codes

KINDS = ("count", "stock", "proportion", "median_days")
# County codes of SCB's municipality codes (01-25, the ones in use); generated municipalities
# get codes in counties other than Stockholm (01) and Gotland (09).
_COUNTIES = ("03", "04", "05", "06", "07", "08", "10", "12", "13", "14", "17", "18", "19", "20",
             "21", "22", "23", "24", "25")  # fmt: skip
_POLICE_AREAS = ("PO_CITY", "PO_NORD", "PO_SYD", "PO_GOTLAND")


@dataclass(frozen=True)
class Scale:
    """How big the synthetic country is."""

    municipalities: int
    indicators: int
    months: int
    ingest_rows: int

    @property
    def areas(self) -> int:
        return 1 + len(_POLICE_AREAS) + self.municipalities

    @property
    def observations(self) -> int:
        return self.indicators * self.areas * self.months


NATIONAL = Scale(municipalities=290, indicators=100, months=240, ingest_rows=1_000_000)
# The quick file fits in the 48 months its 27 monthly real indicators hold (84 240 rows).
QUICK = Scale(municipalities=60, indicators=40, months=48, ingest_rows=80_000)


def national_catalog_toml(scale: Scale, *, base: Path = DEFAULT_PATH) -> str:
    """The real catalog extended to `scale`, as TOML text.

    Real indicators come first (all kept, whatever the scale asks), then generated ones
    `bench_<kind>_<n>` cycling through the kinds and the goals; every indicator is reported at
    region, police-area and municipality level. Areas: the region, the police areas, the real
    municipalities, then generated codes (county 03-25, two digits); their population is
    demo.population's invented figure (build_national_database stores it).
    """
    raw = tomllib.loads(base.read_text(encoding="utf-8"))
    goals = [g["id"] for g in raw["goals"]]
    indicators = [
        dict(i, levels=["region", "police_area", "municipality"]) for i in raw["indicators"]
    ]
    rng = np.random.default_rng(7)
    for n in range(scale.indicators - len(indicators)):
        indicators.append(_generated_indicator(n, goals[n % len(goals)], rng))
    areas = [dict(a) for a in raw["areas"]]
    real = [a for a in areas if a["level"] == "municipality"]
    others = [a for a in areas if a["level"] != "municipality"]
    generated = [
        {
            "code": code,
            "name_sv": f"Kommun {code}",
            "name_en": f"Municipality {code}",
            "level": "municipality",
            "police_area": _POLICE_AREAS[i % len(_POLICE_AREAS)],
        }
        for i, code in enumerate(_generated_codes(max(0, scale.municipalities - len(real))))
    ]
    municipalities = (real + generated)[: scale.municipalities]
    out = {k: v for k, v in raw.items() if k not in ("indicators", "areas")}
    out["indicators"] = indicators
    out["areas"] = others + municipalities
    return _to_toml(out)


def write_national_catalog(directory: Path, scale: Scale) -> Path:
    """Write the national catalog to `directory`/catalog-national.toml and check that it loads."""
    path = Path(directory) / "catalog-national.toml"
    path.write_text(national_catalog_toml(scale), encoding="utf-8")
    load_catalog(path)  # raises CatalogError if the generated file would not pass
    return path


def _generated_codes(n: int) -> list[str]:
    codes = [f"{county}{number:02d}" for number in range(10, 100) for county in _COUNTIES]
    if n > len(codes):
        raise ValueError(f"at most {len(codes)} generated municipalities")
    return sorted(codes[:n])


def _generated_indicator(n: int, goal: str, rng: np.random.Generator) -> dict:
    kind = KINDS[n % len(KINDS)]
    direction = ("increase", "decrease", "neutral")[n % 3]
    entry = {
        "id": f"bench_{kind}_{n + 1:02d}",
        "label_sv": f"Syntetisk indikator {n + 1} ({kind})",
        "label_en": f"Synthetic indicator {n + 1} ({kind})",
        "kind": kind,
        "direction": direction,
        "goals": [goal],
        "unit_sv": {"count": "antal", "stock": "antal", "proportion": "andel"}.get(kind, "dagar"),
        "unit_en": {"count": "number", "stock": "number", "proportion": "share"}.get(kind, "days"),
        "definition_sv": "Genererad för prestandamätningen; ingen verklig statistik.",
        "definition_en": "Generated for the benchmark; not real statistics.",
        "source": "Lägesbild benchmark (syntetisk)",
        "owner": "Lägesbild",
        "levels": ["region", "police_area", "municipality"],
        "context_sv": "Syntetisk serie för prestandamätning.",
        "context_en": "Synthetic series for the benchmark.",
        "disclosure": kind in ("count", "stock", "proportion"),
    }
    if direction != "neutral" and n % 2 == 0:
        value = round(float(rng.uniform(0.3, 0.9)), 2) if kind == "proportion" else 40.0
        entry["target"] = {
            "value": value,
            "period": "2026-12",
            "illustrative": True,
            "note_sv": "Syntetiskt mål.",
            "note_en": "Synthetic target.",
        }
    if n % 7 == 0:
        entry["breaks"] = [
            {
                "period": "2018-01",
                "reason_sv": "Syntetiskt avbrott.",
                "reason_en": "Synthetic break.",
            }
        ]
    return entry


def _to_toml(document: dict) -> str:
    """TOML for the catalog's shape: top-level values, then arrays of tables with inline values."""
    lines = [
        "# Generated by bench/national.py for the benchmark: synthetic, not real statistics.",
        "",
    ]
    tables = {k: v for k, v in document.items() if _is_table_array(v)}
    for key, value in document.items():
        if key not in tables:
            lines.append(f"{_key(key)} = {_value(value)}")
    for key, entries in tables.items():
        for entry in entries:
            lines.append("")
            lines.append(f"[[{_key(key)}]]")
            lines += [f"{_key(k)} = {_value(v)}" for k, v in entry.items()]
    return "\n".join(lines) + "\n"


def _is_table_array(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _key(key: str) -> str:
    return (
        key
        if key.replace("_", "").replace("-", "").isalnum() and key.isascii()
        else json.dumps(key)
    )


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("TOML here has no infinite or NaN values")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(str(k))} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def national_observations(catalog: Catalog, scale: Scale, end: str) -> pd.DataFrame:
    """Typed observations for every indicator, area and month of the scale, ending at `end`.

    Shaped as a validated upload (period as Timestamp, status, note), ready for
    `storage.commit_upload`. Values come from the demo generator, so areas add up.
    """
    from demo.generator import generate_demo_observations

    last = pd.Period(end, "M")
    start = (last - (scale.months - 1)).strftime("%Y-%m")
    frame = generate_demo_observations(catalog, end=end, start=start)
    frame["period"] = parse_period_texts(frame["period"].astype(str)).start
    return frame[["indicator_id", "area_code", "period", "value", "denominator", "status", "note"]]


def ingest_file(observations: pd.DataFrame, rows: int, catalog: Catalog) -> bytes:
    """A canonical upload of the latest `rows` observations (each period written at its
    indicator's frequency: 2026-03, 2025K3, 2025; plain numbers, UTF-8)."""
    latest = observations.sort_values(["period", "indicator_id", "area_code"]).tail(rows)
    out = latest.assign(period=latest["period"].dt.strftime("%Y-%m"))
    frequencies = latest["indicator_id"].map({i.id: i.frequency for i in catalog.indicators})
    for frequency in set(frequencies) - {"monthly"}:
        rows_of = frequencies == frequency
        out.loc[rows_of, "period"] = period_codes(latest.loc[rows_of, "period"], frequency)
    columns = ["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]
    return out[columns].to_csv(index=False, float_format="%.15g").encode("utf-8")


def build_national_database(db_path: Path, catalog: Catalog, scale: Scale, end: str) -> int:
    """Fill an empty database with the scale's observations; returns how many were stored.

    The rows are generated consistent and complete, so they are committed through
    `storage.commit_upload` without the upload checks (those are measured on their own), a few
    indicators per upload to bound memory; with the disclosure decision of each indicator taken
    and stored by the writer, as every path a person uses does (readers in briefing mode read
    it instead of deciding on the spot).
    """
    from metrics.disclosure import ReleaseDecider
    from storage import commit_upload, count_observations, open_database

    db = open_database(db_path)
    db.create()
    if count_observations(db):
        raise ValueError(f"{db_path} is not empty")
    step = 10
    ids = [i.id for i in catalog.indicators]
    for first in range(0, len(ids), step):
        part = Catalog(
            goals=catalog.goals,
            indicators=tuple(i for i in catalog.indicators if i.id in ids[first : first + step]),
            areas=catalog.areas,
        )
        frame = national_observations(part, scale, end)
        commit_upload(
            db,
            frame,
            file_name=f"bench-national-{first // step + 1}.csv",
            file_sha256="bench",
            user="bench",
            source_format="bench",
            decide=ReleaseDecider(catalog),
        )
    from demo.population import demo_population
    from metrics.population import check_population_frame
    from storage import store_population

    figures = demo_population(catalog, int(end[:4]) - 1)
    store_population(
        db,
        check_population_frame(figures, {a.code for a in catalog.areas}),
        user="bench",
        what="demo/population.py",
    )
    return count_observations(db)
