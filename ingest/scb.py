"""SCB's population by region, year, sex and age (PxWeb CSV or JSON-stat 2) read as the population
table's rows: inhabitants per area, year, sex (all/women/men) and age band (all/0-17/18+).

Recognised by shape, not by name: a JSON-stat 2 dataset (`"class": "dataset"`, `id`, `size`,
`dimension`, `value`) with a region and a time dimension, or a PxWeb CSV whose header starts with
`region` and has year columns (`"2024"` or `"Folkmängd 2024"`) or an `år` column. Regions are
read through the catalog: a municipality code the catalog knows is that area, a code in
`scb_ignored_regions` (riket, Stockholms län: not an area of Lägesbild, whose region includes
Gotland) is skipped and counted, anything else is an error naming it. Ages must be single
years (`0 år` … `100+ år`, JSON codes `0` … `100+`) or the total, so that 0–17 and 18+ are
sums, never guesses; a band like `15-19 år` is an error. `..` is a missing figure, not zero: a
group with one is not stored, and the file is refused naming it. The region (STHLM) and a
police area are stored as the sum of their municipalities only where every one of them is in
the file (a police area sharing Stockholm's split, which SCB does not publish, is never summed).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from i18n import Message
from metrics.catalog import Catalog
from metrics.population import COLUMNS

SOURCE_CSV = "SCB PxWeb CSV"
SOURCE_JSONSTAT = "SCB JSON-stat 2"
MISSING = ("..", "...", "")
NOT_AN_UPLOAD = Message("scb_not_an_upload")
LISTED = 5


@dataclass
class PopulationFile:
    """The population rows read from a file (metrics.population.COLUMNS), or what is wrong."""

    source_format: str
    frame: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(COLUMNS)))
    errors: list[Message] = field(default_factory=list)
    assumptions: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.frame.empty


@dataclass(frozen=True)
class _Cell:
    region: str  # the region as written ("0114 Upplands Väsby" or "0114")
    code: str  # its code ("0114")
    year: int
    sex: str  # all | women | men
    age: str  # "total" or a single year "0".."99" or "100+"
    value: float | None  # None where SCB writes ".."
    where: Message  # "Rad 5" or "Värde 12"


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).strip().strip('"').strip().lower())


# ------------------------------------------------------------------------------- recognising


def recognise(data: bytes) -> str | None:
    """SOURCE_JSONSTAT, SOURCE_CSV or None, from the file's shape (first bytes only for CSV)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \r\n\t")
    if head.startswith(b"{"):
        try:
            obj = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            return None
        return SOURCE_JSONSTAT if _is_jsonstat(obj) else None
    text = _decode(data[:4096])
    return SOURCE_CSV if _csv_header(text.splitlines()) is not None else None


def _is_jsonstat(obj: object) -> bool:
    if not isinstance(obj, dict) or obj.get("class") != "dataset":
        return False
    if not all(k in obj for k in ("id", "size", "dimension", "value")):
        return False
    roles = {_role(d, obj) for d in obj["id"]} if isinstance(obj["id"], list) else set()
    return {"region", "year"} <= roles


def _decode(data: bytes) -> str:
    from ingest.reader import UnreadableText, decode_bytes

    try:
        return decode_bytes(data)[0]
    except UnreadableText:
        return ""


_YEAR_COLUMN = re.compile(r"^(?:.*\s)?(\d{4})$")
_DIMENSIONS = {"ålder", "alder", "age", "kön", "kon", "sex", "år", "tid", "year"}


def _csv_header(lines: list[str]) -> tuple[int, str, list[str]] | None:
    """(index of the header line, delimiter, its cells) for a PxWeb CSV, else None. A title line
    and blank lines before the header (PxWeb's "med rubrik") are allowed."""
    for index, line in enumerate(lines[:5]):
        for delimiter in (",", ";", "\t"):
            cells = next(csv.reader([line], delimiter=delimiter), [])
            folded = [_fold(c) for c in cells]
            if len(folded) < 2 or folded[0] != "region":
                continue
            # Year columns (PxWeb's wide form), or an år column with only SCB's dimensions
            # before the value: a BRÅ export (Region;Brott;År;Period;…) is neither.
            if any(_YEAR_COLUMN.match(c) for c in folded[1:]):
                return index, delimiter, cells
            if ("år" in folded or "tid" in folded) and all(c in _DIMENSIONS for c in folded[1:-1]):
                return index, delimiter, cells
    return None


# --------------------------------------------------------------------------------- reading


