"""Disclosure control: hide small counts, and cells that would give them away by subtraction."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import highspy
import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from i18n import t
from metrics.formatting import format_number

if TYPE_CHECKING:
    from metrics.catalog import Catalog, Indicator

Lang = Literal["sv", "en"]

DEFAULT_THRESHOLD = 5
"""Counts 1..4 are hidden; 0 is shown (a zero discloses nothing about a person). The one owner
of the threshold: the app (ui/data.py), the writer of stored decisions and the tests read it here."""
SUPPRESSED_TEXT = ".."
"""What a hidden cell shows, as in SCB's and BRÅ's tables."""
DERIVED_COLUMNS = ("numerator", "share", "rate_per_100k")
"""Columns computed from the count; blanked (NaN) together with it."""
SPLIT = ">"
"""Joins a shared municipality and a police area into the code of the municipality's part in
that police area ("0180>PO_CITY"): a cell no table publishes, so always unknown to a reader."""
DECOY_RATE = 0.02
"""Share of an indicator's cells hidden as decoys whatever their value, drawn with the
database's secret key (see ``suppress``): a hidden cell may always be a decoy, so replaying the
rule does not tell a small count from a large one."""
_TOL = 1e-9
_BIG = 1e9
"""Upper bound of an unknown in the integer programs (stands for "no bound")."""


@dataclass(frozen=True)
class AdditiveGroup:
    """``parent`` = sum of ``children`` for the same indicator and period (name: for messages)."""

    name: str
    parent: str
    children: tuple[str, ...]


def area_groups(catalog: Catalog) -> tuple[AdditiveGroup, ...]:
    """The additive relations between the catalog's areas, read from the catalog.

    The region is the sum of the police areas and the sum of the municipalities; a police area
    is the sum of its municipalities plus, for each shared municipality that spans it (the
    catalog's ``spans``: Stockholm 0180 over PO_CITY, PO_NORD and PO_SYD), that municipality's
    part there (``"0180>PO_CITY"``, never published); a shared municipality is the sum of its
    parts. For the fixed codes PO_GOTLAND = 0980 is a group of one.
    """
    police = tuple(a.code for a in catalog.areas if a.level == "police_area")
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    groups: list[AdditiveGroup] = []
    for region in (a for a in catalog.areas if a.level == "region"):
        if police:
            groups.append(AdditiveGroup("police_areas", region.code, police))
        if municipalities:
            codes = tuple(m.code for m in municipalities)
            groups.append(AdditiveGroup("municipalities", region.code, codes))
    for code in police:
        own = [m.code for m in municipalities if m.police_area == code]
        parts = [f"{m.code}{SPLIT}{code}" for m in municipalities if code in m.spans]
        if own or parts:
            groups.append(AdditiveGroup(code, code, (*own, *parts)))
    for m in municipalities:
        if m.spans:
            parts = tuple(f"{m.code}{SPLIT}{p}" for p in m.spans)
            groups.append(AdditiveGroup(m.code, m.code, parts))
    return tuple(groups)


def is_isolated(indicator: Indicator, catalog: Catalog) -> bool:
    """True when no published total or split relates the indicator's cells within a month (it is
    reported for the region only): a hidden month could only be hidden for its own sake, so
    ``..`` would always mean 1..4. Briefing mode then hides every month below the threshold,
    zeros too (``..`` means 0..4), and shows period totals instead (``period_totals``)."""
    valid = set(catalog.valid_areas(indicator.id))
    return not any(_usable(g, valid)[1] for g in area_groups(catalog) if g.parent in valid)


def _usable(group: AdditiveGroup, valid: set[str]) -> tuple[str, list[str]]:
    """The group's parent and the children the indicator reports (a split part counts when both
    its municipality and its police area are reported)."""
    children = [
        c
        for c in group.children
        if c in valid or (SPLIT in c and all(piece in valid for piece in c.split(SPLIT)))
    ]
    return group.parent, children


def format_cell(
    value: float | None,
    suppressed: bool,
    lang: Lang = "sv",
    decimals: int | None = None,
) -> str:
    """A table cell: ".." when suppressed, else the number as ``format_number`` writes it."""
    if suppressed:
        return SUPPRESSED_TEXT
    return format_number(value, lang, decimals)


def apply_disclosure(
    obs: pd.DataFrame,
    catalog: Catalog,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    key: bytes,
) -> pd.DataFrame:
    """Protect an observation frame before anything is drawn or exported (briefing/public mode).

    Pass every cell that will be shown (all areas and months, plus any year totals): the frame
    is protected as a whole, so showing a subset of the result is safe, but aggregating the
    result afterwards is not (aggregate first, then protect). Same as ``suppress``.

    No relation crosses indicators, so each indicator is protected on its own: protecting one
    indicator's rows (every area and month of it) gives exactly what protecting them together
    with other indicators gives. Cutting areas or months before protecting is never safe.
    """
    return suppress(obs, catalog, threshold, key=key)


def protects(indicator: Indicator) -> bool:
    """True when disclosure control can hide the indicator's values (a median is not a count)."""
    return indicator.disclosure and indicator.kind != "median_days"


