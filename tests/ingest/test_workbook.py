"""Excel workbooks (.xlsx) saved by LibreOffice read as their CSVs are, and the refusals (zip bomb,
lying sizes, too many rows, encryption, no header) made within bounded memory."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from ingest import workbook
from ingest.pipeline import check_upload, ingest_upload
from ingest.reader import read_upload
from storage import load_observations
from tests.conftest import FIXTURES, TODAY

ROOT = Path(__file__).resolve().parents[2]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def whole_file_message(data: bytes, name: str = "f.xlsx", **kw) -> str:
    read = read_upload(data, name, **kw)
    assert not read.readable and read.rows.empty
    assert [e.row for e in read.errors] == [None]
    return read.errors[0].message


@pytest.mark.parametrize("stem", ["seed", "excel_sv_cp1252"])
def test_a_workbook_saved_by_libreoffice_checks_as_its_csv(stem, catalog):
    from_csv = check_upload(fixture(f"{stem}.csv"), f"{stem}.csv", catalog, today=TODAY)
    from_xlsx = check_upload(fixture(f"{stem}.xlsx"), f"{stem}.xlsx", catalog, today=TODAY)
    assert from_csv.ok and from_xlsx.ok, from_xlsx.errors
    pd.testing.assert_frame_equal(from_xlsx.frame, from_csv.frame)
    assert from_xlsx.sheet == stem
    # LibreOffice, as Excel, stores 0180 as the number 180: the zero is put back and said so.
    assert any("180 → 0180" in a for a in from_xlsx.assumptions)


def test_a_committed_workbook_stores_what_its_csv_stores(fresh_db, tmp_path, catalog):
    from storage import open_database

    other = open_database(tmp_path / "csv.duckdb")
    other.create()
    for db, name in ((fresh_db, "seed.xlsx"), (other, "seed.csv")):
        report = ingest_upload(db, fixture(name), name, user="eva", today=TODAY, catalog=catalog)
        assert (report.status, report.inserted) == ("committed", 7)
    columns = ["indicator_id", "area_code", "period", "value", "denominator", "status"]
    pd.testing.assert_frame_equal(
        load_observations(fresh_db)[columns], load_observations(other)[columns]
    )


def test_dates_numbers_and_formulas_are_read_as_excel_stores_them(catalog):
    # formler.csv typed into LibreOffice with its formulas evaluated (=40+2, =100+20) and
    # 2026-03-01 recognised as a date, saved as .xlsx: the cached values and the month are read.
    checked = check_upload(fixture("formler.xlsx"), "formler.xlsx", catalog, today=TODAY)
    assert checked.ok, checked.errors
    frame = checked.frame.set_index("indicator_id")
    assert frame.loc["reported_rape", "value"] == 42
    assert frame.loc["clearance_rape", ["value", "denominator"]].tolist() == [15, 120]
    assert frame.loc["lead_time_days", "value"] == 101.5
    assert set(frame["period"]) == {pd.Timestamp("2026-03-01")}
    read = read_upload(fixture("formler.xlsx"), "formler.xlsx")
    assert set(read.rows["period"]) == {"2026-03"}  # a month stored as a date is YYYY-MM


def test_the_sheet_with_a_header_is_found_below_a_title_and_a_named_sheet_is_read(catalog):
    data = fixture("flera_blad.xlsx")  # sheets "Läs mig" (text) and "Data" (title, header row 3)
    found = check_upload(data, "flera_blad.xlsx", catalog, today=TODAY)
    named = check_upload(data, "flera_blad.xlsx", catalog, today=TODAY, sheet="data")
    for checked in (found, named):
        assert checked.ok and checked.sheet == "Data", checked.errors
        assert checked.frame["value"].tolist() == [7, 14]  # 14 is the formula =D4*2's value
        assert any("Rubrikraden är rad 3" in a for a in checked.assumptions)
        assert any("datumnummer, t.ex. 46082 = 2026-03-01" in a for a in checked.assumptions)
    message = whole_file_message(data, sheet="Saknas")
    assert message == (
        "Arbetsboken har inget blad som heter ”Saknas”. Bladen heter: ”Läs mig”, ”Data”."
    )
    assert "ingen rubrikrad som känns igen" in whole_file_message(data, sheet="Läs mig")


def test_a_sheet_without_a_recognisable_header_is_refused():
    message = whole_file_message(fixture("utan_rubrik.xlsx"))
    assert message.startswith("Bladet ”utan_rubrik” har ingen rubrikrad som känns igen")
    assert "(rad 1) är: Rapport." in message


def test_an_encrypted_workbook_is_refused():
    # LibreOffice's seed.xlsx encrypted as Excel does (msoffcrypto-tool 5.4.2, agile encryption).
    message = whole_file_message(fixture("seed_krypterad.xlsx"))
    assert message.startswith("Arbetsboken är krypterad (skyddad med lösenord)")


def test_an_old_xls_and_a_non_workbook_zip_are_refused():
    cfb = workbook.CFB_MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le")
    assert "äldre Excel-arbetsbok (.xls)" in whole_file_message(cfb, "f.xls")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert "ingen Excel-arbetsbok" in whole_file_message(buffer.getvalue())
    assert "trasig eller avkortad" in whole_file_message(b"PK\x03\x04 rest of a zip")


def _with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with `member`'s uncompressed size rewritten in its local and central headers."""
    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    local = info.header_offset
    assert out[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", out, local + 22, size)
    central = out.find(b"PK\x01\x02" + out[local + 4 : local + 8])
    name = member.encode()
    while out[central + 46 : central + 46 + len(name)] != name:
        central = out.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", out, central + 24, size)
    return bytes(out)


def _sheet_zip(body: bytes, level: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", body)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_declared_size_and_ratio():
    # zip_bomb.xlsx: 1 MB holding a 1 GB sheet (written once with zipfile, 1 024 × 1 MB).
    message = whole_file_message(fixture("zip_bomb.xlsx"))
    assert message.startswith("Arbetsboken är för stor för att läsas (1\u00a0024 MB uppackad")
    bomb = _sheet_zip(b"<row>" + b" " * (20 << 20), level=9)  # 20 MB of spaces, ~1 000×
    assert "packas upp" in whole_file_message(bomb) and "zip-bomb" in whole_file_message(bomb)


def test_a_member_that_lies_about_its_size_is_not_unpacked_beyond_it():
    honest = _sheet_zip(b"<row>" + b"x" * 4_000_000)
    lying = _with_declared_size(honest, "xl/worksheets/sheet1.xml", 1_000)
    assert "trasig eller avkortad" in whole_file_message(lying)


def test_a_sheet_over_the_row_limit_is_refused_before_it_is_read():
    rows = b"".join(b'<row r="%d"/>' % n for n in range(1, workbook.MAX_ROWS + 2))
    message = whole_file_message(_sheet_zip(b"<sheetData>" + rows + b"</sheetData>"))
    assert "har mer än 300\u00a0000 rader" in message


def test_rows_are_counted_across_chunk_boundaries():
    # Every <row cut at a different place by the 64 KB chunks: the count is exact.
    body = b"".join(b"<row>" + b"." * (n % 97) + b"</row>" for n in range(40_000))
    archive = zipfile.ZipFile(io.BytesIO(_sheet_zip(body)))
    assert workbook._stream(archive, archive.getinfo("xl/worksheets/sheet1.xml")) == 40_000


CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from ingest.reader import read_upload
    read_upload(open(sys.argv[1], "rb").read(), "seed.xlsx")  # warm: the code is loaded
    out = []
    for path in sys.argv[2:]:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        read = read_upload(open(path, "rb").read(), "bomb.xlsx")
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out.append({"extra_kb": after - before, "errors": [e.message for e in read.errors]})
    print(json.dumps(out))
    """
)


def test_a_zip_bomb_is_refused_within_bounded_memory(tmp_path):
    """Measured in a child process: the peak resident memory grows by less than 40 MB while a
    workbook that unpacks to 1 GB is refused, whether its headers say so or claim 5 000 bytes
    (then only those are unpacked). Read whole, it would need more than 1 GB."""
    declared = fixture("zip_bomb.xlsx")
    lying = _with_declared_size(declared, "xl/worksheets/sheet1.xml", 5_000)
    paths = []
    for name, data in (("declared.xlsx", declared), ("lying.xlsx", lying)):
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(FIXTURES / "seed.xlsx"), *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    declared_result, lying_result = json.loads(done.stdout)
    assert "för stor för att läsas" in declared_result["errors"][0]
    assert "trasig eller avkortad" in lying_result["errors"][0]
    for result in (declared_result, lying_result):
        assert len(result["errors"]) == 1
        assert result["extra_kb"] < 40 * 1024, result
