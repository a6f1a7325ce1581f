"""The upload page and BRÅ's table of handled offences: the year and area inputs appear only for
such a file, start empty (nothing is read as the county's by default), and the values stored
are the ones previewed with the year and area chosen."""

from __future__ import annotations

from tests.pages import test_upload as base
from tests.pages.test_upload import FIXTURES, NEW_ROWS, commit, commit_button, db, texts, upload

app = base.app  # the upload page's fixtures: an AppTest maker on a seeded database
seeded_path = base.seeded_path

TABLE = (FIXTURES / "handlagda_brott.txt").read_bytes()


def test_year_and_area_are_asked_for_and_the_table_is_stored_with_them(app, seeded_path):
    from storage import count_observations, load_observations

    at = upload(app(), ("handlagda.txt", TABLE))
    assert [n.label for n in at.number_input] == ["År"]
    assert [s.label for s in at.selectbox if s.key and s.key.startswith("handled_area_")] == [
        "Område"
    ]
    assert "anger inte vilket år den gäller" in " ".join(at.dataframe[0].value.iloc[:, -1])
    assert commit_button(at) is None  # refused until year and area are stated

    at.number_input[0].set_value(2024).run()
    [area] = [s for s in at.selectbox if s.key and s.key.startswith("handled_area_")]
    assert area.options == ["Region Stockholm"]  # the Mål 5 shares are region-only
    area.set_value("STHLM").run()
    assert not at.exception, at.exception
    assert "värdena lästes in som 2024 för Region Stockholm" in texts(at)
    assert commit_button(at).label == "Spara 2 värden"

    commit(at)
    assert count_observations(db(seeded_path)) == 7 + 2
    stored = load_observations(
        db(seeded_path), indicator_ids=["clearance_gross_violation_women"]
    ).iloc[0]
    assert (stored["area_code"], stored["value"], stored["denominator"]) == ("STHLM", 278, 1262)


def test_other_files_get_no_year_or_area_inputs(app):
    at = upload(app(), ("april.csv", NEW_ROWS))
    assert list(at.number_input) == []
    assert commit_button(at) is not None