@dataclass(frozen=True)
class HiddenCells:
    """Which monthly cells of one indicator disclosure control hid, decided on all its cells.

    Lets a page show a cut (some areas, some months) of an indicator protected as a whole
    without holding the whole protected frame: ``hidden_cells`` records the decision from
    ``apply_disclosure``'s result for every row of the indicator; ``hide_cells`` applies it to a
    cut of the same stored data (the caller makes sure it is the same, e.g. by a checksum).
    ``areas`` None = nothing is ever hidden (an indicator disclosure control leaves alone).
    """

    indicator_id: str
    areas: tuple[str, ...] | None
    keys: np.ndarray
    """Sorted keys (position in ``areas``, month number) of the hidden cells."""
    primary: np.ndarray
    """For each key: True = hidden as a small count itself, False = hidden as a secondary."""

    @classmethod
    def none(cls, indicator_id: str) -> HiddenCells:
        return cls(indicator_id, None, np.zeros(0, dtype="int64"), np.zeros(0, dtype=bool))

    def reasons(self, at: np.ndarray) -> np.ndarray:
        """``suppression_reason`` of the cells at positions `at` in ``keys``."""
        return np.where(self.primary[at], "primary", "secondary").astype(object)

    def locate(self, area_codes: pd.Series, periods: pd.Series) -> np.ndarray:
        """Position in ``keys`` of each cell, or -1 where it is shown. ValueError for a cell of
        an area the decision never saw (a cut of other data than was protected)."""
        if self.areas is None:
            return np.full(len(area_codes), -1)
        position = pd.Index(self.areas).get_indexer(area_codes.astype(str))
        if (position < 0).any():
            raise ValueError(f"{self.indicator_id}: cells of areas disclosure control never saw")
        keys = _cell_keys(position, periods)
        at = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        hit = (self.keys[at] == keys) if len(self.keys) else np.zeros(len(keys), dtype=bool)
        return np.where(hit, at, -1)


def hidden_cells(protected: pd.DataFrame, indicator_id: str) -> HiddenCells:
    """The decision in ``apply_disclosure``'s result for every monthly row of one indicator."""
    if "period_end" in protected.columns:
        raise ValueError("hidden_cells: monthly rows only (no period_end)")
    rows = protected[protected["indicator_id"] == indicator_id]
    codes = rows["area_code"].astype(str)
    areas = tuple(sorted(codes.unique()))
    keys = _cell_keys(pd.Index(areas).get_indexer(codes), rows["period"])
    hidden = rows["suppressed"].to_numpy(dtype=bool)
    order = np.argsort(keys[hidden], kind="stable")
    primary = rows["suppression_reason"].to_numpy(dtype=object)[hidden][order] == "primary"
    return HiddenCells(indicator_id, areas, keys[hidden][order], primary)


@dataclass(frozen=True)
class PeriodTotal:
    """One calendar year of an indicator at one area, as briefing mode may show it.

    ``total`` None: not shown; ``fewer`` True means the year's total is 1..threshold-1 (said as
    "färre än 5"); ``partial`` True means the year is not complete (fewer than 12 months
    reported), so no total is shown yet; otherwise ``total`` None means it cannot be shown at
    all (what it adds to the shown months would be a small count, or would pin the hidden
    months). ``months``: months reported."""

    year: int
    months: int
    total: float | None
    fewer: bool
    partial: bool = False


def period_totals(
    monthly: pd.DataFrame, threshold: int = DEFAULT_THRESHOLD
) -> tuple[PeriodTotal, ...]:
    """What briefing mode shows instead of a monthly ``..`` that would mean 1..4: year totals.

    For indicators where a hidden month cannot be protected by other cells (``is_isolated``:
    reported for the region only, e.g. lethal violence), every month below the threshold is
    hidden, zeros too, so ``..`` says 0..4; the year's total then tells what the months cannot.
    monthly: one area's monthly counts *before* protection (period, value) with ``suppressed``
    from the indicator's decision (every hidden month is 0..threshold-1, as for an isolated
    indicator). Only complete years (12 months reported) get a total: a running total of the
    current year, read month after month, would give each new month by subtraction. A year's
    total is shown when it is 0 or at least the threshold, and what it adds to the shown months
    (the hidden months' sum) is 0, or at least the threshold and below what would put every
    hidden month at threshold-1 (which would pin them); a total of 1..threshold-1 is "fewer
    than" the threshold; otherwise it is not shown. Years in order; empty frame -> ().
    """
    if monthly.empty:
        return ()
    frame = monthly.assign(year=pd.to_datetime(monthly["period"]).dt.year)
    out = []
    for year, rows in frame.groupby("year", sort=True):
        values = rows["value"].to_numpy(dtype="float64")
        hidden = rows["suppressed"].to_numpy(dtype=bool)
        total = float(np.nansum(values))
        behind = float(np.nansum(values[hidden]))
        most = (threshold - 1) * int(hidden.sum())  # every hidden month at its largest

        def small(x: float) -> bool:
            return 0 < x < threshold

        if rows["period"].nunique() < 12:
            out.append(PeriodTotal(int(year), len(rows), None, False, partial=True))
        elif small(total):
            out.append(PeriodTotal(int(year), len(rows), None, True))
        elif small(behind) or (behind > 0 and behind >= most):
            out.append(PeriodTotal(int(year), len(rows), None, False))
        else:
            out.append(PeriodTotal(int(year), len(rows), total, False))
    return tuple(out)


def period_total_text(
    item: PeriodTotal, lang: Lang = "sv", threshold: int = DEFAULT_THRESHOLD
) -> str:
    """The year as a sentence part: "2025: 7", "2025: färre än 5", "2025: kan inte visas",
    "2026: visas när året är slut"."""
    if item.total is not None:
        return t("period_total", lang, year=item.year, total=format_number(item.total, lang))
    if item.partial:
        return t("period_total_partial", lang, year=item.year, done=item.months)
    if item.fewer:
        return t("period_total_fewer", lang, year=item.year, threshold=threshold)
    return t("period_total_hidden", lang, year=item.year)