_SEX = {
    "män": "men",
    "man": "men",
    "1": "men",
    "kvinnor": "women",
    "kvinna": "women",
    "2": "women",
    "totalt": "all",
    "totalt, samtliga män och kvinnor": "all",
    "män och kvinnor": "all",
    "samtliga": "all",
    "1+2": "all",
}
_AGE_TOTAL = {
    "totalt ålder",
    "totalt",
    "samtliga åldrar",
    "tot",
    "totsa",
    "totalt, samtliga åldrar",
}
_AGE = re.compile(r"^(\d{1,3})(\+)?(?:\s*år)?$")


def _age(text: str) -> str | None:
    folded = _fold(text)
    if folded in _AGE_TOTAL:
        return "total"
    match = _AGE.match(folded)
    if match is None:
        return None
    return f"{int(match.group(1))}{'+' if match.group(2) else ''}"


def _region_code(text: str) -> str:
    """ "0114 Upplands Väsby" → "0114"; "01 Stockholms län" → "01"; a bare code stays."""
    first = str(text).strip().split(" ", 1)[0]
    return first if first.isdigit() else str(text).strip()


def _number(text: str) -> float | None | str:
    """A count as SCB writes it ("1 234", "1234"); None for ".."; the text itself if neither."""
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if cleaned in MISSING:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return str(text)


def _read_csv(data: bytes, errors: list[Message]) -> list[_Cell]:
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    found = _csv_header(lines)
    if found is None:
        errors.append(Message("scb_no_header"))
        return []
    index, delimiter, header = found
    folded = [_fold(c) for c in header]
    dims = {"region": 0}
    years: dict[int, int] = {}
    for position, name in enumerate(folded[1:], start=1):
        if name in ("ålder", "alder", "age"):
            dims["age"] = position
        elif name in ("kön", "kon", "sex"):
            dims["sex"] = position
        elif name in ("år", "tid", "year"):
            dims["year"] = position
        elif (match := _YEAR_COLUMN.match(name)) and "year" not in dims:
            years[position] = int(match.group(1))
        elif "year" in dims and position == len(folded) - 1:
            dims["value"] = position
        else:
            errors.append(Message("scb_other_column", column=header[position].strip()))
    if errors:
        return []
    cells: list[_Cell] = []
    for number, line in enumerate(lines[index + 1 :], start=index + 2):
        if not line.strip():
            continue
        row = next(csv.reader([line], delimiter=delimiter), [])
        if len(row) != len(header):
            errors.append(
                Message("scb_row_fields", row=number, fields=len(row), header=len(header))
            )
            continue
        region = row[0].strip()
        base = {
            "region": region,
            "code": _region_code(region),
            "sex": row[dims["sex"]] if "sex" in dims else "totalt",
            "age": row[dims["age"]] if "age" in dims else "totalt",
            "where": Message("scb_where_row", row=number),
        }
        if "year" in dims:
            pairs = [(row[dims["year"]], row[dims.get("value", len(row) - 1)])]
        else:
            pairs = [(str(year), row[position]) for position, year in years.items()]
        for year_text, value_text in pairs:
            cells.append(_cell(base, year_text, value_text, errors))
    return [c for c in cells if c is not None]


def _cell(base: dict, year_text: str, value_text: str, errors: list[Message]) -> _Cell | None:
    where = base["where"]
    sex = _SEX.get(_fold(base["sex"]))
    age = _age(base["age"])
    year = re.search(r"(\d{4})$", str(year_text).strip())
    value = _number(value_text)
    if sex is None:
        errors.append(Message("scb_sex_unknown", where=where, sex=base["sex"]))
        return None
    if age is None:
        errors.append(Message("scb_age_band", where=where, age=base["age"]))
        return None
    if year is None and re.fullmatch(r"\d{4}\s*[MKQ]\s*\d{1,2}", str(year_text).strip()):
        errors.append(Message("scb_not_yearly", where=where, period=year_text))
        return None
    if year is None:
        errors.append(Message("scb_year_unknown", where=where, year=year_text))
        return None
    if isinstance(value, str):
        errors.append(Message("scb_not_a_number", where=where, value=value))
        return None
    return _Cell(base["region"], base["code"], int(year.group(1)), sex, age, value, where)


_ROLES = {
    "region": ("region",),
    "year": ("tid", "år", "year", "time"),
    "sex": ("kon", "kön", "sex"),
    "age": ("alder", "ålder", "age"),
    "content": ("contentscode", "tabellinnehåll", "contents"),
}


