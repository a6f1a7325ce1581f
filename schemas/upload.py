"""The rules an uploaded row must meet (pandera), with the Swedish message an analyst reads for each."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pandera.pandas as pa

from metrics.formatting import format_month

if TYPE_CHECKING:
    from metrics.catalog import Catalog

UPLOAD_COLUMNS = ["indicator_id", "period", "area_code", "value", "denominator", "status", "note"]
REQUIRED_COLUMNS = ["indicator_id", "period", "area_code", "value"]
LEVEL_SV = {"region": "region", "police_area": "polisområde", "municipality": "kommun"}


@dataclass(frozen=True)
class UploadError:
    """One problem: the row as Excel shows it (header = 1; None = the whole file), the canonical
    column (None = the whole row), the value as written, and what to do, in Swedish."""

    row: int | None
    column: str | None
    value: str | None
    message: str

    def as_dict(self) -> dict:
        return asdict(self)


def map_values(values: pd.Series, mapping: Mapping | pd.Series) -> pd.Series:
    """`values.map(mapping)`, computed once per distinct value: same result, but a long column
    with few distinct values (a million rows, a hundred ids) is mapped in milliseconds."""
    codes, uniques = pd.factorize(values)
    mapped = pd.Series(uniques, dtype=values.dtype).map(mapping)
    return pd.Series(
        pd.api.extensions.take(mapped.array, codes, allow_fill=True),
        index=values.index,
        name=values.name,
    )


def _month_sv(ts: pd.Timestamp) -> str:
    return format_month(ts, "sv")


def upload_schema(catalog: Catalog, current_month: pd.Timestamp) -> pa.DataFrameSchema:
    """The pandera schema for normalised upload rows.

    Columns are nullable: a cell that could not be parsed is NaN and already reported by the
    parser, so each check here looks only at values that parsed (pandera skips NaN), and every
    row with a problem is reported, not only the first.
    """
    indicators = {i.id: i for i in catalog.indicators}
    areas = {a.code for a in catalog.areas}
    valid_pairs = {(i.id, code) for i in catalog.indicators for code in catalog.valid_areas(i.id)}
    kinds = pd.Series({i.id: i.kind for i in catalog.indicators}, dtype="object")

    def kind_of(frame: pd.DataFrame) -> pd.Series:
        return map_values(frame["indicator_id"], kinds)

    def area_fits(frame: pd.DataFrame) -> pd.Series:
        # Looked up per distinct (indicator, area) pair, not per row: a file has a few thousand
        # pairs however many rows it has.
        ind_codes, ind_values = pd.factorize(frame["indicator_id"])
        area_codes, area_values = pd.factorize(frame["area_code"])
        fits = np.array(
            [
                [
                    i not in indicators or a not in areas or (i, a) in valid_pairs
                    for a in area_values
                ]
                for i in ind_values
            ],
            dtype=bool,
        ).reshape(len(ind_values), len(area_values))
        missing = (ind_codes < 0) | (area_codes < 0)
        ok = (
            fits[np.where(missing, 0, ind_codes), np.where(missing, 0, area_codes)]
            if fits.size
            else missing
        )
        return pd.Series(ok | missing, index=frame.index)

    def whole_for_counts(frame: pd.DataFrame) -> pd.Series:
        counting = kind_of(frame).isin(["count", "stock"])
        v = frame["value"]
        return ~counting | v.isna() | (v == v.round())

    def denominator_present(frame: pd.DataFrame) -> pd.Series:
        return ~(kind_of(frame) == "proportion") | frame["denominator"].notna()

    def numerator_within(frame: pd.DataFrame) -> pd.Series:
        both = frame["value"].notna() & frame["denominator"].notna()
        is_prop = kind_of(frame) == "proportion"
        return ~(both & is_prop) | (frame["value"] <= frame["denominator"])

    def whole_denominator(frame: pd.DataFrame) -> pd.Series:
        d = frame["denominator"]
        return ~(kind_of(frame) == "proportion") | d.isna() | (d == d.round())

    def unique_key(frame: pd.DataFrame) -> pd.Series:
        key = frame[["indicator_id", "area_code", "period"]]
        complete = key.notna().all(axis=1)
        return ~(key.duplicated(keep="first") & complete)

    def not_blank(s: pd.Series) -> pd.Series:
        return s.astype(str).str.strip() != ""

    return pa.DataFrameSchema(
        {
            "excel_row": pa.Column("int64"),
            "indicator_id": pa.Column(
                str,
                [
                    pa.Check(not_blank, name="indicator_missing"),
                    pa.Check(
                        lambda s: ~not_blank(s) | s.isin(indicators), name="indicator_unknown"
                    ),
                ],
            ),
            "area_code": pa.Column(
                str,
                [
                    pa.Check(not_blank, name="area_missing"),
                    pa.Check(lambda s: ~not_blank(s) | s.isin(areas), name="area_unknown"),
                ],
            ),
            "period": pa.Column(
                "datetime64[ns]",
                [pa.Check(lambda s: s <= current_month, name="period_future")],
                nullable=True,
            ),
            "value": pa.Column(
                float, [pa.Check(lambda s: s >= 0, name="value_negative")], nullable=True
            ),
            "denominator": pa.Column(
                float, [pa.Check(lambda s: s >= 0, name="denominator_negative")], nullable=True
            ),
            "status": pa.Column(str, nullable=True),
            "note": pa.Column(str),
        },
        checks=[
            pa.Check(area_fits, name="area_level"),
            pa.Check(whole_for_counts, name="value_fraction"),
            pa.Check(denominator_present, name="denominator_missing"),
            pa.Check(whole_denominator, name="denominator_fraction"),
            pa.Check(numerator_within, name="numerator_above"),
            pa.Check(unique_key, name="duplicate_key"),
        ],
        coerce=False,
    )


# The column each frame-wide rule is about (pandera reports those per column of the frame).
_FRAME_CHECK_COLUMN = {
    "area_level": "area_code",
    "value_fraction": "value",
    "denominator_missing": "denominator",
    "denominator_fraction": "denominator",
    "numerator_above": "value",
    "duplicate_key": "period",
}


def validate_rows(
    frame: pd.DataFrame, raw: pd.DataFrame, catalog: Catalog, current_month: pd.Timestamp
) -> list[UploadError]:
    """Every rule broken by every row, as the analyst will read it.

    `frame` holds the normalised rows, `raw` the text as written (same index), used to quote the
    value back. Missing values (`value` empty) are checked here too, since the parser lets empty
    cells through as NaN.
    """
    errors: list[UploadError] = []
    raw_text = {c: raw[c].astype(str) if c in raw else None for c in UPLOAD_COLUMNS}

    empty_value = frame["value"].isna() & (
        raw_text["value"].str.strip() == "" if raw_text["value"] is not None else True
    )
    for i in frame.index[empty_value]:
        errors.append(
            UploadError(
                int(frame.at[i, "excel_row"]),
                "value",
                "",
                "Värde saknas. Fyll i värdet (0 om inget hänt under månaden).",
            )
        )
    empty_period = frame["period"].isna() & (raw_text["period"].str.strip() == "")
    for i in frame.index[empty_period]:
        errors.append(
            UploadError(
                int(frame.at[i, "excel_row"]), "period", "", "Månad saknas. Skriv t.ex. 2026-03."
            )
        )

    schema = upload_schema(catalog, current_month)
    try:
        schema.validate(frame, lazy=True)
        return _sorted(errors)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    cases = cases[cases["index"].notna()].assign(index=lambda c: c["index"].astype("int64"))
    cases = cases.drop_duplicates(["index", "check"])
    first_row = _first_occurrence(frame)
    # Messages depend on a few values of the row only: build them once per distinct combination,
    # so a file with a million broken rows is reported in seconds, not minutes.
    for check, group in cases.groupby("check", sort=False):
        check = str(check)
        column = _FRAME_CHECK_COLUMN.get(check, group["column"].iloc[0])
        idx = group["index"].to_numpy()
        rows = frame.loc[
            idx, ["excel_row", "indicator_id", "area_code", "period", "value", "denominator"]
        ]
        quoted = (
            raw_text[column].loc[idx].tolist()
            if raw_text.get(column) is not None
            else [""] * len(idx)
        )
        cache: dict[tuple, str] = {}
        for i, row, value in zip(idx, rows.itertuples(index=False), quoted, strict=True):
            key = (
                row.indicator_id,
                row.area_code,
                row.period,
                row.value,
                row.denominator,
                first_row.get(i),
            )
            message = cache.get(key)
            if message is None:
                message = _message(check, row._asdict(), catalog, current_month, first_row.get(i))
                cache[key] = message
            errors.append(UploadError(int(row.excel_row), column, str(value), message))
    return _sorted(errors)


def _first_occurrence(frame: pd.DataFrame) -> dict[int, int]:
    """For each repeated (indicator, area, month): index -> Excel row of its first occurrence."""
    key = ["indicator_id", "area_code", "period"]
    dup = frame.duplicated(key, keep=False) & frame[key].notna().all(axis=1)
    if not dup.any():
        return {}
    sub = frame[dup]
    first = sub.groupby(key, sort=False)["excel_row"].transform("min")
    return dict(zip(sub.index, first.astype(int), strict=True))


def _sorted(errors: list[UploadError]) -> list[UploadError]:
    return sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def _message(
    check: str,
    row: dict,
    catalog: Catalog,
    current_month: pd.Timestamp,
    first_row: int | None,
) -> str:
    """The Swedish sentence for one broken rule: what is wrong and what to do."""
    ind = row["indicator_id"]
    if check == "indicator_missing":
        return "Indikator saknas. Fyll i ett indikator-id ur katalogen."
    if check == "indicator_unknown":
        ids = [i.id for i in catalog.indicators]
        close = difflib.get_close_matches(str(ind), ids, n=1)
        hint = f" Menade du {close[0]}?" if close else ""
        return (
            f"Okänd indikator ”{ind}”.{hint} Använd ett id ur katalogen "
            "(sidan Katalog visar alla, t.ex. reported_rape)."
        )
    if check == "area_missing":
        return "Område saknas. Fyll i en områdeskod, t.ex. STHLM, PO_NORD eller 0180."
    if check == "area_unknown":
        return (
            f"Okänt område ”{row['area_code']}”. Använd STHLM, PO_CITY, PO_NORD, PO_SYD, "
            "PO_GOTLAND eller en fyrsiffrig kommunkod med inledande nolla (t.ex. 0180)."
        )
    if check == "area_level":
        indicator = catalog.indicator(ind)
        area = catalog.area(row["area_code"])
        levels = ", ".join(LEVEL_SV[level] for level in indicator.levels)
        return (
            f"{indicator.label_sv} redovisas inte per {LEVEL_SV[area.level]} "
            f"({area.name_sv}). Indikatorn redovisas på nivån: {levels}."
        )
    if check == "period_future":
        return (
            f"Månaden {_month_sv(row['period'])} har inte börjat än. Senaste tillåtna månad är "
            f"{_month_sv(current_month)}; kontrollera året."
        )
    if check == "value_negative":
        return "Värdet är negativt. Värden ska vara 0 eller större."
    if check == "denominator_negative":
        return "Nämnaren är negativ. Nämnaren ska vara 0 eller större."
    if check == "value_fraction":
        label = catalog.indicator(ind).label_sv
        return (
            f"{label} räknas i hela tal, men värdet har decimaler. Ange ett heltal "
            "(om decimalkommat skulle vara tusentalsavgränsare: skriv talet utan den)."
        )
    if check == "denominator_missing":
        return (
            f"{catalog.indicator(ind).label_sv} är en andel: ange basen i kolumnen denominator "
            "(nämnare) och antalet i value (värde)."
        )
    if check == "denominator_fraction":
        return "Nämnaren är ett antal och ska vara ett heltal."
    if check == "numerator_above":
        return (
            f"Täljaren ({_plain(row['value'])}) är större än nämnaren "
            f"({_plain(row['denominator'])}). En andel kan inte överstiga 100 %; kontrollera "
            "att kolumnerna inte är förväxlade."
        )
    if check == "duplicate_key":
        return (
            f"Samma indikator, område och månad finns redan på rad {first_row}. "
            "Varje kombination får bara förekomma en gång i filen: ta bort en av raderna."
        )
    return f"Regeln {check} är inte uppfylld."


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")