def release_hidden_cells(
    indicator_id: str, cells: pd.DataFrame, hidden: pd.DataFrame
) -> HiddenCells:
    """A stored (or just taken) release decision as ``HiddenCells`` for the indicator's cells.

    cells: every stored row of the indicator (area_code, period, ...); hidden: area_code,
    period, reason of the cells the release hides."""
    areas = tuple(
        sorted(set(cells["area_code"].astype(str)) | set(hidden["area_code"].astype(str)))
    )
    index = pd.Index(areas)
    keys = _cell_keys(index.get_indexer(hidden["area_code"].astype(str)), hidden["period"])
    order = np.argsort(keys, kind="stable")
    primary = hidden["reason"].to_numpy(dtype=object)[order] == "primary"
    return HiddenCells(indicator_id, areas, keys[order], primary)


def decide_release(
    cells: pd.DataFrame,
    catalog: Catalog,
    indicator_id: str,
    *,
    before: pd.DataFrame | None = None,
    hidden_before: pd.DataFrame | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    key: bytes,
) -> pd.DataFrame:
    """The cells of one indicator a new release hides: area_code, period, reason.

    cells: every monthly cell of the indicator now (area_code, period, value, denominator).
    before / hidden_before: the indicator's cells at the previous release and the cells it hid
    (None: no previous release, or not known). Sticky: a cell hidden before stays hidden; a cell
    shown before with the same value is known to readers, so it neither protects nor is hidden;
    the new pattern is then protected as ``suppress`` protects, with those cells as known. A
    revision that changes a cell leaves what was hidden hidden, whatever its new value.
    """
    frame = cells.assign(indicator_id=indicator_id).reset_index(drop=True)
    if "denominator" not in frame.columns:
        frame["denominator"] = np.nan
    keys = pd.MultiIndex.from_arrays(
        [frame["area_code"].astype(str), pd.to_datetime(frame["period"])]
    )
    keep = np.zeros(len(frame), dtype=bool)
    public = np.zeros(len(frame), dtype=bool)
    if hidden_before is not None and len(hidden_before):
        old_hidden = pd.MultiIndex.from_arrays(
            [hidden_before["area_code"].astype(str), pd.to_datetime(hidden_before["period"])]
        )
        keep = keys.isin(old_hidden)
    if before is not None and hidden_before is not None and len(before):
        old = before.assign(
            area_code=before["area_code"].astype(str), period=pd.to_datetime(before["period"])
        ).set_index(["area_code", "period"])
        at = old.index.get_indexer(keys)
        seen = at >= 0
        same = np.zeros(len(frame), dtype=bool)
        for column in ("value", "denominator"):
            if column not in old.columns:
                continue
            then = old[column].to_numpy(dtype="float64")[np.where(seen, at, 0)]
            now = frame[column].to_numpy(dtype="float64")
            equal = (then == now) | (np.isnan(then) & np.isnan(now))
            same = equal if column == "value" else same & equal
        public = seen & same & ~keep
    out = suppress(frame, catalog, threshold, key=key, keep_hidden=keep, already_shown=public)
    hidden = out[out["suppressed"]]
    return pd.DataFrame(
        {
            "area_code": hidden["area_code"].astype(str).to_numpy(),
            "period": pd.to_datetime(hidden["period"]).to_numpy(),
            "reason": hidden["suppression_reason"].to_numpy(dtype=object),
        }
    )


@dataclass(frozen=True)
class ReleaseDecider:
    """What the writers (commit, undo) call for each indicator they change: the release's
    decision (``decide_release``), or None for an indicator disclosure control leaves alone."""

    catalog: Catalog
    threshold: int = DEFAULT_THRESHOLD

    def __call__(
        self,
        indicator_id: str,
        before: pd.DataFrame,
        hidden_before: pd.DataFrame | None,
        after: pd.DataFrame,
        *,
        key: bytes,
    ) -> pd.DataFrame | None:
        try:
            indicator = self.catalog.indicator(indicator_id)
        except KeyError:
            return None
        if not protects(indicator):
            return None
        return decide_release(
            after,
            self.catalog,
            indicator_id,
            before=before,
            hidden_before=hidden_before,
            threshold=self.threshold,
            key=key,
        )


def hide_cells(cut: pd.DataFrame, decisions: Mapping[str, HiddenCells]) -> pd.DataFrame:
    """A cut of observations (monthly rows, any areas and months) as ``apply_disclosure`` of
    every row of its indicators would show it: same columns, same cells hidden.

    decisions: one ``HiddenCells`` per indicator in the cut (KeyError if one is missing).
    """
    if "period_end" in cut.columns:
        raise ValueError("hide_cells: monthly rows only (no period_end)")
    reasons = np.full(len(cut), None, dtype=object)
    positions = pd.Series(np.arange(len(cut))).groupby(
        cut["indicator_id"].astype(str).to_numpy(), sort=False
    )
    for indicator_id, rows in positions:
        decision = decisions[str(indicator_id)]
        rows = rows.to_numpy()
        part = cut.iloc[rows]
        at = decision.locate(part["area_code"], part["period"])
        reasons[rows[at >= 0]] = decision.reasons(at[at >= 0])
    return _blank(cut.copy(), reasons)


def indicator_key(key: bytes, indicator_id: str) -> bytes:
    """The indicator's own key, derived from the database's secret ``key`` (so draws differ
    between indicators). ValueError for a key shorter than 16 bytes: a short key could be
    guessed, and a guessed key lets a reader replay the decoys."""
    if not isinstance(key, bytes) or len(key) < 16:
        raise ValueError("disclosure control needs a secret key of at least 16 bytes")
    return hmac.new(key, b"lagesbild-disclosure|" + indicator_id.encode(), hashlib.sha256).digest()


