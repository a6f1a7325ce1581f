"""Upload and history pages, driven from dashboard.py: preview first, store on the second click, undo."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest


def shown(markdown: str) -> str:
    """Markdown as a person reads it: user text is escaped (metrics/text.py)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
UPLOAD, HISTORY = "pages/upload.py", "pages/history.py"
LABEL = "Anmälda brott mot kvinnor i parrelation"

NEW_ROWS = (
    b"indicator_id,period,area_code,value,denominator,status\n"
    b"reported_rape,2026-04,STHLM,61,,final\n"
    b"reported_rape,2026-05,STHLM,58,,preliminary\n"
    b"clearance_rape,2026-04,STHLM,14,120,final\n"
)


def revision(value: int) -> bytes:
    """A file that revises seed.csv's January value for the region (740) to `value`."""
    return (
        "indikator;månad;område;värde;status\n"
        f"reported_partner_violence_women;2026-01;STHLM;{value};slutlig\n"
    ).encode("cp1252")


@pytest.fixture
def seeded_path(tmp_path):
    """A database file holding tests/fixtures/seed.csv as upload #1 (seven values)."""
    from ingest.pipeline import ingest_upload
    from storage import open_database

    path = tmp_path / "upload.duckdb"
    db = open_database(path, busy_timeout=5)
    db.create()
    seed = (FIXTURES / "seed.csv").read_bytes()
    assert ingest_upload(db, seed, "seed.csv", user="test").status == "committed"
    return path


@pytest.fixture
def app(monkeypatch, seeded_path):
    """AppTest from dashboard.py on the seeded database, as an analyst unless `role` says else."""

    def make(role: str = "analyst", lang: str = "sv", db_path: Path | None = None) -> AppTest:
        monkeypatch.setenv("LAGESBILD_DB", str(db_path or seeded_path))
        monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", role)
        monkeypatch.setenv("LAGESBILD_LOCAL_USER", "anna")
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        return at

    return make


def db(path: Path):
    from storage import open_database

    return open_database(path, busy_timeout=5)


def stored_value(path: Path, indicator: str, area: str, month: str) -> float | None:
    from storage import load_observations

    obs = load_observations(db(path), indicator_ids=[indicator], area_codes=[area])
    hit = obs[obs["period"] == pd.Timestamp(month + "-01")]
    return None if hit.empty else float(hit["value"].iloc[0])


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.switch_page(UPLOAD).run()
    at.file_uploader(key="upload_files").set_value([(n, b, "text/csv") for n, b in files]).run()
    assert not at.exception, at.exception
    return at


def commit_button(at: AppTest):
    buttons = [b for b in at.button if (b.key or "").startswith("commit_")]
    return buttons[0] if buttons else None


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in (*at.error, *at.info, *at.success, *at.warning)]
    return "\n".join(str(p) for p in parts)


def commit(at: AppTest) -> AppTest:
    commit_button(at).click().run()
    assert not at.exception, at.exception
    return at


def test_good_file_is_previewed_and_stored_only_on_the_second_click(app, seeded_path):
    from storage import count_observations, list_uploads

    at = upload(app(), ("april.csv", NEW_ROWS))
    assert metrics(at) == {"Nya värden": "3", "Reviderade värden": "0", "Oförändrade värden": "0"}
    assert "Teckenkodning UTF-8, avgränsare kommatecken, 3 rader data" in texts(at)
    new = at.dataframe[0].value
    assert list(new["Indikator"]) == ["Anmälda våldtäkter", "Personuppklaring, våldtäkt"]
    assert list(new["Från"]) == ["2026-04", "2026-04"] and list(new["Till"]) == [
        "2026-05",
        "2026-04",
    ]
    assert list(new["Nya värden"]) == [2, 1]
    assert commit_button(at).label == "Spara 3 värden"
    assert count_observations(db(seeded_path)) == 7  # nothing stored by the preview
    assert len(list_uploads(db(seeded_path))) == 1

    commit(at)
    assert count_observations(db(seeded_path)) == 10
    assert stored_value(seeded_path, "reported_rape", "STHLM", "2026-05") == 58
    assert "Sparat som uppladdning #2" in at.success[0].value
    assert list_uploads(db(seeded_path))["user_name"].iloc[0] == "anna"
    assert commit_button(at) is None  # one click stores once
    assert any(b.label == "Visa i uppladdningshistoriken" for b in at.button)