def _role(dim_id: str, obj: dict) -> str | None:
    label = _fold(obj.get("dimension", {}).get(dim_id, {}).get("label", ""))
    for role, names in _ROLES.items():
        if _fold(dim_id) in names or label in names:
            return role
    if dim_id in (obj.get("role", {}) or {}).get("time", []):
        return "year"
    if dim_id in (obj.get("role", {}) or {}).get("metric", []):
        return "content"
    return None


def _read_jsonstat(data: bytes, errors: list[Message]) -> list[_Cell]:
    obj = json.loads(data.decode("utf-8-sig"))
    ids, sizes = list(obj["id"]), list(obj["size"])
    if len(ids) != len(sizes):
        errors.append(Message("scb_jsonstat_ids"))
        return []
    categories: list[list[tuple[str, str]]] = []
    roles: list[str | None] = []
    for dim_id, size in zip(ids, sizes, strict=True):
        category = obj["dimension"].get(dim_id, {}).get("category", {})
        index = category.get("index", {})
        order = sorted(index, key=index.get) if isinstance(index, dict) else list(index)
        labels = category.get("label", {})
        if not order and size == 1 and labels:
            order = list(labels)
        if len(order) != size:
            errors.append(
                Message("scb_jsonstat_size", dimension=dim_id, categories=len(order), size=size)
            )
            return []
        categories.append([(code, str(labels.get(code, code))) for code in order])
        role = _role(dim_id, obj)
        roles.append(role)
        if role is None and size > 1:
            label = obj["dimension"][dim_id].get("label", dim_id)
            errors.append(Message("scb_other_dimension", dimension=label))
        if role == "content":
            names = {_fold(label) for _, label in categories[-1]}
            if size > 1 or not any("folkmängd" in n for n in names):
                contents = ", ".join(f"”{label}”" for _, label in categories[-1])
                errors.append(Message("scb_not_population", contents=contents))
    if errors:
        return []
    values = obj["value"]
    total = 1
    for size in sizes:
        total *= size
    if isinstance(values, dict):
        values = [values.get(str(i)) for i in range(total)]
    if len(values) != total:
        errors.append(Message("scb_jsonstat_values", values=len(values), cells=total))
        return []
    cells: list[_Cell] = []
    for flat, value in enumerate(values):
        picked, rest = {}, flat
        for position in range(len(ids) - 1, -1, -1):
            rest, i = divmod(rest, sizes[position])
            picked[roles[position]] = categories[position][i]
        code, label = picked["region"]
        base = {
            "region": f"{code} {label}" if label != code else code,
            "code": code,
            "sex": picked["sex"][0] if "sex" in picked else "totalt",
            "age": picked["age"][0] if "age" in picked else "totalt",
            "where": Message("scb_where_value", position=flat + 1),
        }
        text = "" if value is None else str(value)
        cells.append(_cell(base, picked["year"][0], text, errors))
    return [c for c in cells if c is not None]


# ------------------------------------------------------------------------------ aggregating