def cell_draws(key: bytes, labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per cell label (area and months, never a value): a secret rank (int64, for the order in
    which secondaries are taken) and a secret uniform draw in [0, 1) (a decoy when below
    ``DECOY_RATE``). Both come from HMAC-SHA256 with ``key`` (an ``indicator_key``): without
    it a reader can neither tell them nor replay them; with it they are the same on every run,
    so a release is reproducible and sticky."""
    digests = [hmac.new(key, label.encode(), hashlib.sha256).digest() for label in labels]
    raw = np.frombuffer(b"".join(d[:16] for d in digests), dtype=">u8").reshape(-1, 2)
    rank = (raw[:, 0] >> np.uint64(1)).astype("int64")
    draw = (raw[:, 1] >> np.uint64(11)).astype("float64") / float(1 << 53)
    return rank, draw


def _cell_keys(area_positions: np.ndarray, periods: pd.Series) -> np.ndarray:
    return (np.asarray(area_positions, dtype="int64") << 17) | _months(periods)


def suppress(
    frame: pd.DataFrame,
    catalog: Catalog,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    key: bytes,
    groups: Sequence[AdditiveGroup] | None = None,
    keep_hidden: np.ndarray | None = None,
    already_shown: np.ndarray | None = None,
    decoys: np.ndarray | None = None,
) -> pd.DataFrame:
    """Hide small counts, and further cells until no hidden cell can be pinned down or proved
    small by a reader who knows everything shown.

    frame: a table of counts in observation form: indicator_id, area_code, period (first day of
        the month), value (count, stock level, or numerator of a proportion), optional
        denominator, and optionally ``period_end``: for a row covering several months (a year
        total, year to date) its last month; NaT or absent for a single month.
    keep_hidden: per row, True = hidden in an earlier release of the same data (stays hidden:
        a revision never uncovers what was hidden). already_shown: per row, True = a reader
        already knows this value from an earlier release (shown then, unchanged since): hiding
        it now protects nothing, so it is never chosen to protect another cell.
    Returns a copy with ``suppressed`` (bool) and ``suppression_reason`` ("primary", "secondary",
    None); where suppressed, value, denominator and DERIVED_COLUMNS are NaN.

    Only indicators with ``disclosure`` true are touched; median_days values are left as they
    are. Primary: a value (for a proportion, a numerator or a denominator) from 1 to
    threshold-1; for an indicator without relations between its areas (``is_isolated``) every
    value below the threshold, zeros too. Decoys: every cell whose secret draw (``cell_draws``
    with ``key``) falls below ``DECOY_RATE`` is hidden whatever its value, zeros too, so a reader
    who replays the rule without the key cannot tell a cell hidden for its own sake from a decoy
    (reason "secondary"; none for an isolated indicator). Secondary, repeated until nothing
    changes: every hidden cell is checked against the attacker of docs/disclosure.md, who knows
    each shown cell, every additive relation (``area_groups``, and a multi-month row = its
    months; for a stock, its last month), that counts are whole and non-negative, that a
    numerator is at most its denominator and that a hidden share has a base of at least 1 (not
    that a hidden count is at least 1: zeros are hidden as decoys and company too). Its feasible
    range (an integer program per group of hidden cells linked by relations) must reach the
    threshold and hold more than one value. A cell that fails gets company chosen without
    looking at values: its partner in a secret pairing (``cell_draws``' rank) of the cells of its
    smallest relation, zeros too, then the pair's partner pair, and so on (so either cell of a
    pair could be the small one), the relation's total when every part is hidden, then the next
    relation. A cumulative stock level 1..threshold-1 above the previous shown level is hidden
    too (the rise is a count). Cells missing from the frame, or NaN, are unknown to the reader
    (at least 0).
    key: the database's secret (``storage.disclosure_key``; at least 16 bytes). decoys: per
    row, the decoys to use instead of the key's draws (for replaying the rule in tests).
    Empty frame -> empty result with the two columns.
    """
    if threshold < 1:
        raise ValueError("suppress: threshold must be at least 1")
    out = frame.copy()
    out["suppressed"] = False
    out["suppression_reason"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    if out.empty:
        return out
    relations = tuple(groups) if groups is not None else area_groups(catalog)
    starts = _months(out["period"])
    ends = (
        _months(out["period_end"].fillna(out["period"])) if "period_end" in out.columns else starts
    )
    indicator_key(key, "")  # a missing or short key fails before any work
    keep = np.zeros(len(out), bool) if keep_hidden is None else np.asarray(keep_hidden, bool)
    public = np.zeros(len(out), bool) if already_shown is None else np.asarray(already_shown, bool)
    reasons = np.full(len(out), None, dtype=object)
    # Indicators are protected one by one (no relation crosses indicators): row positions per
    # indicator in one pass instead of a scan of the frame per indicator.
    by_indicator = pd.Series(np.arange(len(out))).groupby(
        out["indicator_id"].astype(str).to_numpy(), sort=False
    )
    for indicator_id, positions in by_indicator:
        indicator = catalog.indicator(str(indicator_id))
        if not protects(indicator):
            continue
        rows = positions.to_numpy()
        part = out.iloc[rows]
        columns = ["value", "denominator"] if indicator.kind == "proportion" else ["value"]
        quantities = part.reindex(columns=columns).to_numpy(dtype="float64")
        valid = set(catalog.valid_areas(indicator.id)) | set(part["area_code"].unique().astype(str))
        protector = _Protector(
            areas=part["area_code"].astype(str).to_numpy(dtype=object),
            starts=starts[rows],
            ends=ends[rows],
            quantities=quantities,
            kind=indicator.kind,
            relations=relations,
            valid_areas=valid,
            threshold=threshold,
            keep_hidden=keep[rows],
            already_shown=public[rows],
            key=indicator_key(key, str(indicator_id)),
            decoys=None if decoys is None else np.asarray(decoys, bool)[rows],
        )
        reasons[rows] = protector.run()
    return _blank(out, reasons)


def _blank(out: pd.DataFrame, reasons: np.ndarray) -> pd.DataFrame:
    """Mark the cells with a reason as suppressed and blank their values (in place).

    A hidden cell's note goes too: free text may say what the value was ("3 anmälningar …").
    """
    hidden = ~pd.isna(reasons)
    out["suppressed"] = hidden
    out["suppression_reason"] = pd.Series(reasons, index=out.index, dtype=object)
    for column in ("value", "denominator", *DERIVED_COLUMNS):
        if column in out.columns:
            out[column] = out[column].astype("float64").mask(hidden)
    if "note" in out.columns and hidden.any():
        out["note"] = out["note"].mask(hidden, "")
    return out


def _months(values: pd.Series) -> np.ndarray:
    """Month numbers (year * 12 + month - 1) of the dates: whole numbers, equal within a month."""
    months = pd.to_datetime(values).to_numpy().astype("datetime64[M]").astype("int64")
    return months + 1970 * 12


class _Protector:
    """Suppression for one indicator's cells; a cell is (area, first month, last month).

    Cells in the frame have indices 0..n-1 (n >= 1); cells a group names but the frame lacks
    (a split part, an unreported area) get "virtual" indices from n on (never shown, so always
    unknown to a reader, at least 0). The state arrays cover both. Cells are found by an
    integer key (area, first month, last month) in a sorted array.
    """

    def __init__(
        self,
        *,
        areas: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        quantities: np.ndarray,
        kind: str,
        relations: Iterable[AdditiveGroup],
        valid_areas: set[str],
        threshold: int,
        keep_hidden: np.ndarray,
        already_shown: np.ndarray,
        key: bytes,
        decoys: np.ndarray | None = None,
    ) -> None:
        self.n = len(areas)
        self.t = float(threshold)
        self.kind = kind
        self.areas = areas
        self.starts = np.asarray(starts, dtype="int64")
        self.ends = np.asarray(ends, dtype="int64")
        usable = [
            (r.parent, children)
            for r in relations
            if r.parent in valid_areas
            for _, children in [_usable(r, valid_areas)]
            if children
        ]
        self.isolated = not usable
        codes = dict.fromkeys([*areas.tolist(), *sorted(valid_areas)])
        for parent, children in usable:
            codes.update(dict.fromkeys([parent, *children]))
        self.code_list = list(codes)
        self.code_ids = {code: k for k, code in enumerate(codes)}
        area_ids = pd.Index(self.code_list).get_indexer(areas).astype("int64")
        keys = self._key(area_ids, self.starts, self.ends)
        self.order = np.argsort(keys, kind="stable")
        self.sorted_keys = keys[self.order]
        duplicate = np.flatnonzero(self.sorted_keys[1:] == self.sorted_keys[:-1])
        if len(duplicate):
            i = int(self.order[duplicate[0]])
            cell = (str(areas[i]), int(self.starts[i]), int(self.ends[i]))
            raise ValueError(f"suppress: more than one row for {_describe(cell)}")
        self.virtual: dict[int, int] = {}
        self.groups = self._build_groups(usable)
        size = self.n + len(self.virtual)
        self.q = np.full((size, quantities.shape[1]), np.nan)
        self.q[: self.n] = quantities
        self.known = np.zeros(size, dtype=bool)
        self.known[: self.n] = ~np.isnan(quantities).any(axis=1)
        self.public = np.zeros(size, dtype=bool)
        self.public[: self.n] = np.asarray(already_shown, bool) & self.known[: self.n]
        self.hidden = np.zeros(size, dtype=bool)
        self.hidden[: self.n] = np.asarray(keep_hidden, bool) & ~self.public[: self.n]
        self.reason = np.full(self.n, None, dtype=object)
        self.reason[self.hidden[: self.n]] = "secondary"
        possible = np.zeros(size, dtype=bool)
        possible[: self.n] = self.known[: self.n]
        if kind == "proportion":
            # A share of nothing (denominator 0) is never hidden: a hidden share has a base.
            possible[: self.n] &= np.nan_to_num(quantities[:, 1]) > _TOL
        # Cells that may be hidden to protect another, or as decoys: in the frame, not already
        # known to readers; zeros too, so a reader never knows a hidden count to be at least 1.
        # Which cells these are is public, so pairing them reveals nothing.
        self.eligible = possible & ~self.public
        # A secret rank and draw per cell from its area and months (never its value).
        self.rank, draw = cell_draws(
            key, [f"{self._code_of(i)}|{self._span_of(i)}" for i in range(size)]
        )
        # Decoys: cells hidden whatever their value, drawn with the key among the cells that
        # could be hidden at all (so for the reader any hidden cell may be one). Not for an
        # indicator without relations: its ".." already says 0..4 (see ``is_isolated``).
        chosen = draw[: self.n] < DECOY_RATE if decoys is None else np.asarray(decoys, bool)
        self.decoys = chosen & self.eligible[: self.n] & (not self.isolated)
        flat = [np.concatenate(([p], cs)) for p, cs in self.groups]
        self.members = np.concatenate(flat) if flat else np.zeros(0, dtype="int64")
        sizes = [len(m) for m in flat]
        self.starts_of = np.concatenate(([0], np.cumsum(sizes))).astype("int64")
        owner = np.repeat(np.arange(len(flat)), sizes)
        by_member = np.argsort(self.members, kind="stable")
        self.members_sorted, self.owner_sorted = self.members[by_member], owner[by_member]
        self.levels = (
            self._stock_levels(area_ids) if kind == "stock" else np.zeros((0, 0), dtype="int64")
        )
        self.verdicts: dict[bytes, np.ndarray] = {}
        self.lp_calls = 0

    # -- structure -------------------------------------------------------------------------

    @staticmethod
    def _key(area_ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
        # month numbers are below 2**17 for any year before 10 000
        return (area_ids << 34) | (starts << 17) | ends

    def _code_of(self, i: int) -> str:
        if i < self.n:
            return str(self.areas[i])
        return self.code_list[self.virtual_keys[i - self.n] >> 34]

    def _span_of(self, i: int) -> int:
        if i < self.n:
            return int((self.starts[i] << 17) | self.ends[i])
        return int(self.virtual_keys[i - self.n] & ((1 << 34) - 1))

    def _cells(self, keys: np.ndarray) -> np.ndarray:
        """Indices of cells by key: a row of the frame, or a (new) virtual index."""
        at = np.minimum(np.searchsorted(self.sorted_keys, keys), self.n - 1)
        found = self.sorted_keys[at] == keys
        cells = np.where(found, self.order[at], -1)
        for k in np.flatnonzero(~found):
            cells[k] = self.virtual.setdefault(int(keys[k]), self.n + len(self.virtual))
        return cells

    def _build_groups(self, usable: list[tuple[str, list[str]]]) -> list[tuple[int, np.ndarray]]:
        """(parent, children) cell indices: per span of months each area relation that has a
        cell in the frame, then each multi-month row's months."""
        pairs = np.unique((self.starts << 17) | self.ends)
        spans = np.stack([pairs >> 17, pairs & ((1 << 17) - 1)], axis=1)
        per_relation = []
        for parent, children in usable:
            ids = np.array([self.code_ids[a] for a in (parent, *children)], "int64")
            keys = self._key(ids[None, :], spans[:, :1], spans[:, 1:])
            at = np.minimum(np.searchsorted(self.sorted_keys, keys), self.n - 1)
            present = self.sorted_keys[at] == keys
            per_relation.append((keys, present.any(axis=1)))
        groups: list[tuple[int, np.ndarray]] = []
        for s in range(len(spans)):
            for keys, any_present in per_relation:
                if any_present[s]:
                    cells = self._cells(keys[s])
                    groups.append((int(cells[0]), cells[1:]))
        for i in np.flatnonzero(self.ends > self.starts):
            months = np.arange(self.starts[i], self.ends[i] + 1, dtype="int64")
            if self.kind == "stock":
                months = months[-1:]
            area = np.full(len(months), self.code_ids[str(self.areas[i])], dtype="int64")
            groups.append((int(i), self._cells(self._key(area, months, months))))
        self.virtual_keys = np.zeros(len(self.virtual), dtype="int64")
        for key, index in self.virtual.items():
            self.virtual_keys[index - self.n] = key
        return groups

    # -- the decision ----------------------------------------------------------------------

    def _small_rows(self, totals: np.ndarray) -> np.ndarray:
        """Per row of `totals`: is any quantity a small count (strictly between 0 and t)?"""
        return ((totals > _TOL) & (totals < self.t - _TOL)).any(axis=-1)

    def run(self) -> np.ndarray:
        q = self.q[: self.n]
        if self.isolated:
            small = self.known[: self.n] & (q < self.t - _TOL).all(axis=1)
        else:
            small = self.known[: self.n] & self._small_rows(q)
        small &= ~self.public[: self.n]
        primary = np.flatnonzero(small)
        self.hidden[primary] = True
        self.reason[primary] = "primary"
        decoys = np.flatnonzero(self.decoys & ~self.hidden[: self.n])
        self.hidden[decoys] = True
        self.reason[decoys] = "secondary"  # hidden for the others' sake, not its own value
        while True:
            changed = self._sweep_stock_steps()
            done: set[int] = set()
            for cell in self._unsafe():
                if cell not in done:
                    changed |= self._protect(cell, done)
            if not changed:
                return self.reason

    def _sweep_stock_steps(self) -> bool:
        """Hide a stock level whose rise since the previous shown level is a small count.

        Each area's levels are read in month order, all areas at once: step k looks at every
        area's k-th level, against that area's latest level still shown."""
        if self.kind != "stock" or not self.levels.size:
            return False
        changed = False
        areas = len(self.levels)
        previous = np.zeros((areas, self.q.shape[1]))
        has_previous = np.zeros(areas, dtype=bool)
        for k in range(self.levels.shape[1]):
            cells = self.levels[:, k]
            at = np.flatnonzero(cells >= 0)
            cells = cells[at]
            shown = ~self.hidden[cells]
            small = has_previous[at] & self._small_rows(self.q[cells] - previous[at])
            hide = shown & small & ~self.public[cells]
            if hide.any():
                self.hidden[cells[hide]] = True
                self.reason[cells[hide]] = "secondary"
                changed = True
            keep = shown & ~hide
            previous[at[keep]] = self.q[cells[keep]]
            has_previous[at[keep]] = True
        return changed

    def _protect(self, cell: int, done: set[int]) -> bool:
        """Hide company for an unsafe cell, chosen without looking at values (see ``suppress``).
        Cells in the block hidden (and the cell) go into `done`: they are not expanded again in
        this round."""
        lo, hi = np.searchsorted(self.members_sorted, [cell, cell + 1])
        owned = np.unique(self.owner_sorted[lo:hi])
        as_child = [g for g in owned if self.groups[g][0] != cell]
        as_parent = [g for g in owned if self.groups[g][0] == cell]
        # The smallest relation first (a police area before the region), then by position.
        ordered = sorted(as_child, key=lambda g: (len(self.groups[g][1]), g)) + sorted(
            as_parent, key=lambda g: (len(self.groups[g][1]), g)
        )
        for g in ordered:
            parent, children = self.groups[g]
            children = children[children < self.n]
            pool = children[self.hidden[children] | self.eligible[children]]
            pool = pool[np.lexsort((pool, self.rank[pool]))]
            if parent != cell and cell in pool:
                position = int(np.flatnonzero(pool == cell)[0])
                block = 2
                while block < 2 * len(pool):
                    first = (position // block) * block
                    members = pool[first : first + block]
                    new = members[~self.hidden[members]]
                    if len(new):
                        self._mark(new, done, members)
                        return True
                    block *= 2
            else:
                new = pool[~self.hidden[pool]][:1]
                if len(new):
                    self._mark(new, done, new)
                    return True
            if parent < self.n and not self.hidden[parent] and self.eligible[parent]:
                self._mark(np.array([parent]), done, np.array([parent]))
                return True
        done.add(cell)
        return False

    def _mark(self, new: np.ndarray, done: set[int], block: np.ndarray) -> None:
        self.hidden[new] = True
        self.reason[new] = "secondary"
        done.update(int(c) for c in block)

    # -- the attacker's view ---------------------------------------------------------------

    def _unsafe(self) -> list[int]:
        """Hidden cells whose feasible range (see ``suppress``) holds one value only or stays
        below the threshold, ascending. Cells already known to readers count as shown."""
        unknown = (self.hidden & ~self.public) | ~self.known
        check = np.flatnonzero(self.hidden[: self.n] & ~self.public[: self.n])
        if not len(check):
            return []
        equations = [(p, cs) for p, cs in self.groups if unknown[p] or unknown[cs].any()]
        if not equations:
            return []
        a, b = [], []
        for p, cs in equations:
            members = np.concatenate(([p], cs))
            members = members[unknown[members]]
            a.append(members)
            b.append(np.full(len(members), members[0]))
        label = _components(len(unknown), np.concatenate(a), np.concatenate(b))
        by_root: dict[int, list[tuple[int, np.ndarray]]] = {}
        for equation, first in zip(equations, b, strict=True):
            by_root.setdefault(int(label[first[0]]), []).append(equation)
        unknown_cells = np.flatnonzero(unknown)
        members = pd.Series(unknown_cells).groupby(label[unknown_cells]).apply(np.asarray)
        unsafe: list[int] = []
        for root in np.unique(label[check]):
            if int(root) not in by_root:
                continue  # in no equation: nothing to subtract from
            cells = members[root]
            key = cells.tobytes()
            if key not in self.verdicts:
                self.verdicts[key] = self._judge(cells, by_root[int(root)])
            unsafe += self.verdicts[key].tolist()
        return sorted(unsafe)

    def _judge(self, cells: np.ndarray, equations: list[tuple[int, np.ndarray]]) -> np.ndarray:
        """The unsafe hidden cells among `cells` (one component of unknowns and its equations)."""
        targets = cells[(cells < self.n) & self.hidden[cells]]
        hidden_frame = (cells < self.n) & self.known[cells]
        truth = np.where(hidden_frame[:, None], self.q[cells], np.nan)
        # A hidden count may be a zero (a decoy or company); a hidden share has a base.
        lower = np.zeros_like(truth)
        if self.kind == "proportion":
            lower[hidden_frame, 1] = 1.0
        safe = np.zeros(len(cells), dtype=bool)
        if self.kind != "proportion":
            safe = self._twins(cells, equations, truth[:, 0])
        pending = [int(k) for k in np.flatnonzero(np.isin(cells, targets) & ~safe)]
        if not pending:
            return np.zeros(0, dtype="int64")
        program = _Program(cells, equations, self.q, self.known, self.hidden, self.public, lower)
        solutions = [truth]
        if len(pending) > 2:
            # One program that pushes every pending cell up at once settles most of them.
            weights = np.zeros(truth.shape)
            weights[pending] = 1.0
            found = program.solve_weighted(weights)
            self.lp_calls += 1
            if found is not None:
                solutions.append(found)
        unsafe = []
        for k in pending:
            if self._certified(k, solutions, truth):
                continue
            ok = True
            for j in range(truth.shape[1]):
                if self._column_certified(k, j, solutions, truth):
                    continue
                high = program.solve(k, j, maximise=True)
                self.lp_calls += 1
                if high is not None:
                    solutions.append(high)
                if high is not None and self._column_certified(k, j, solutions, truth):
                    continue
                if truth[k, j] >= self.t - _TOL:
                    low = program.solve(k, j, maximise=False)
                    self.lp_calls += 1
                    if low is not None:
                        solutions.append(low)
                        if self._column_certified(k, j, solutions, truth):
                            continue
                ok = False
                break
            if not ok:
                unsafe.append(int(cells[k]))
        return np.array(unsafe, dtype="int64")

    def _column_certified(
        self, k: int, j: int, solutions: list[np.ndarray], truth: np.ndarray
    ) -> bool:
        """Two known feasible points differ in this quantity and one reaches the threshold."""
        values = np.array([s[k, j] for s in solutions])
        return bool(values.max() >= self.t - _TOL and (np.abs(values - truth[k, j]) > 0.5).any())

    def _certified(self, k: int, solutions: list[np.ndarray], truth: np.ndarray) -> bool:
        return all(self._column_certified(k, j, solutions, truth) for j in range(truth.shape[1]))

    def _twins(
        self, cells: np.ndarray, equations: list[tuple[int, np.ndarray]], truth: np.ndarray
    ) -> np.ndarray:
        """A cheap sufficient test (counts and stocks): cells in exactly the same equations with
        the same sign can trade units without touching any total, so a hidden cell can rise by
        what its hidden twins hold (without limit when a twin is unknown to everyone) and fall
        by a unit into any twin. Safe if that reaches the threshold and moves it."""
        signature: dict[int, list[int]] = {int(c): [] for c in cells}
        for e, (p, cs) in enumerate(equations):
            if int(p) in signature:
                signature[int(p)].append(e)
            for c in cs:
                if int(c) in signature:
                    signature[int(c)].append(-e - 1)
        by_signature: dict[tuple[int, ...], list[int]] = {}
        for k, c in enumerate(cells):
            by_signature.setdefault(tuple(signature[int(c)]), []).append(k)
        safe = np.zeros(len(cells), dtype=bool)
        for members in by_signature.values():
            if len(members) < 2:
                continue
            slack = np.array([np.inf if np.isnan(truth[m]) else truth[m] for m in members])
            total = slack.sum()
            for position, m in enumerate(members):
                if np.isnan(truth[m]):
                    continue
                rise = total - slack[position]
                safe[m] = truth[m] + rise >= self.t - _TOL and (rise > 0 or truth[m] > 0)
        return safe

    def _stock_levels(self, area_ids: np.ndarray) -> np.ndarray:
        """Areas × their single-month cells with a known level, in month order (-1 = none)."""
        single = np.flatnonzero((self.starts == self.ends) & self.known[: self.n])
        single = single[np.lexsort((single, self.starts[single], area_ids[single]))]
        if not len(single):
            return np.zeros((0, 0), dtype="int64")
        area = area_ids[single]
        first = np.flatnonzero(np.r_[True, area[1:] != area[:-1]])
        row = np.cumsum(np.r_[True, area[1:] != area[:-1]]) - 1
        position = np.arange(len(single)) - first[row]
        levels = np.full((len(first), int(position.max()) + 1), -1, dtype="int64")
        levels[row, position] = single
        return levels


class _Program:
    """The reader's integer program over one component of unknown cells: each quantity of each
    unknown is a whole number (hidden: at least its lower bound, otherwise at least 0); every
    equation holds with the known cells moved to the right; a numerator is at most its
    denominator.

    Solved as a linear program by HiGHS (highspy), kept loaded between objectives so each solve
    starts from the last basis (a fraction of a millisecond). A vertex that is whole numbers is
    the integer optimum too (the area relations are two nested families, a totally unimodular
    matrix, so this is the usual case); otherwise scipy's ``milp`` solves it as an integer
    program."""

    def __init__(
        self,
        cells: np.ndarray,
        equations: list[tuple[int, np.ndarray]],
        q: np.ndarray,
        known: np.ndarray,
        hidden: np.ndarray,
        public: np.ndarray,
        lower: np.ndarray,
    ) -> None:
        self.cells = cells
        self.columns = q.shape[1]
        where = {int(c): k for k, c in enumerate(cells)}
        unknown = (hidden & ~public) | ~known
        rows, cols, vals, rhs = [], [], [], []
        r = 0
        for p, cs in equations:
            members = np.concatenate(([p], cs))
            signs = np.concatenate(([1.0], np.full(len(cs), -1.0)))
            for j in range(self.columns):
                constant = 0.0
                for m, sign in zip(members.tolist(), signs.tolist(), strict=True):
                    if unknown[m]:
                        rows.append(r)
                        cols.append(where[m] * self.columns + j)
                        vals.append(sign)
                    else:
                        constant += sign * q[m, j]
                rhs.append(-constant)
                r += 1
        n_vars = len(cells) * self.columns
        low, high = list(rhs), list(rhs)
        if self.columns == 2:
            for k in range(len(cells)):
                rows += [r, r]
                cols += [2 * k, 2 * k + 1]
                vals += [1.0, -1.0]
                low.append(-np.inf)
                high.append(0.0)
                r += 1
        self.matrix = coo_array((vals, (rows, cols)), shape=(r, n_vars)).tocsc()
        self.row_lower = np.array(low, dtype="float64")
        self.row_upper = np.array(high, dtype="float64")
        self.lower = lower.reshape(-1).astype("float64")
        self.n_vars = n_vars
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        lp = highspy.HighsLp()
        lp.num_col_ = n_vars
        lp.num_row_ = r
        lp.col_cost_ = np.zeros(n_vars)
        lp.col_lower_ = self.lower
        lp.col_upper_ = np.full(n_vars, _BIG)
        lp.row_lower_ = np.where(np.isinf(self.row_lower), -highspy.kHighsInf, self.row_lower)
        lp.row_upper_ = self.row_upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = self.matrix.indptr
        lp.a_matrix_.index_ = self.matrix.indices
        lp.a_matrix_.value_ = self.matrix.data
        self.highs.passModel(lp)
        self.everything = np.arange(n_vars, dtype=np.int32)

    def solve(self, k: int, j: int, *, maximise: bool) -> np.ndarray | None:
        """A feasible point (cells × quantities) with quantity j of cell k as high (low) as it can
        go, or None if the solver finds none."""
        weights = np.zeros((len(self.cells), self.columns))
        weights[k, j] = 1.0 if maximise else -1.0
        return self.solve_weighted(weights)

    def solve_weighted(self, weights: np.ndarray) -> np.ndarray | None:
        """A whole-number feasible point maximising the weighted sum of the quantities
        (cells × quantities), or None if the solver finds none."""
        cost = -weights.reshape(-1).astype("float64")
        self.highs.changeColsCost(self.n_vars, self.everything, cost)
        self.highs.run()
        if self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            x = np.asarray(self.highs.getSolution().col_value)
            if np.abs(x - np.round(x)).max(initial=0.0) < 1e-6:
                return np.round(x).reshape(len(self.cells), self.columns)
        result = milp(
            cost,
            constraints=[LinearConstraint(self.matrix, self.row_lower, self.row_upper)],
            integrality=np.ones(self.n_vars),
            bounds=Bounds(self.lower, np.full(self.n_vars, _BIG)),
        )
        if result.x is None:
            return None
        return np.round(result.x).reshape(len(self.cells), self.columns)


def _components(size: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of the graph with edges a[k]-b[k] over nodes 0..size-1: each node's
    label is the smallest node of its component."""
    label = np.arange(size)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            return label
        label = new


def _describe(cell: tuple[str, int, int]) -> str:
    area, start, end = cell
    start_text = f"{start // 12}-{start % 12 + 1:02d}"
    end_text = f"{end // 12}-{end % 12 + 1:02d}"
    return f"{area} {start_text}" + ("" if end == start else f"–{end_text}")