def test_bad_file_lists_every_problem_by_row_and_column_and_stores_nothing(app, seeded_path):
    from storage import count_observations

    at = upload(app(), ("broken.csv", (FIXTURES / "broken.csv").read_bytes()))
    assert "Inget har sparats" in at.error[0].value
    problems = at.dataframe[0].value
    assert list(problems.columns) == ["Rad (som i Excel)", "Kolumn", "Värde", "Vad du behöver göra"]
    by_row = {int(r): (c, v) for r, c, v in problems.iloc[:, :3].itertuples(index=False)}
    assert by_row[2] == ("indicator_id", "reported_rapes")  # the header as written in the file
    assert by_row[3][0] == "period" and by_row[4] == ("area_code", "0999")
    assert by_row[5] == ("value", "-3")
    assert problems["Vad du behöver göra"].str.len().min() > 20  # says what to do
    assert commit_button(at) is None
    assert any(b.label.startswith("Ladda ner problemlistan") for b in at.download_button)
    assert count_observations(db(seeded_path)) == 7


def test_revision_is_shown_old_to_new_then_stored_with_the_old_value_kept(app, seeded_path):
    from storage import cell_history

    at = upload(app(), ("jan.csv", revision(745)))
    assert metrics(at)["Reviderade värden"] == "1"
    assert "Revideringar: tidigare → nytt värde" in texts(at)
    table = at.dataframe[0].value
    assert table.iloc[0].to_dict() == {
        "Indikator": LABEL,
        "Område": "Region Stockholm",
        "Period": "2026-01",
        "Tidigare": "740",
        "Nytt": "745",
        "Status": "slutlig",
    }
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 740

    commit(at)
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 745
    history = cell_history(db(seeded_path), "reported_partner_violence_women", "STHLM")
    assert (history["old_value"].iloc[0], history["new_value"].iloc[0]) == (740, 745)


def test_the_same_file_again_changes_nothing_and_offers_no_button(app):
    at = upload(app(), ("seed.csv", (FIXTURES / "seed.csv").read_bytes()))
    assert "Inga ändringar: filen är redan inläst." in texts(at)
    assert commit_button(at) is None


def test_several_files_are_previewed_one_by_one(app):
    at = upload(
        app(), ("april.csv", NEW_ROWS), ("broken.csv", (FIXTURES / "broken.csv").read_bytes())
    )
    assert [shown(s.value) for s in at.subheader] == ["april.csv", "broken.csv"]
    assert len(at.status) == 2
    assert commit_button(at).label == "Spara 3 värden"
    assert "Inget har sparats" in at.error[0].value


def test_a_long_problem_list_shows_the_first_thousand_and_offers_the_rest(app):
    rows = "".join(f"reported_rape,2026-03,X{n},1\n" for n in range(1500))
    at = upload(app(), ("lang.csv", ("indicator_id,period,area_code,value\n" + rows).encode()))
    problems = at.dataframe[0].value
    assert len(problems) == 1000
    # At most 1 000 problems are listed, after one saying there were more.
    assert problems["Vad du behöver göra"].iloc[0].startswith("Fler än 1\u00a0000 problem")
    assert "Visar de första 1\u00a0000 av 1\u00a0001 raderna" in texts(at)


def test_the_first_upload_goes_into_an_empty_database(app, tmp_path):
    from storage import count_observations, list_uploads

    empty = tmp_path / "empty.duckdb"
    db(empty).create()  # as `manage.py init`: the dashboard creates no database
    at = upload(app(db_path=empty), ("april.csv", NEW_ROWS))
    assert metrics(at)["Nya värden"] == "3"
    commit(at)
    assert count_observations(db(empty)) == 3 and len(list_uploads(db(empty))) == 1


