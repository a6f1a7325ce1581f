"""Loading the demo data through the same ingest pipeline as a real upload, marked as demo."""

from __future__ import annotations

from ingest.pipeline import IngestReport, ingest_upload
from metrics.catalog import load_catalog
from storage import Database

DEMO_FILE_NAME = "demodata-lagesbild.csv"


def load_demo(db: Database, *, end: str | None = None) -> IngestReport:
    """Generate the demo series and commit them as one upload flagged `is_demo`."""
    from demo.generator import generate_demo_observations

    catalog = load_catalog()
    frame = generate_demo_observations(catalog, end=end)
    data = frame.to_csv(index=False).encode("utf-8")
    return ingest_upload(db, data, DEMO_FILE_NAME, user="demo", is_demo=True, catalog=catalog)