def read_population(data: bytes, file_name: str, catalog: Catalog) -> PopulationFile:
    """The file's rows as population rows (checked further by check_population_frame)."""
    kind = recognise(data)
    result = PopulationFile(source_format=kind or "")
    if kind is None:
        result.errors.append(Message("scb_not_population_file"))
        return result
    try:
        cells = (
            _read_jsonstat(data, result.errors)
            if kind == SOURCE_JSONSTAT
            else _read_csv(data, result.errors)
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        result.errors.append(Message("scb_unreadable", kind=kind, error=type(exc).__name__))
        return result
    if result.errors:
        return _listed(result)
    if not cells:
        result.errors.append(Message("scb_no_values"))
        return result

    known = {a.code for a in catalog.areas if a.level == "municipality"}
    ignored = set(catalog.scb_ignored_regions)
    skipped: dict[str, int] = defaultdict(int)
    unknown: dict[str, list[str]] = defaultdict(list)
    groups: dict[tuple[str, int, str], dict[str, _Cell]] = defaultdict(dict)
    for cell in cells:
        if cell.code in ignored:
            skipped[cell.region] += 1
            continue
        if cell.code not in known:
            unknown[cell.region].append(cell.where)
            continue
        key = (cell.code, cell.year, cell.sex)
        if cell.age in groups[key]:
            result.errors.append(
                Message("scb_twice", where=cell.where, region=cell.region, year=cell.year)
            )
            continue
        groups[key][cell.age] = cell
    for region, where in unknown.items():
        shown = ", ".join(str(w) for w in where[:LISTED]) + (" …" if len(where) > LISTED else "")
        result.errors.append(
            Message("scb_region_unmapped", region=region, n=len(where), where=shown)
        )
    for region, n in skipped.items():
        result.assumptions.append(Message("scb_region_skipped", region=region, n=n))

    rows: dict[tuple[str, int, str, str], int] = {}
    for (code, year, sex), ages in groups.items():
        for band, value in _bands(ages, f"{code} {year} {sex}", result.errors).items():
            rows[(code, year, sex, band)] = value
    # Both sexes from women + men where the file has no total of its own.
    for code, year, sex, band in list(rows):
        if (
            sex == "women"
            and (code, year, "all", band) not in rows
            and (code, year, "men", band) in rows
        ):
            rows[(code, year, "all", band)] = (
                rows[(code, year, "women", band)] + rows[(code, year, "men", band)]
            )
    if result.errors:
        return _listed(result)
    _add_sums(rows, catalog, result)
    year_source = {y: str(Message("scb_source", year=y, file=file_name)) for (_, y, _, _) in rows}
    summed_note = str(Message("scb_source_summed"))
    result.frame = pd.DataFrame(
        [
            {
                "area_code": code,
                "year": year,
                "sex": sex,
                "age_band": band,
                "inhabitants": value,
                "estimate": False,
                "source": year_source[year] + (summed_note if not code.isdigit() else ""),
            }
            for (code, year, sex, band), value in sorted(rows.items())
        ],
        columns=list(COLUMNS),
    )
    if result.frame.empty and not result.errors:
        result.errors.append(Message("scb_no_municipalities"))
    return result


def _bands(ages: dict[str, _Cell], what: str, errors: list[Message]) -> dict[str, int]:
    """all / 0-17 / 18+ from one sex's ages; errors for a missing figure or a gap in the ages."""
    missing = [c for c in ages.values() if c.value is None]
    if missing:
        cell = missing[0]
        errors.append(
            Message("scb_missing_value", where=cell.where, region=cell.region, year=cell.year)
        )
        return {}
    out: dict[str, int] = {}
    if "total" in ages:
        out["all"] = int(ages["total"].value)
    single = {int(a.rstrip("+")): c for a, c in ages.items() if a != "total"}
    if not single:
        return out
    open_end = [a for a in ages if a.endswith("+")]
    top = max(single)
    gaps = [a for a in range(0, top) if a not in single]
    if gaps or not open_end:
        cell = next(iter(ages.values()))
        shown = ", ".join(map(str, gaps[:10])) + (" …" if len(gaps) > 10 else "")
        key = "scb_ages_missing" if gaps else "scb_open_age_missing"
        errors.append(Message(key, region=cell.region, year=cell.year, ages=shown))
        return out
    out["0-17"] = int(sum(single[a].value for a in range(0, 18)))
    out["18+"] = int(sum(c.value for a, c in single.items() if a >= 18))
    out.setdefault("all", out["0-17"] + out["18+"])
    return out


def _add_sums(rows: dict, catalog: Catalog, result: PopulationFile) -> None:
    """The region and each police area as the sum of their municipalities, where all are here
    and none of them is shared with another police area (Stockholm's split is not published)."""
    municipalities = [a for a in catalog.areas if a.level == "municipality"]
    parts: dict[str, list[str]] = {}
    region = next((a.code for a in catalog.areas if a.level == "region"), None)
    if region:
        parts[region] = [a.code for a in municipalities]
    shared = {p for a in municipalities for p in a.spans}
    for police in (a for a in catalog.areas if a.level == "police_area"):
        if police.code not in shared:
            parts[police.code] = [a.code for a in municipalities if a.police_area == police.code]
    keys = {(y, s, b) for (_, y, s, b) in rows}
    summed = set()
    for area, codes in parts.items():
        for year, sex, band in keys:
            if codes and all((c, year, sex, band) in rows for c in codes):
                rows[(area, year, sex, band)] = sum(rows[(c, year, sex, band)] for c in codes)
                summed.add(area)
    if summed:
        names = ", ".join(catalog.area(a).name_sv for a in sorted(summed))
        result.assumptions.append(Message("scb_summed", areas=names))


def _listed(result: PopulationFile) -> PopulationFile:
    if len(result.errors) > 50:
        more = len(result.errors) - 50
        result.errors = [*result.errors[:50], Message("scb_more_problems", n=more)]
    return result
