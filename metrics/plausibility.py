"""Plausibility before commit: values an analyst should look at twice before they are stored.

These are warnings, not errors: a file that breaks no rule of the upload format may still hold a
typing slip (1 234 rapes in a month in Haninge), a region that no longer equals the sum of its
parts, or a share that leaps. The analyst confirms them (or corrects the file); nothing here
refuses anything. Three rules, each documented with its reasons in docs/plausibility.md:

- ``outside_history``: a value beyond its series' process limits by more than the limits' width;
- ``parts_sum``: after the upload, a whole (the region, a police area) differs from the sum of its
  parts, checked only where every part is stored;
- ``share_jump``: a share moving more than ``JUMP_POINTS`` from the period before, and by more than
  chance explains.

Pure: frames in, warnings out. Only the cells the upload writes (new or changed value or
denominator) are judged; a cell it leaves as stored raises nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from i18n import t
from metrics.catalog import Catalog
from metrics.disclosure import SPLIT, area_groups
from metrics.formatting import format_number, format_percent
from metrics.periods import format_period
from metrics.spc import LIMIT_FACTOR, OUTLIER_MR_FACTOR

Rule = Literal["outside_history", "parts_sum", "share_jump"]
RULES: tuple[Rule, ...] = ("outside_history", "parts_sum", "share_jump")

HISTORY_PERIODS = 24
"""The reference of ``outside_history``: the series' last 24 stored periods (two years of months)."""
MIN_HISTORY = 6
"""Fewer stored periods than this and ``outside_history`` does not judge (the row is counted as
unjudged): five moving ranges are the fewest that say anything about the series' spread."""
FAR_FACTOR = 3.0
"""A value is far outside when it is further from the mean than 3 half-widths of the limits:
beyond a limit by more than the limits' whole width (mean ± 2.66 mR̄ ± 2 × 2.66 mR̄)."""
RELATIVE_FLOOR = 0.10
"""Medians (not counts): the limits' half-width is at least 10 % of the mean, so a series reported
with the same number for months does not warn on the first small change."""
JUMP_POINTS = 0.20
"""``share_jump``: a move of more than 20 percentage points from the period before …"""
JUMP_Z = 3.09
"""… that is also beyond chance at 99,8 % (two-proportion z test), so small bases do not warn."""

_TOL = 1e-9
_KEY = ["indicator_id", "area_code", "period"]


@dataclass(frozen=True)
class Relation:
    """The sum of `wholes` should equal the sum of `parts` (area codes), for additive kinds.

    `name`: "police_areas" / "municipalities" (the region over them), a police area's code (it
    equals its municipalities: PO_GOTLAND = 0980), or a shared municipality's code (the police
    areas it spans equal their own municipalities plus it: PO_CITY + PO_NORD + PO_SYD = their
    municipalities + 0180).
    """

    name: str
    wholes: tuple[str, ...]
    parts: tuple[str, ...]


def area_relations(catalog: Catalog) -> tuple[Relation, ...]:
    """The sums between published areas that must hold, from the catalog's hierarchy and spans.

    Read from ``metrics.disclosure.area_groups`` (the one owner of the relations): a group whose
    parts are all published is kept as it is; a police area that holds an unpublished part of a
    shared municipality is checked together with the other police areas that municipality spans.
    """
    relations: list[Relation] = []
    for group in area_groups(catalog):
        if not any(SPLIT in child for child in group.children):
            relations.append(Relation(group.name, (group.parent,), group.children))
    for shared in (a for a in catalog.areas if a.spans):
        own = tuple(
            a.code
            for a in catalog.areas
            if a.level == "municipality" and a.police_area in shared.spans
        )
        relations.append(Relation(shared.code, shared.spans, (*own, shared.code)))
    return tuple(relations)