def test_an_empty_history_says_so(app, tmp_path):
    empty = tmp_path / "empty.duckdb"
    db(empty).create()
    at = app(db_path=empty)
    at.switch_page(HISTORY).run()
    assert not at.exception
    assert "Inga uppladdningar ännu." in texts(at)


def test_an_excel_workbook_is_previewed_and_stored_like_its_csv(app, tmp_path):
    from storage import load_observations

    empty = tmp_path / "empty.duckdb"
    db(empty).create()
    at = upload(app(db_path=empty), ("seed.xlsx", (FIXTURES / "seed.xlsx").read_bytes()))
    assert metrics(at) == {"Nya värden": "7", "Reviderade värden": "0", "Oförändrade värden": "0"}
    assert "Excel-arbetsbok (.xlsx), bladet ”seed”, 7 rader data" in shown(texts(at))
    commit(at)
    assert len(load_observations(db(empty))) == 7


def test_a_broken_or_encrypted_workbook_is_refused_with_what_to_do(app):
    encrypted = (FIXTURES / "seed_krypterad.xlsx").read_bytes()
    at = upload(app(), ("mars.xlsx", b"PK\x03\x04 not a workbook"), ("hemlig.xlsx", encrypted))
    for table, expected in zip(at.dataframe, ("trasig eller avkortad", "krypterad"), strict=True):
        problems = table.value
        assert problems["Rad (som i Excel)"].isna().all()  # the whole file, not a row
        assert expected in problems["Vad du behöver göra"].iloc[0]
    assert commit_button(at) is None


def undo_in_history(at: AppTest, upload_id: int) -> AppTest:
    at.switch_page(HISTORY).run()
    at.selectbox(key="history_upload").select(upload_id).run()
    at.button(key="undo_ask").click().run()
    assert "Ångra uppladdning #" in at.warning[0].value  # a confirmation step first
    at.button(key="undo_yes").click().run()
    assert not at.exception, at.exception
    return at


def test_undo_from_the_history_page_restores_the_values(app, seeded_path):
    at = commit(upload(app(), ("jan.csv", revision(745)), ("april.csv", NEW_ROWS)))
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 745

    at.switch_page(HISTORY).run()
    listing = at.dataframe[0].value
    assert list(listing["Nr"]) == [2, 1] and listing["Status"].iloc[0] == "aktiv"
    at.selectbox(key="history_upload").select(2).run()
    changed = at.dataframe[1].value
    assert changed.iloc[0][["Indikator", "Ändring", "Tidigare", "Nytt"]].tolist() == [
        LABEL,
        "reviderat",
        "740",
        "745",
    ]
    at.button(key="undo_ask").click().run()
    at.button(key="undo_no").click().run()  # cancelling changes nothing
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 745

    at = undo_in_history(at, 2)
    assert "Uppladdning #2 är ångrad: 1 värde återställt." in at.success[0].value
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 740
    assert at.dataframe[0].value["Status"].iloc[0].startswith("ångrad av anna ")
    assert not any(
        b.key == "undo_ask" for b in at.button
    )  # an undone upload cannot be undone again


def test_undo_is_refused_when_a_later_upload_changed_the_same_cells(app, seeded_path):
    at = commit(upload(app(), ("jan.csv", revision(745))))
    at.file_uploader(key="upload_files").set_value(("jan2.csv", revision(750), "text/csv")).run()
    commit(at)
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 750

    at = undo_in_history(at, 2)
    message = shown(at.error[0].value)
    assert "Uppladdning #2 kan inte ångras" in message and "#3" in message
    assert stored_value(seeded_path, "reported_partner_violence_women", "STHLM", "2026-01") == 750
    assert at.dataframe[0].value["Status"].tolist() == ["aktiv", "aktiv", "aktiv"]


