"""Database schema as numbered migrations, applied in order; the catalog is mirrored into tables."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import duckdb

from i18n import MessageError
from metrics.catalog import Catalog
from storage.disclosure import ensure_key

# Each migration runs once, in order, inside the transaction that records it. Never edit one that
# has shipped: add a new one.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "observations, uploads, change history, catalog mirror, audit log",
        [
            "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
            """CREATE TABLE goals (
                goal_id VARCHAR PRIMARY KEY, family VARCHAR NOT NULL, number INTEGER NOT NULL,
                label_sv VARCHAR NOT NULL, label_en VARCHAR NOT NULL)""",
            """CREATE TABLE indicators (
                indicator_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL,
                direction VARCHAR NOT NULL, label_sv VARCHAR NOT NULL, label_en VARCHAR NOT NULL)""",
            """CREATE TABLE indicator_goals (
                indicator_id VARCHAR NOT NULL, goal_id VARCHAR NOT NULL,
                PRIMARY KEY (indicator_id, goal_id))""",
            """CREATE TABLE areas (
                area_code VARCHAR PRIMARY KEY, level VARCHAR NOT NULL, name_sv VARCHAR NOT NULL,
                name_en VARCHAR NOT NULL, police_area VARCHAR)""",
            "CREATE SEQUENCE upload_id_seq START 1",
            """CREATE TABLE uploads (
                upload_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL,
                file_sha256 VARCHAR NOT NULL, user_name VARCHAR NOT NULL,
                uploaded_at TIMESTAMP NOT NULL, rows INTEGER NOT NULL, inserted INTEGER NOT NULL,
                updated INTEGER NOT NULL, unchanged INTEGER NOT NULL, is_demo BOOLEAN NOT NULL,
                source_format VARCHAR NOT NULL, assumptions VARCHAR NOT NULL,
                undone_at TIMESTAMP, undone_by VARCHAR)""",
            """CREATE TABLE observations (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, period DATE NOT NULL,
                value DOUBLE NOT NULL, denominator DOUBLE, status VARCHAR NOT NULL,
                note VARCHAR NOT NULL DEFAULT '', upload_id INTEGER NOT NULL,
                PRIMARY KEY (indicator_id, area_code, period))""",
            # One row per cell an upload changed, with what was there before: enough to undo it
            # exactly, and to show the revision history of any cell.
            """CREATE TABLE observation_changes (
                upload_id INTEGER NOT NULL, indicator_id VARCHAR NOT NULL,
                area_code VARCHAR NOT NULL, period DATE NOT NULL, change VARCHAR NOT NULL,
                old_value DOUBLE, old_denominator DOUBLE, old_status VARCHAR, old_note VARCHAR,
                old_upload_id INTEGER, new_value DOUBLE NOT NULL, new_denominator DOUBLE,
                new_status VARCHAR NOT NULL, new_note VARCHAR NOT NULL)""",
            "CREATE INDEX observation_changes_upload ON observation_changes (upload_id)",
            """CREATE TABLE audit_log (
                logged_at TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL, action VARCHAR NOT NULL,
                detail VARCHAR NOT NULL)""",
        ],
    ),
    (
        2,
        "commentary per indicator and month, dated events drawn on the charts",
        [
            "CREATE SEQUENCE comment_id_seq START 1",
            """CREATE TABLE comments (
                id INTEGER PRIMARY KEY, indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period DATE NOT NULL,
                kind VARCHAR NOT NULL CHECK (kind IN ('analysis', 'action')),
                text VARCHAR NOT NULL, author VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)""",
            "CREATE INDEX comments_cell ON comments (indicator_id, area_code, period)",
            "CREATE SEQUENCE event_id_seq START 1",
            # indicator_ids empty = the event concerns every indicator. A removed event keeps its
            # row (deleted_at/deleted_by), so the audit log never points at nothing.
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY, period DATE NOT NULL, label_sv VARCHAR NOT NULL,
                label_en VARCHAR NOT NULL, indicator_ids VARCHAR[] NOT NULL,
                author VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
                deleted_at TIMESTAMP, deleted_by VARCHAR)""",
            # The two events every database starts with: Initiativ Gryning was stepped up in
            # February 2021 (polisen.se); stricter sexual-offence legislation from 1 July 2022.
            # The law change is not put on reported_rape and reported_child_sexual_offences: the
            # catalog's series break there already draws it, with the law as its reason.
            """INSERT INTO events
               SELECT nextval('event_id_seq'), DATE '2021-02-01', 'Initiativ Gryning växlas upp',
                      'Initiativ Gryning stepped up', [], 'system',
                      CAST(current_timestamp AS TIMESTAMP), NULL, NULL""",
            """INSERT INTO events
               SELECT nextval('event_id_seq'), DATE '2022-07-01',
                      'Skärpt sexualbrottslagstiftning', 'Stricter sexual-offence legislation',
                      ['reported_grooming', 'clearance_rape', 'crime_scene_examined_share'],
                      'system', CAST(current_timestamp AS TIMESTAMP), NULL, NULL""",
        ],
    ),
    (
        3,
        "observations without the three-column primary key; undo log keeps revisions only",
        [
            # The primary key's index cost more than half of a large commit (a million new cells:
            # ~0.5 s to build, ~0.4 s to write at commit) and no read uses it. Uniqueness of
            # (indicator, area, month) is kept by the one writer, `commit_upload`: a file has no
            # repeated cell (rule duplicate_key) and its cells are split into new and stored ones
            # against what is stored, inside the exclusive write transaction. DuckDB cannot drop
            # a primary key, so the table is rebuilt (rows kept in their order).
            """CREATE TABLE observations_v3 (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, period DATE NOT NULL,
                value DOUBLE NOT NULL, denominator DOUBLE, status VARCHAR NOT NULL,
                note VARCHAR NOT NULL DEFAULT '', upload_id INTEGER NOT NULL)""",
            "INSERT INTO observations_v3 SELECT * FROM observations",
            "DROP TABLE observations",
            "ALTER TABLE observations_v3 RENAME TO observations",
            # A cell an upload inserted is found again by its upload_id (and, once revised, by
            # the later upload's old_upload_id), so the log no longer holds a row per inserted
            # cell of an upload that stands; undo writes those rows when it removes the cells.
            """DELETE FROM observation_changes
               WHERE change = 'insert'
                 AND upload_id IN (SELECT upload_id FROM uploads WHERE undone_at IS NULL)""",
        ],
    ),
    (
        4,
        "process changes: an event marked as changing the process of an indicator or a goal's",
        [
            "CREATE SEQUENCE process_change_id_seq START 1",
            # One row per mark: an event changes the process of one indicator, or of every
            # indicator of one goal (resolved through the catalog when read). The event's month
            # is where the indicators' XmR limits start again. A removed mark keeps its row.
            """CREATE TABLE process_changes (
                id INTEGER PRIMARY KEY, event_id INTEGER NOT NULL, indicator_id VARCHAR,
                goal_id VARCHAR, author VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
                removed_at TIMESTAMP, removed_by VARCHAR,
                CHECK ((indicator_id IS NULL) <> (goal_id IS NULL)))""",
        ],
    ),
    (
        5,
        "a data version per indicator and area, bumped by every commit and undo",
        [
            # Readers key their caches on the versions of what they read (storage/versions.py),
            # so an upload makes stale only its indicators at its areas. What is stored already
            # starts at version 1.
            """CREATE TABLE data_versions (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                version BIGINT NOT NULL, PRIMARY KEY (indicator_id, area_code))""",
            """INSERT INTO data_versions
               SELECT DISTINCT indicator_id, area_code, 1 FROM observations""",
            "CREATE SEQUENCE data_version_seq START 2",
        ],
    ),
    (
        6,
        "sign-ins ended by a sign-out, so a copied cookie is refused on every replica",
        [
            # subject: the ID token's `sub`; issued_at: its `iat` (seconds since 1970), which
            # tells one sign-in from the next. Rows older than a week are pruned on write.
            """CREATE TABLE ended_sign_ins (
                subject VARCHAR NOT NULL, issued_at BIGINT NOT NULL,
                ended_at TIMESTAMP NOT NULL, PRIMARY KEY (subject, issued_at))""",
        ],
    ),
    (
        7,
        "population per area, year, sex and age band (the bases rates are computed on)",
        [
            # sex 'all' | 'women' | 'men'; age_band 'all' | '0-17' | '18+' (metrics/population.py
            # names the groups). estimate: not a published figure (demo estimates, derived sums);
            # source says where the figure comes from. Filled by the demo loader and, later, by
            # an SCB import.
            """CREATE TABLE population (
                area_code VARCHAR NOT NULL, year INTEGER NOT NULL, sex VARCHAR NOT NULL,
                age_band VARCHAR NOT NULL, inhabitants BIGINT NOT NULL CHECK (inhabitants > 0),
                estimate BOOLEAN NOT NULL, source VARCHAR NOT NULL,
                PRIMARY KEY (area_code, year, sex, age_band))""",
        ],
    ),
    (
        8,
        "published disclosure decisions per indicator (sticky across releases)",
        [
            # The cells briefing mode hid in an indicator's last release, and the checksum of
            # the cells that decision was taken on (storage/disclosure.py). The writer records
            # them with each commit and undo; readers use them while the checksum still holds.
            """CREATE TABLE disclosure_releases (
                indicator_id VARCHAR PRIMARY KEY, cells BIGINT NOT NULL,
                checksum HUGEINT NOT NULL, threshold INTEGER NOT NULL,
                decided_at TIMESTAMP NOT NULL, upload_id INTEGER)""",
            """CREATE TABLE disclosure_hidden (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL, period DATE NOT NULL,
                reason VARCHAR NOT NULL)""",
        ],
    ),
    (
        9,
        "year totals in disclosure decisions (briefing mode's comparison between areas)",
        [
            # A hidden cell is a month (months 1) or a calendar year's total (months 12, period
            # its first month): metrics/disclosure/years.py. year_totals: the release decided
            # its year totals (releases stored before this migration did not).
            "ALTER TABLE disclosure_hidden ADD COLUMN months INTEGER NOT NULL DEFAULT 1",
            "ALTER TABLE disclosure_releases ADD COLUMN year_totals BOOLEAN NOT NULL DEFAULT false",
        ],
    ),
    (
        10,
        "population imports as uploads: the rows each one added or replaced, so it can be undone",
        [
            # One row per population row an import added (change 'insert', no old values) or
            # replaced ('update', the old row kept): storage/population.py. The import itself is
            # a row in `uploads`, so it is listed, audited and undone as any upload.
            """CREATE TABLE population_changes (
                upload_id INTEGER NOT NULL, area_code VARCHAR NOT NULL, year INTEGER NOT NULL,
                sex VARCHAR NOT NULL, age_band VARCHAR NOT NULL, change VARCHAR NOT NULL,
                old_inhabitants BIGINT, old_estimate BOOLEAN, old_source VARCHAR,
                new_inhabitants BIGINT NOT NULL, new_estimate BOOLEAN NOT NULL,
                new_source VARCHAR NOT NULL)""",
            "CREATE INDEX population_changes_upload ON population_changes (upload_id)",
        ],
    ),
    (
        11,
        "each disclosure release records the data version of the cells it was taken on",
        [
            # data_version: the indicator's newest data version (storage/versions.py) when the
            # writer stored the release, in the transaction that changed the cells. While no
            # pair of the indicator has a newer one, the release's checksum is its cells'
            # checksum, and readers need not hash the cells (storage.observations.
            # cell_checksums). NULL: not known (then the cells are hashed, as before).
            "ALTER TABLE disclosure_releases ADD COLUMN data_version BIGINT",
            # Releases already stored: known where the cells still have the release's checksum.
            """UPDATE disclosure_releases AS r SET data_version = v.version
               FROM (SELECT indicator_id, max(version) AS version FROM data_versions
                     GROUP BY indicator_id) AS v,
                    (SELECT indicator_id, count(*) AS cells,
                            sum(hash(area_code, period, value, denominator)) AS checksum
                     FROM observations GROUP BY indicator_id) AS c
               WHERE v.indicator_id = r.indicator_id AND c.indicator_id = r.indicator_id
                 AND c.cells = r.cells AND c.checksum = r.checksum""",
        ],
    ),
]

SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the file, 0 for an empty file."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_name = 'meta'"
    ).fetchall()[0][0]
    if not has_meta:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(row[0][0]) if row else 0


class SchemaTooNew(MessageError, RuntimeError):
    """The file was written by a newer Lägesbild than this one."""


def migrate(con: duckdb.DuckDBPyConnection) -> int:
    """Apply the migrations the file has not had yet; returns the version reached."""
    version = current_version(con)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew("store_schema_too_new", version=version, known=SCHEMA_VERSION)
    for number, _purpose, statements in MIGRATIONS:
        if number <= version:
            continue
        for statement in statements:
            con.execute(statement)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
            [str(number)],
        )
        version = number
    con.execute(
        "INSERT INTO meta VALUES ('created_at', ?) ON CONFLICT DO NOTHING",
        [datetime.now(UTC).isoformat(timespec="seconds")],
    )
    ensure_key(con)
    return version


def catalog_fingerprint(catalog: Catalog) -> str:
    """A hash of what the catalog mirror holds, so it is rewritten only when the catalog changes."""
    payload = {
        "goals": [(g.id, g.family, g.number, g.label_sv, g.label_en) for g in catalog.goals],
        "indicators": [
            (i.id, i.kind, i.direction, i.label_sv, i.label_en, list(i.goals))
            for i in catalog.indicators
        ],
        "areas": [(a.code, a.level, a.name_sv, a.name_en, a.police_area) for a in catalog.areas],
    }
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def sync_catalog(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> bool:
    """Mirror the catalog's goals, indicators and areas into their tables; True if rewritten."""
    fingerprint = catalog_fingerprint(catalog)
    row = con.execute("SELECT value FROM meta WHERE key = 'catalog_sha256'").fetchall()
    if row and row[0][0] == fingerprint:
        return False
    for table in ("indicator_goals", "goals", "indicators", "areas"):
        con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names, no user input
    con.executemany(
        "INSERT INTO goals VALUES (?, ?, ?, ?, ?)",
        [(g.id, g.family, g.number, g.label_sv, g.label_en) for g in catalog.goals],
    )
    con.executemany(
        "INSERT INTO indicators VALUES (?, ?, ?, ?, ?)",
        [(i.id, i.kind, i.direction, i.label_sv, i.label_en) for i in catalog.indicators],
    )
    con.executemany(
        "INSERT INTO indicator_goals VALUES (?, ?)",
        [(i.id, g) for i in catalog.indicators for g in i.goals],
    )
    con.executemany(
        "INSERT INTO areas VALUES (?, ?, ?, ?, ?)",
        [(a.code, a.level, a.name_sv, a.name_en, a.police_area) for a in catalog.areas],
    )
    con.execute("INSERT OR REPLACE INTO meta VALUES ('catalog_sha256', ?)", [fingerprint])
    return True