@dataclass(frozen=True)
class PlausibilityWarning:
    """One thing to look at twice. `row` is the file's row as Excel shows it (header = 1) of the
    area the warning is about, else of the first row of the file among the relation's areas.

    `measure`: "value", "denominator" (a share's base) or "share". `value` is the checked number
    after the upload; `reference` what it is compared with (the history's mean, the parts' sum,
    the previous period's share); `low`/`high` the far-outside bounds (outside_history);
    `relation` the Relation.name (parts_sum); `reference_period` the previous period (share_jump).
    """

    rule: Rule
    indicator_id: str
    area_code: str
    period: pd.Timestamp
    row: int | None
    measure: str
    value: float
    reference: float
    low: float | None = None
    high: float | None = None
    relation: str = ""
    reference_period: pd.Timestamp | None = None

    @property
    def key(self) -> str:
        """A stable name for the warning (what a confirmation lists)."""
        parts = [self.rule, self.indicator_id, self.area_code, f"{self.period:%Y-%m-%d}"]
        return ":".join([*parts, self.measure, self.relation])

    def as_record(self, catalog: Catalog, lang: str = "sv") -> dict:
        """For JSON and the audit entry: the facts and the sentence (`lang`)."""
        return {
            "key": self.key,
            "rule": self.rule,
            "row": self.row,
            "indicator_id": self.indicator_id,
            "area_code": self.area_code,
            "period": f"{self.period:%Y-%m-%d}",
            "measure": self.measure,
            "value": _plain(self.value),
            "reference": _plain(self.reference),
            "message": self.message(catalog, lang),
        }

    def message(self, catalog: Catalog, lang: str = "sv") -> str:
        """Why this is a warning, in one sentence naming the area, period, value and reference."""
        area = _area_name(catalog, self.area_code, lang)
        frequency = catalog.indicator(self.indicator_id).frequency
        period = format_period(self.period, frequency, lang)
        if self.rule == "share_jump":
            return t(
                "plausibility_share_jump",
                lang,
                area=area,
                period=period,
                value=format_percent(self.value, lang, 1),
                previous=format_percent(self.reference, lang, 1),
                previous_period=format_period(self.reference_period, frequency, lang),
                points=format_number(abs(self.value - self.reference) * 100, lang, 1),
                limit=format_number(JUMP_POINTS * 100, lang),
            )
        if self.rule == "parts_sum":
            key = "plausibility_parts_sum_" + (
                self.relation if self.relation in ("police_areas", "municipalities") else "other"
            )
            if self.relation in {a.code for a in catalog.areas if a.spans}:
                key = "plausibility_parts_sum_spans"
            wholes, parts = _relation_names(catalog, self.relation, lang)
            return t(
                key,
                lang,
                area=area,
                period=period,
                what=t(f"plausibility_measure_{self.measure}", lang),
                value=format_number(self.value, lang),
                parts_sum=format_number(self.reference, lang),
                wholes=wholes,
                parts=parts,
                difference=format_number(self.value - self.reference, lang, signed=True),
            )
        return t(
            "plausibility_outside_history",
            lang,
            area=area,
            period=period,
            what=t(f"plausibility_measure_{self.measure}", lang),
            value=format_number(self.value, lang),
            mean=format_number(self.reference, lang, 1),
            low=format_number(max(self.low or 0.0, 0.0), lang),
            high=format_number(self.high, lang),
            n=HISTORY_PERIODS,
        )


@dataclass(frozen=True)
class Plausibility:
    """The warnings of one upload (file order: by row, then rule) and how many written cells the
    history rule could not judge (fewer than MIN_HISTORY stored periods)."""

    warnings: tuple[PlausibilityWarning, ...] = ()
    unjudged: int = 0

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(w.key for w in self.warnings)

    def __bool__(self) -> bool:
        return bool(self.warnings)


