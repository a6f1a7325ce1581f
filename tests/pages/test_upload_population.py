"""The upload page and SCB population: the file is previewed as what it changes in the
population table (figures added or replaced per area, year, sex and age group), stored as an
upload on the second click, listed in the history and undone there, restoring the old figures."""

from __future__ import annotations

import pandas as pd

from tests.pages import test_upload as base
from tests.pages.test_upload import (
    FIXTURES,
    HISTORY,
    commit,
    commit_button,
    db,
    metrics,
    shown,
    texts,
)
from tests.pages.test_upload import upload as drop

app = base.app  # the upload page's fixtures: an AppTest maker on a seeded database
seeded_path = base.seeded_path

CSV_2017 = (FIXTURES / "scb_folkmangd_2017.csv").read_bytes()
AGES = (FIXTURES / "scb_alder_kon_testdata.csv").read_bytes()  # Salem 2017 by sex and age


def population(path) -> pd.DataFrame:
    from storage.population import load_population

    return load_population(db(path)).sort_values(
        ["area_code", "year", "sex", "age_band"], ignore_index=True
    )


def test_an_scb_file_is_previewed_stored_listed_and_undone(app, seeded_path):
    from auth import User
    from metrics.catalog import load_catalog
    from services.population import import_population
    from storage import list_uploads

    analyst = User("eva", "analyst", local=True)
    import_population(db(seeded_path), load_catalog(), analyst, CSV_2017, "2017.csv")
    before = population(seeded_path)

    at = drop(app(), ("alder.csv", AGES))
    assert metrics(at) == {
        "Nya befolkningsvärden": "8",
        "Ersatta befolkningsvärden": "1",
        "Oförändrade befolkningsvärden": "0",
    }
    assert "Källformat SCB PxWeb CSV: befolkning per område, år, kön och åldersgrupp" in shown(
        texts(at)
    )
    table = at.dataframe[0].value.set_index(["Kön", "Åldersgrupp"])
    assert table.loc[("totalt", "alla åldrar")].to_dict() == {
        "Område": "Salem (0128)",
        "År": "2017",
        "Ändring": "ersatt",
        "Före": "16\xa0665",
        "Efter": "17\xa0808",
    }
    assert table.loc[("kvinnor", "18 år och äldre"), ["Ändring", "Före"]].tolist() == ["nytt", "–"]
    assert commit_button(at).label == "Spara 9 befolkningsvärden"
    pd.testing.assert_frame_equal(population(seeded_path), before)  # the preview stores nothing

    commit(at)
    assert "Sparat som uppladdning #3 – nya befolkningsvärden: 8" in at.success[0].value
    assert commit_button(at) is None
    listed = list_uploads(db(seeded_path)).iloc[0]
    assert (listed["upload_id"], listed["file_name"], listed["user_name"]) == (
        3,
        "alder.csv",
        "anna",
    )
    assert len(population(seeded_path)) == len(before) + 8

    at.switch_page(HISTORY).run()
    assert at.selectbox(key="history_upload").value == 3
    assert "befolkningstabell från SCB" in shown(texts(at))
    assert len(at.dataframe[1].value) == 9  # the figures it added or replaced
    at.button(key="undo_ask").click().run()
    assert "9 befolkningsvärden återställs" in at.warning[0].value
    at.button(key="undo_yes").click().run()
    assert not at.exception, at.exception
    assert "Uppladdning #3 är ångrad: 9 värden återställda." in at.success[0].value
    pd.testing.assert_frame_equal(population(seeded_path), before)


def test_in_english_and_a_bad_file_stores_nothing(app, seeded_path):
    at = drop(app(lang="en"), ("alder.csv", AGES))
    assert metrics(at)["New population figures"] == "9"
    assert commit_button(at).label == "Store 9 population figures"
    broken = CSV_2017.replace(b"2303417", b"many")
    at = drop(app(), ("trasig.csv", broken))
    assert "Filen kan inte läsas in som befolkning. Inget har sparats." in at.error[0].value
    assert "folkmängden ”many” är inget tal" in shown(texts(at))
    assert commit_button(at) is None
    assert population(seeded_path).empty
