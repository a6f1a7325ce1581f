"""Kolada's API v2 JSON (`values[{kpi, municipality, period, values[{gender, count, status,
value}]}]`, public-figures.md §8b) read as canonical rows through the catalog's mappings.

Recognised by shape: a JSON object whose `values` is a list of objects with `kpi`,
`municipality`, `period` and a list `values`. A KPI is read only through a `[[kolada_mapping]]`
entry (KPI → indicator, and which gender: `T` for total unless the entry says `K` or `M`); a
municipality id is the catalog's area of that code, or the area of a `[[kolada_area]]` entry
(`0100`, Region Stockholm → STHLM). Anything unmapped is an error naming it and how many values:
nothing is guessed. `null` is a missing value, never zero: it is not stored and is counted in
the assumptions. Periods are Kolada's years (`2024`, also as a number); whether that is the
indicator's granularity is the ordinary upload rule's call.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from i18n import Message, t
from metrics.catalog import Catalog
from schemas.upload import UPLOAD_COLUMNS, UploadError

SOURCE_FORMAT = "Kolada API v2"
# How Kolada's fields become canonical columns (for "how the file was understood").
COLUMN_MAP = {
    "indicator_id": "kpi",
    "area_code": "municipality",
    "period": "period",
    "value": "values[].value",
}
GENDERS = ("T", "K", "M")


@dataclass
class KoladaRows:
    """Canonical text rows (`excel_row` = the value's position in the file) plus what was wrong
    and what was assumed."""

    frame: pd.DataFrame
    errors: list[UploadError] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    more: int = 0  # as bra.BraRows: problems counted beyond the cap (Kolada's are all built; the
    # pipeline caps them; a JSON file is bounded by the upload size)


def recognise(data: bytes) -> dict | None:
    """The parsed file when it has Kolada's data shape, else None."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if not head.startswith(b"{"):
        return None
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return None
    values = obj.get("values") if isinstance(obj, dict) else None
    if not isinstance(values, list) or not values:
        return None
    first = values[0]
    if not isinstance(first, dict) or not {"kpi", "municipality", "period", "values"} <= set(first):
        return None
    return obj


def to_canonical(obj: dict, catalog: Catalog) -> KoladaRows:
    """One canonical row per mapped, non-null Kolada value of the mapped gender."""
    out: list[dict] = []
    errors: list[UploadError] = []
    unmapped_kpi: Counter[str] = Counter()
    unmapped_area: Counter[str] = Counter()
    nulls: Counter[str] = Counter()
    other_gender = 0
    used: Counter[str] = Counter()
    mappings = {m.kpi: m for m in catalog.kolada_mappings}
    areas = {a.municipality: a.area_code for a in catalog.kolada_areas}
    known = {a.code for a in catalog.areas if a.level == "municipality"}
    position = 0
    for number, item in enumerate(obj["values"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("values"), list):
            errors.append(
                UploadError(
                    None, None, str(item)[:200], Message("kolada_malformed", position=number)
                )
            )
            continue
        kpi, municipality = str(item.get("kpi", "")), str(item.get("municipality", ""))
        period = str(item.get("period", "")).strip()
        for value in item["values"]:
            position += 1
            if not isinstance(value, dict) or value.get("gender") not in GENDERS:
                errors.append(
                    UploadError(
                        position,
                        None,
                        str(value)[:200],
                        Message(
                            "kolada_malformed_value",
                            kpi=kpi,
                            municipality=municipality,
                            period=period,
                        ),
                    )
                )
                continue
            mapping = mappings.get(kpi)
            if mapping is None:
                unmapped_kpi[kpi] += 1
                continue
            if value["gender"] != mapping.gender:
                other_gender += 1
                continue
            area = areas.get(municipality) or (municipality if municipality in known else None)
            if area is None:
                unmapped_area[municipality] += 1
                continue
            if value.get("value") is None:
                nulls[f"{kpi} {municipality} {period}"] += 1
                continue
            number_value = value["value"]
            if isinstance(number_value, bool) or not isinstance(number_value, int | float):
                errors.append(
                    UploadError(
                        position,
                        "value",
                        str(number_value)[:200],
                        Message(
                            "kolada_not_a_number",
                            kpi=kpi,
                            municipality=municipality,
                            period=period,
                        ),
                    )
                )
                continue
            used[kpi] += 1
            out.append(
                {
                    "indicator_id": mapping.indicator_id,
                    "period": period,
                    "area_code": area,
                    "value": repr(float(number_value)),
                    "denominator": "",
                    "status": "final",
                    "note": "",
                    "excel_row": position,
                }
            )
    for kpi, n in unmapped_kpi.items():
        errors.append(
            UploadError(None, "indicator_id", kpi, Message("kolada_kpi_unmapped", kpi=kpi, n=n))
        )
    for municipality, n in unmapped_area.items():
        errors.append(
            UploadError(
                None,
                "area_code",
                municipality,
                Message("kolada_area_unmapped", municipality=municipality, n=n),
            )
        )
    # Assumptions are recorded with the upload as Swedish sentences.
    assumptions = [
        t(
            "kolada_mapped",
            "sv",
            kpi=kpi,
            indicator=catalog.indicator(mappings[kpi].indicator_id).label_sv,
            gender=mappings[kpi].gender,
            n=n,
        )
        for kpi, n in used.items()
    ]
    if other_gender:
        assumptions.append(t("kolada_other_gender", "sv", n=other_gender))
    if nulls:
        shown = ", ".join(list(nulls)[:5]) + (" …" if len(nulls) > 5 else "")
        assumptions.append(t("kolada_nulls", "sv", n=sum(nulls.values()), which=shown))
    if not out and not errors:
        errors.append(UploadError(None, None, None, Message("kolada_nothing")))
    frame = pd.DataFrame(out, columns=[*UPLOAD_COLUMNS, "excel_row"])
    return KoladaRows(frame.astype({"excel_row": "int64"}), errors, assumptions)