def check_plausibility(
    incoming: pd.DataFrame,
    stored: pd.DataFrame,
    catalog: Catalog,
    *,
    rows: pd.Series | np.ndarray | None = None,
) -> Plausibility:
    """Warnings for a checked upload, judged against the store as it is before the upload.

    incoming: the upload's canonical rows (indicator_id, area_code, period as first-day
    Timestamps, value, denominator), each cell once. stored: the stored observations of the
    upload's indicators (every area, every period up to the upload's latest one at least; more is
    harmless). rows: the Excel row of each incoming row (aligned with it; None: none named).
    Indicators unknown to the catalog are skipped (the upload's rules refuse them anyway).
    """
    if incoming.empty:
        return Plausibility()
    file = incoming[[*_KEY, "value", "denominator"]].copy()
    file["period"] = pd.to_datetime(file["period"])
    file = file.astype({"value": float, "denominator": float})
    file["row"] = pd.array(
        np.asarray(rows) if rows is not None else [pd.NA] * len(file), dtype="Int64"
    )
    known = {i.id: i for i in catalog.indicators}
    file = file[file["indicator_id"].isin(known)].reset_index(drop=True)
    base = stored[[*_KEY, "value", "denominator"]].copy()
    base["period"] = pd.to_datetime(base["period"])
    base = base.astype({"value": float, "denominator": float})
    base = base[base["indicator_id"].isin(set(file["indicator_id"]))]
    file["kind"] = file["indicator_id"].map({i: ind.kind for i, ind in known.items()})
    written = _written(file, base)
    if written.empty:
        return Plausibility()
    warnings: list[PlausibilityWarning] = []
    history, unjudged = _outside_history(written, base)
    warnings += history
    after = _after(file, base)
    warnings += _parts_sum(written, after, catalog)
    warnings += _share_jump(written, after)
    warnings.sort(key=lambda w: (w.row if w.row is not None else 0, RULES.index(w.rule), w.key))
    return Plausibility(tuple(warnings), unjudged)


# -- the rules ------------------------------------------------------------------------------------