def test_history_shows_times_in_swedish_time(app, seeded_path):
    from storage import list_uploads

    at = app()
    at.switch_page(HISTORY).run()
    utc = list_uploads(db(seeded_path))["uploaded_at"].iloc[0]
    # November: Stockholm is UTC+1.
    expected = (pd.Timestamp(utc) + pd.Timedelta(hours=1)).strftime("%Y-%m-%d %H:%M")
    listing = at.dataframe[0].value
    assert listing["Tid"].iloc[0] == expected and listing["Av"].iloc[0] == "test"


def test_viewer_gets_neither_page_and_cannot_reach_them(app, monkeypatch, seeded_path):
    at = app(role="viewer")
    assert not at.exception
    for page in (UPLOAD, HISTORY):
        with pytest.raises(ValueError):  # not registered in the viewer's navigation
            at.switch_page(page)
    # Even run on its own (as Streamlit's pages/ folder would on a fresh server), each page goes
    # through dashboard.py's gate (ui/entry.py): the viewer lands on the overview, nothing else.
    for page in (UPLOAD, HISTORY):
        direct = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
        assert not direct.exception
        assert not direct.file_uploader
        assert [t.value for t in direct.title] == ["Lägesbild"]
        assert not any(b.label.startswith("Ångra") for b in direct.button)


def test_a_role_lost_between_preview_and_click_stores_nothing(app, monkeypatch, seeded_path):
    from storage import count_observations

    at = upload(app(), ("april.csv", NEW_ROWS))
    monkeypatch.setenv("LAGESBILD_LOCAL_ROLE", "viewer")
    commit_button(at).click().run()
    assert not at.exception
    assert count_observations(db(seeded_path)) == 7


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_both_pages_run_in_both_languages(app, lang):
    at = upload(app(lang=lang), ("jan.csv", revision(745)), ("april.csv", NEW_ROWS))
    labels = [b.label for b in at.button if (b.key or "").startswith("commit_")]
    assert labels == (
        ["Spara 1 värde", "Spara 3 värden"] if lang == "sv" else ["Store 1 value", "Store 3 values"]
    )
    at.switch_page(HISTORY).run()
    assert not at.exception, at.exception


def test_template_guide_and_catalog_link_are_on_the_page(app):
    at = app()
    at.switch_page(UPLOAD).run()
    assert any(b.label.startswith("Ladda ner exempelfil") for b in at.download_button)
    assert any("Katalogen" in link.value for link in at.page_link)
    assert "indikator;månad;område;värde;nämnare;status;kommentar" in texts(at)


def test_the_template_is_swedish_excel_csv_that_passes_every_check(catalog):
    from ingest.pipeline import check_upload
    from ui.upload_review import example_file

    data = example_file(catalog, date(2026, 11, 23))
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "indikator;månad;område;värde;nämnare;status;kommentar"
    assert ";101,5;" in text and ";19;104;" in text and "preliminär" in text
    checked = check_upload(data, "lagesbild_mall.csv", catalog, today=date(2026, 11, 23))
    assert checked.ok, checked.errors
    kinds = {catalog.indicator(i).kind for i in checked.frame["indicator_id"]}
    assert {"count", "proportion", "median_days"} <= kinds
    assert set(checked.frame["period"].dt.strftime("%Y-%m")) == {"2026-10"}


def test_problem_list_download_is_named_after_the_file_and_opens_in_excel():
    from ui.upload_review import errors_csv, named_after

    assert named_after("mars 2026.csv", "fel") == "mars 2026_fel.csv"
    errors = pd.DataFrame(
        {
            "row": pd.array([3, None], dtype="Int64"),
            "column": ["value", ""],
            "header": ["värde", ""],
            "value": ["=1+1", ""],
            "message": ["Skriv ett tal.", "Filen är tom."],
        }
    )
    text = errors_csv(errors, "sv").decode("utf-8-sig")
    assert text.splitlines() == [
        "Rad (som i Excel);Kolumn;Värde;Vad du behöver göra",
        "3;värde;'=1+1;Skriv ett tal.",
        ";;;Filen är tom.",
    ]
