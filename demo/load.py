"""Loading the demo data through the same ingest pipeline as a real upload, marked as demo."""

from __future__ import annotations

from auth import User
from ingest.pipeline import IngestReport
from metrics.catalog import Catalog, load_catalog
from storage import Database, store_population

DEMO_FILE_NAME = "demodata-lagesbild.csv"
DEMO_ANALYST = User(name="demo", role="analyst", local=False)
"""Who records the demo's illustrative analyst entries (the demo upload's user too)."""

DEMO_PROCESS_CHANGES = (
    (
        "perpetrator_programme_starts",
        "2023-01",
        "Kriminalvården bygger ut behandlingsprogrammen i länet (demo)",
        "The Prison and Probation Service expands its programmes in the county (demo)",
    ),
)
"""(indicator, first month of the new process, label sv, label en): process changes an analyst
would have recorded, so the demo's readings follow the levels the demo series step to. The
programme starts went from about 10 to about 42 a month at the turn of 2022/2023 (the series'
generator, after Kriminalvården's "mer än fyrdubblades"); without the mark its limits would sit
around a mean between the two levels."""


def load_demo(db: Database, *, end: str | None = None) -> IngestReport:
    """Generate the demo series and commit them as one upload flagged `is_demo`; then record the
    demo's process changes (``DEMO_PROCESS_CHANGES``) as an analyst would, through the same
    operation the indicator page uses, each marked "(demo)" in its label; and store the demo
    population (published figures and marked estimates, demo/population.py) up to the year before
    the last demo month. The database file is created if it does not exist: the demo loader is
    one of the places that create one on purpose (`Database.create`)."""
    from demo.generator import generate_demo_observations
    from services.uploads import commit_upload

    db.create()
    catalog = load_catalog()
    frame = generate_demo_observations(catalog, end=end)
    data = frame.to_csv(index=False).encode("utf-8")
    # The demo's random series have a few share jumps on small bases (docs/plausibility.md): the
    # demo analyst confirms them, as a person would after reading them, and the audit says so.
    # Generated here, so checked here too (not in the upload worker: no pickling of its rows).
    report = commit_upload(
        db,
        catalog,
        DEMO_ANALYST,
        data,
        DEMO_FILE_NAME,
        is_demo=True,
        confirm_warnings=True,
        isolated=False,
    )
    if report.status == "committed":
        record_demo_process_changes(db, catalog)
        store_demo_population(db, catalog, int(str(frame["period"].max())[:4]) - 1)
    return report


def store_demo_population(db: Database, catalog: Catalog, last_year: int) -> None:
    """The demo population of every catalog area from 2017 to `last_year`, stored as checked."""
    from demo.population import demo_population
    from metrics.population import check_population_frame

    figures = demo_population(catalog, last_year)
    checked = check_population_frame(figures, {area.code for area in catalog.areas})
    store_population(db, checked, user="demo", what="demo/population.py")


def record_demo_process_changes(db: Database, catalog: Catalog) -> None:
    """Record ``DEMO_PROCESS_CHANGES`` for the indicators the catalog has (a national benchmark
    catalog may lack them)."""
    from services.process_changes import record_process_change

    known = {indicator.id for indicator in catalog.indicators}
    for indicator_id, month, label_sv, label_en in DEMO_PROCESS_CHANGES:
        if indicator_id in known:
            record_process_change(
                db,
                DEMO_ANALYST,
                indicator_id=indicator_id,
                period=month,
                label_sv=label_sv,
                label_en=label_en,
            )