def _written(file: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """The upload's rows that write a new value or denominator (not status or note alone)."""
    merged = file.merge(
        base.rename(columns={"value": "old_value", "denominator": "old_denominator"}),
        on=_KEY,
        how="left",
    )
    same_value = np.isclose(merged["value"], merged["old_value"], rtol=0, atol=_TOL)
    old_d, new_d = merged["old_denominator"], merged["denominator"]
    same_den = (old_d.isna() & new_d.isna()) | np.isclose(new_d, old_d, rtol=0, atol=_TOL)
    return merged[~(same_value & same_den)].drop(columns=["old_value", "old_denominator"])


def _outside_history(
    written: pd.DataFrame, base: pd.DataFrame
) -> tuple[list[PlausibilityWarning], int]:
    """Each written cell against its series' stored history (the cells the upload writes left
    out), the last HISTORY_PERIODS up to the upload's latest period of that series."""
    measured = written[written["kind"] != "proportion"].assign(
        measure="value", x=lambda f: f["value"]
    )
    shares = written[written["kind"] == "proportion"].assign(
        measure="denominator", x=lambda f: f["denominator"]
    )
    cells = pd.concat([measured, shares], ignore_index=True)
    cells = cells[cells["x"].notna()]
    if cells.empty:
        return [], 0
    series = ["indicator_id", "area_code"]
    last = cells.groupby(series)["period"].max().rename("last").reset_index()
    hist = base.merge(last, on=series)
    hist = hist[hist["period"] <= hist["last"]]
    hist = hist.merge(written[_KEY].assign(own=True), on=_KEY, how="left")
    hist = hist[hist["own"].isna()]
    hist = hist.assign(
        x=np.where(
            hist["indicator_id"].isin(set(shares["indicator_id"])),
            hist["denominator"],
            hist["value"],
        )
    )
    hist = hist[hist["x"].notna()].sort_values([*series, "period"])
    hist = hist.groupby(series, sort=False).tail(HISTORY_PERIODS)
    reference = _spread(hist, series)
    judged = cells.merge(reference, on=series, how="left")
    enough = judged["n"].fillna(0) >= MIN_HISTORY
    unjudged = int((~enough).sum())
    judged = judged[enough]
    poisson = 3.0 * np.sqrt(np.maximum(judged["mean"], 1.0))
    relative = RELATIVE_FLOOR * judged["mean"].abs()
    floor = np.where(judged["kind"] == "median_days", relative, poisson)
    half = np.maximum(LIMIT_FACTOR * judged["mrbar"], floor)
    low, high = judged["mean"] - FAR_FACTOR * half, judged["mean"] + FAR_FACTOR * half
    far = (judged["x"] > high + _TOL) | (judged["x"] < low - _TOL)
    out = []
    for r, lo, hi in zip(judged[far].itertuples(index=False), low[far], high[far], strict=True):
        out.append(
            PlausibilityWarning(
                rule="outside_history",
                indicator_id=r.indicator_id,
                area_code=r.area_code,
                period=r.period,
                row=_row(r.row),
                measure=r.measure,
                value=float(r.x),
                reference=float(r.mean),
                low=float(lo),
                high=float(hi),
            )
        )
    return out, unjudged


def _spread(hist: pd.DataFrame, series: list[str]) -> pd.DataFrame:
    """Per series: n, mean and the mean moving range with moving ranges at or above 3.267 × mR̄
    screened out (as the XmR charts of metrics.spc do)."""
    mr = hist.groupby(series, sort=False)["x"].diff().abs()
    first = mr.groupby([hist[c] for c in series], sort=False).transform("mean")
    kept = mr.where(~((first > 0) & (mr >= OUTLIER_MR_FACTOR * first)))
    frame = hist[series].assign(x=hist["x"], mr=kept)
    out = frame.groupby(series, sort=False).agg(
        n=("x", "size"), mean=("x", "mean"), mrbar=("mr", "mean")
    )
    out["mrbar"] = out["mrbar"].fillna(0.0)
    return out.reset_index()


def _after(file: pd.DataFrame, base: pd.DataFrame) -> pd.DataFrame:
    """The store after the upload for the (indicator, period) pairs the upload touches and, for
    shares, every earlier period of its series (the period before is read from it)."""
    pairs = file[["indicator_id", "period"]].drop_duplicates()
    stored = base.merge(file[_KEY].assign(own=True), on=_KEY, how="left")
    stored = stored[stored["own"].isna()].drop(columns="own")
    touched = stored.merge(pairs, on=["indicator_id", "period"])
    earlier = stored[
        stored["indicator_id"].isin(set(file.loc[file["kind"] == "proportion", "indicator_id"]))
    ]
    kept = pd.concat([touched, earlier], ignore_index=True).drop_duplicates(_KEY)
    return pd.concat(
        [
            kept.assign(row=pd.array([pd.NA] * len(kept), dtype="Int64")),
            file[[*_KEY, "value", "denominator", "row"]],
        ],
        ignore_index=True,
    )


def _parts_sum(
    written: pd.DataFrame, after: pd.DataFrame, catalog: Catalog
) -> list[PlausibilityWarning]:
    """Wholes against the sums of their parts, where the upload writes a cell of the relation in
    that period and every area of the relation is stored after the upload (one grouped pass)."""
    kinds = {i.id: i.kind for i in catalog.indicators}
    relations = area_relations(catalog)
    members = pd.DataFrame(
        [
            (rel.name, code, 1.0 if code in rel.wholes else -1.0, len(rel.wholes) + len(rel.parts))
            for rel in relations
            for code in (*rel.wholes, *rel.parts)
        ],
        columns=["relation", "area_code", "sign", "size"],
    )
    applies = pd.DataFrame(
        [
            (ind, rel.name)
            for ind in written["indicator_id"].unique()
            if kinds[ind] != "median_days"
            for rel in relations
            if set(rel.wholes + rel.parts) <= set(catalog.valid_areas(ind))
        ],
        columns=["indicator_id", "relation"],
    )
    if applies.empty:
        return []
    # (indicator, period, relation) where the upload writes one of the relation's cells.
    hit = (
        written[["indicator_id", "area_code", "period"]]
        .merge(members[["relation", "area_code"]], on="area_code")
        .merge(applies, on=["indicator_id", "relation"])[["indicator_id", "period", "relation"]]
        .drop_duplicates()
    )
    cells = after.merge(hit, on=["indicator_id", "period"]).merge(
        members, on=["relation", "area_code"]
    )
    if cells.empty:
        return []
    cells = cells.assign(
        whole_value=np.where(cells["sign"] > 0, cells["value"], 0.0),
        part_value=np.where(cells["sign"] < 0, cells["value"], 0.0),
        whole_denominator=np.where(cells["sign"] > 0, cells["denominator"], 0.0),
        part_denominator=np.where(cells["sign"] < 0, cells["denominator"], 0.0),
        whole_row=cells["row"].where(cells["sign"] > 0),
    )
    sums = cells.groupby(["indicator_id", "period", "relation"], sort=False).agg(
        n=("value", "count"),
        size=("size", "first"),
        whole_value=("whole_value", "sum"),
        part_value=("part_value", "sum"),
        whole_denominator=("whole_denominator", "sum"),
        part_denominator=("part_denominator", "sum"),
        whole_row=("whole_row", "min"),
        any_row=("row", "min"),
    )
    sums = sums[sums["n"] == sums["size"]].reset_index()
    out: list[PlausibilityWarning] = []
    wholes = {rel.name: rel.wholes for rel in relations}
    for measure in ("value", "denominator"):
        whole, part = sums["whole_" + measure], sums["part_" + measure]
        off = (whole - part).abs() > _TOL * np.maximum(whole.abs(), 1.0)
        if measure == "denominator":
            off &= sums["indicator_id"].map(kinds).eq("proportion")
        for r in sums[off].itertuples(index=False):
            own = wholes[r.relation]
            out.append(
                PlausibilityWarning(
                    rule="parts_sum",
                    indicator_id=r.indicator_id,
                    area_code=own[0] if len(own) == 1 else r.relation,
                    period=r.period,
                    row=_row(r.whole_row if not pd.isna(r.whole_row) else r.any_row),
                    measure=measure,
                    value=float(getattr(r, "whole_" + measure)),
                    reference=float(getattr(r, "part_" + measure)),
                    relation=r.relation,
                )
            )
    return out


def _share_jump(written: pd.DataFrame, after: pd.DataFrame) -> list[PlausibilityWarning]:
    """A written share against the latest earlier period of its series after the upload."""
    shares = written[(written["kind"] == "proportion") & (written["denominator"] > 0)]
    if shares.empty:
        return []
    series = ["indicator_id", "area_code"]
    mine = after[after["indicator_id"].isin(set(shares["indicator_id"]))]
    mine = mine[mine["denominator"] > 0].sort_values([*series, "period"])
    prev = mine.assign(
        prev_period=mine.groupby(series)["period"].shift(),
        prev_value=mine.groupby(series)["value"].shift(),
        prev_den=mine.groupby(series)["denominator"].shift(),
    )[[*_KEY, "prev_period", "prev_value", "prev_den"]]
    cells = shares.merge(prev, on=_KEY, how="left")
    cells = cells[cells["prev_den"].notna()]
    p1, n1 = cells["value"] / cells["denominator"], cells["denominator"]
    p0, n0 = cells["prev_value"] / cells["prev_den"], cells["prev_den"]
    pooled = ((cells["value"] + cells["prev_value"]) / (n1 + n0)).clip(0.0, 1.0)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    z = np.where(se > 0, (p1 - p0).abs() / se.where(se > 0, 1.0), 0.0)
    jump = ((p1 - p0).abs() > JUMP_POINTS + _TOL) & (z > JUMP_Z)
    return [
        PlausibilityWarning(
            rule="share_jump",
            indicator_id=r.indicator_id,
            area_code=r.area_code,
            period=r.period,
            row=_row(r.row),
            measure="share",
            value=float(a),
            reference=float(b),
            reference_period=r.prev_period,
        )
        for r, a, b in zip(cells[jump].itertuples(index=False), p1[jump], p0[jump], strict=True)
    ]


# -- helpers --------------------------------------------------------------------------------------


def _row(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _plain(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(float(value), 6)


def _area_name(catalog: Catalog, code: str, lang: str) -> str:
    try:
        area = catalog.area(code)
    except KeyError:
        return code
    return f"{area.name(lang)} ({code})" if code[:1].isdigit() else area.name(lang)


def _relation_names(catalog: Catalog, name: str, lang: str) -> tuple[str, str]:
    """The relation's wholes and parts as people read them (for the spans sentence)."""
    for rel in area_relations(catalog):
        if rel.name == name:
            wholes = ", ".join(_area_name(catalog, c, lang) for c in rel.wholes)
            parts = ", ".join(_area_name(catalog, c, lang) for c in rel.parts)
            return wholes, parts
    return name, ""
