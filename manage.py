"""Lägesbild's command line: a thin shell over the same functions the upload page calls.

    python manage.py ingest FILE [--db PATH] [--dry-run] [--json] [--user NAME] [--sheet NAME]
                               [--confirm-warnings] [--year YYYY --area CODE]
    python manage.py undo UPLOAD_ID | uploads | export [--indicator ID] [--area CODE] [--out FILE]
    python manage.py process-changes [--json] | mark-process-change EVENT_ID (--indicator ID |
        --goal ID) | unmark-process-change CHANGE_ID
    python manage.py reporting [--overdue] [--today YYYY-MM-DD] [--json]
    python manage.py init | demo | bench | backup --out DIR | restore FILE
    python manage.py serve [--replicas N] [--port PORT] [--run-dir DIR]

Exit codes: 0 done (or dry run passed), 1 rejected by validation or refused, 2 could not run.
A database file that does not exist is an error for every command (exit 2, its path named):
only `init` (an empty store) and `demo` (the demo data) create one, and `restore` puts a copy there.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

from i18n import t

# What the command line says is Swedish (the i18n cli_* keys, written with t(key)).
EXIT_OK, EXIT_REJECTED, EXIT_CANNOT_RUN = 0, 1, 2


class CannotRun(RuntimeError):
    """A command could not run (an unreadable file, a missing database); the message is Swedish
    (an i18n text)."""


def _cannot_run(args: argparse.Namespace, message: str) -> int:
    """Say why nothing was done (standard error, and under `ingest --json` as its JSON object:
    status "failed", one error for the whole file); exit code 2."""
    print(message, file=sys.stderr)
    if args.command == "ingest" and getattr(args, "json", False):
        failed = {
            "status": "failed",
            "upload_id": None,
            "rows": 0,
            "inserted": 0,
            "updated": 0,
            "unchanged": 0,
            "errors": [{"row": None, "column": None, "value": None, "message": message}],
            "warnings": [],
        }
        print(json.dumps(failed, ensure_ascii=False, indent=2))
    return EXIT_CANNOT_RUN


def _database(args: argparse.Namespace):
    """The command's database, migrated; DatabaseMissing (exit 2) when the file does not exist."""
    from storage import open_database

    db = open_database(args.db)
    db.ensure()
    return db


def cmd_init(args: argparse.Namespace) -> int:
    from storage import open_database
    from storage.schema import SCHEMA_VERSION

    db = open_database(args.db)
    if db.create():
        print(t("cli_init_created", path=db.path, version=SCHEMA_VERSION))
    else:
        print(t("cli_init_exists", path=db.path, version=SCHEMA_VERSION))
    return EXIT_OK


def _user(args: argparse.Namespace) -> str:
    if getattr(args, "user", None):
        return args.user
    try:
        return os.environ.get("LAGESBILD_USER") or getpass.getuser()
    except (KeyError, OSError):
        return t("cli_unknown_user")


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.check_server import start_check_server

    start_check_server()  # its imports run beside ours (ingest/check_server.py)
    from metrics.catalog import load_catalog
    from services.population import is_population_file
    from services.uploads import commit_upload

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CannotRun(t("cli_file_unreadable", path=path, reason=exc.strerror or exc)) from exc
    db = _database(args)
    if not args.json:
        print(t("cli_reading", name=path.name), file=sys.stderr)
    if is_population_file(data):
        return _ingest_population(args, db, data, path.name)
    analyst = _analyst(args)
    # services.uploads checks the file in a worker process with a memory limit (ingest/worker.py).
    report = commit_upload(
        db,
        load_catalog(),
        analyst,
        data,
        path.name,
        dry_run=args.dry_run,
        sheet=args.sheet,
        confirm_warnings=args.confirm_warnings,
        year=args.year,
        area=args.area,
    )
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    elif report.status == "failed":
        print(report.errors[0].message, file=sys.stderr)
    else:
        _print_report(report, analyst.name)
    codes = {"rejected": EXIT_REJECTED, "unconfirmed": EXIT_REJECTED, "failed": EXIT_CANNOT_RUN}
    return codes.get(report.status, EXIT_OK)


def _ingest_population(args: argparse.Namespace, db, data: bytes, name: str) -> int:
    """An SCB population table (PxWeb CSV or JSON-stat 2) into the population table."""
    from metrics.catalog import load_catalog
    from services.population import import_population

    result = import_population(db, load_catalog(), _analyst(args), data, name, dry_run=args.dry_run)
    status = "rejected" if result.errors else "dry_run" if args.dry_run else "committed"
    if args.json:
        report = {
            "status": status,
            "upload_id": result.upload_id,
            "target": "population",
            "rows": len(result.frame),
            "inserted": result.inserted,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": [
                {"row": None, "column": None, "value": None, "message": str(m)}
                for m in result.errors
            ],
            "assumptions": [str(a) for a in result.assumptions],
            "file": {"name": name, "source_format": result.source_format},
        }
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return EXIT_REJECTED if result.errors else EXIT_OK
    print(t("cli_population_format", source=result.source_format))
    for assumption in result.assumptions:
        print(t("cli_assumption", text=assumption))
    if result.errors:
        print(t("cli_rejected", errors=len(result.errors)))
        for message in result.errors:
            print(f"  {message}")
        return EXIT_REJECTED
    counts = t(
        "cli_population_counts",
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
        estimates=result.replaced_estimates,
    )
    replaced = result.changes[result.changes["change"] == "update"]
    for r in replaced.head(20).itertuples():
        print(f"  {r.area_code} {r.year} {r.sex} {r.age_band}: {r.old} → {r.new}")
    if status == "dry_run":
        print(t("cli_dry_run_passed", counts=counts))
    elif not result.stored:
        print(t("cli_population_no_changes", unchanged=result.unchanged))
    else:
        print(t("cli_population_stored", upload_id=result.upload_id, counts=counts))
    return EXIT_OK


def _print_report(report, user: str) -> None:
    checked = report.checked
    print(checked.dialect())
    for assumption in checked.assumptions:
        print(t("cli_assumption", text=assumption))
    if report.status == "rejected":
        print(t("cli_rejected", errors=len(report.errors)))
        for e in report.errors:
            where = t("cli_whole_file") if e.row is None else t("cli_row", row=e.row)
            column = t("cli_column", column=e.column) if e.column else ""
            value = t("cli_value", value=e.value) if e.value not in (None, "") else ""
            print(f"  {where}{column}{value}: {e.message}")
        return
    _print_warnings(report, user)
    if report.status == "unconfirmed":
        return
    counts = t(
        "cli_upload_counts",
        inserted=report.inserted,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    if report.status == "dry_run":
        print(t("cli_dry_run_passed", counts=counts))
    elif report.upload_id is None:
        print(t("cli_no_changes", unchanged=report.unchanged))
    else:
        print(t("cli_stored", upload_id=report.upload_id, counts=counts))
    if report.diff is not None and report.updated:
        print(t("cli_revisions"))
        for r in report.diff.revisions.head(20).itertuples():
            print(
                f"  {r.indicator_id} {r.area_code} {r.period:%Y-%m}: {r.old_value:g} → {r.new_value:g}"
            )
        if report.updated > 20:
            print(t("cli_and_more", more=report.updated - 20))


def _print_warnings(report, user: str) -> None:
    """The plausibility warnings (metrics/plausibility.py) and what became of them."""
    from metrics.plausibility import MIN_HISTORY

    found = report.plausibility
    if found.unjudged:
        print(t("cli_warnings_unjudged", n=found.unjudged, min=MIN_HISTORY))
    if not found:
        return
    print(t("cli_warnings_heading", n=len(found.warnings)))
    for w in found.warnings:
        where = t("cli_warning_row", row=w.row) if w.row is not None else ""
        print(f"  {where}{w.message(report.catalog)}")
    if report.status == "unconfirmed":
        print(t("cli_warnings_unconfirmed"))
    elif report.status == "committed":
        print(t("cli_warnings_confirmed", user=user))


def cmd_undo(args: argparse.Namespace) -> int:
    from metrics.catalog import load_catalog
    from services.uploads import undo_upload
    from storage import UndoConflict, UndoError

    db = _database(args)
    try:
        cells = undo_upload(db, load_catalog(), _analyst(args), args.upload_id)
    except (UndoConflict, UndoError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    print(t("cli_undone", upload_id=args.upload_id, cells=cells))
    return EXIT_OK


def _analyst(args: argparse.Namespace):
    """The command line's user: whoever may write the database file acts as an analyst."""
    from auth import User

    return User(name=_user(args), role="analyst", local=True)


def cmd_process_changes(args: argparse.Namespace) -> int:
    from services.process_changes import process_changes

    frame = process_changes(_database(args))
    if args.json:
        records = frame.astype(object).where(frame.notna(), None)
        print(json.dumps(records.to_dict("records"), ensure_ascii=False, default=str, indent=2))
        return EXIT_OK
    if frame.empty:
        print(t("process_none"))
    for r in frame.itertuples():
        scope = r.indicator_id or t("cli_process_goal", goal=r.goal_id)
        print(
            t(
                "cli_process_line",
                id=r.id,
                month=f"{r.period:%Y-%m}",
                scope=scope,
                event_id=r.event_id,
                label=r.label_sv,
                author=r.author,
                created=f"{r.created_at:%Y-%m-%d %H:%M}",
            )
        )
    return EXIT_OK


def cmd_mark_process_change(args: argparse.Namespace) -> int:
    from services.process_changes import mark_process_change
    from storage import ProcessChangeError

    try:
        change_id = mark_process_change(
            _database(args),
            _analyst(args),
            event_id=args.event_id,
            indicator_id=args.indicator,
            goal_id=args.goal,
        )
    except ProcessChangeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    print(t("cli_process_marked", event_id=args.event_id, change_id=change_id))
    return EXIT_OK


def cmd_unmark_process_change(args: argparse.Namespace) -> int:
    from services.process_changes import unmark_process_change
    from storage import ProcessChangeError

    try:
        unmark_process_change(_database(args), _analyst(args), args.change_id)
    except ProcessChangeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_REJECTED
    print(t("cli_process_unmarked", change_id=args.change_id))
    return EXIT_OK


def cmd_reporting(args: argparse.Namespace) -> int:
    from datetime import date

    from metrics.catalog import load_catalog
    from metrics.formatting import format_month
    from metrics.reporting import indicators_missing_latest
    from services.reporting import reporting_status

    try:
        day = date.fromisoformat(args.today) if args.today else date.today()
    except ValueError:
        print(t("cli_today_invalid", given=repr(args.today)), file=sys.stderr)
        return EXIT_CANNOT_RUN
    frame = reporting_status(_database(args), load_catalog(), _analyst(args), today=day)
    if args.overdue:
        frame = frame[frame["overdue"]]
    if args.json:
        records = frame.astype(object).where(frame.notna(), None)
        print(json.dumps(records.to_dict("records"), ensure_ascii=False, default=str, indent=2))
        return EXIT_OK
    missing = indicators_missing_latest(frame)
    print(t("cli_reporting_missing", indicators=len(missing), day=f"{day:%Y-%m-%d}"))
    for r in frame.itertuples():
        latest = format_month(r.latest) if not _missing(r.latest) else t("cli_reporting_never")
        late = "" if _missing(r.months_overdue) else t("cli_reporting_late", late=r.months_overdue)
        print(
            t(
                "cli_reporting_line",
                indicator=r.indicator_id,
                area=r.area_code,
                status=r.status,
                latest=latest,
                late=late,
            )
        )
    return EXIT_OK


def _missing(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def cmd_uploads(args: argparse.Namespace) -> int:
    from services.uploads import uploads

    frame = uploads(_database(args), _analyst(args))
    if args.json:
        records = frame.drop(columns=["assumptions"]).astype(object).where(frame.notna(), None)
        print(json.dumps(records.to_dict("records"), ensure_ascii=False, default=str, indent=2))
        return EXIT_OK
    if frame.empty:
        print(t("cli_no_uploads"))
        return EXIT_OK
    for r in frame.itertuples():
        state = (
            t("cli_upload_undone", when=f"{r.undone_at:%Y-%m-%d %H:%M}", who=r.undone_by)
            if r.undone_by
            else t("cli_upload_active")
        )
        demo = " [demo]" if r.is_demo else ""
        print(
            t(
                "cli_upload_line",
                upload_id=r.upload_id,
                when=f"{r.uploaded_at:%Y-%m-%d %H:%M}",
                user=r.user_name,
                file=r.file_name,
                demo=demo,
                lines=r.rows,
                inserted=r.inserted,
                updated=r.updated,
                unchanged=r.unchanged,
                state=state,
            )
        )
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from exports.csv_export import to_excel_csv
    from metrics.catalog import load_catalog
    from storage import export_rows

    catalog = load_catalog()
    for value, lookup, label in (
        (args.indicator, catalog.indicator, "cli_unknown_indicator"),
        (args.area, catalog.area, "cli_unknown_area"),
    ):
        if value is not None:
            try:
                lookup(value)
            except KeyError:
                print(t(label, value=value), file=sys.stderr)
                return EXIT_CANNOT_RUN
    data = to_excel_csv(
        export_rows(
            _database(args), indicator_id=args.indicator, area_code=args.area, catalog=catalog
        )
    )
    if args.out:
        Path(args.out).write_bytes(data)
        print(t("cli_wrote", path=args.out), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from demo.load import load_demo
    from storage import count_observations, open_database

    db = open_database(args.db)
    db.create()  # the demo is one of the two commands that create a database (with init)
    existing = count_observations(db)
    if existing and args.if_missing:
        print(t("cli_demo_exists", path=db.path, existing=existing))
        _add_demo_population_if_missing(db)
        return EXIT_OK
    if existing:
        print(t("cli_demo_refused", path=db.path, existing=existing), file=sys.stderr)
        return EXIT_REJECTED
    report = load_demo(db)
    if report.status != "committed":
        for e in report.errors[:20]:
            print(
                t("cli_demo_error", row=e.row, column=e.column, message=e.message), file=sys.stderr
            )
        return EXIT_REJECTED
    print(t("cli_demo_created", path=db.path, inserted=report.inserted, upload_id=report.upload_id))
    return EXIT_OK


def _add_demo_population_if_missing(db) -> None:
    """A demo database made before the population table (migration 7) gets the demo population,
    so its rates have a base; a database with real data is left for a population import."""
    from demo.load import store_demo_population
    from metrics.catalog import load_catalog
    from storage import contains_demo_data, latest_period, load_population

    if not contains_demo_data(db) or not load_population(db).empty:
        return
    latest = latest_period(db)
    if latest is None:
        return
    store_demo_population(db, load_catalog(), latest.year - 1)
    print(t("cli_demo_population", path=db.path))


def cmd_backup(args: argparse.Namespace) -> int:
    from storage import DatabaseMissing, open_database
    from storage.backup import BackupError, backup_database

    db = open_database(args.db)
    if not db.path.exists():
        raise DatabaseMissing(db.path)
    try:
        info = backup_database(db, args.out)
    except (BackupError, OSError) as exc:
        print(t("cli_backup_failed", reason=exc), file=sys.stderr)
        return EXIT_CANNOT_RUN
    print(
        t(
            "cli_backup_done",
            path=info.path,
            observations=info.observations,
            uploads=info.uploads,
            version=info.schema_version,
        )
    )
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from storage import open_database
    from storage.backup import BackupError, restore_database

    db = open_database(args.db)
    try:
        info, kept = restore_database(args.backup, db)
    except (BackupError, OSError) as exc:
        print(t("cli_restore_failed", reason=exc), file=sys.stderr)
        return EXIT_CANNOT_RUN
    print(
        t(
            "cli_restored",
            path=db.path,
            backup=args.backup,
            observations=info.observations,
            uploads=info.uploads,
        )
        + (t("cli_restore_kept", kept=kept) if kept else "")
    )
    return EXIT_OK


def cmd_bench(args: argparse.Namespace) -> int:
    from bench.run import run_benchmark

    return run_benchmark(args)


def cmd_serve(args: argparse.Namespace) -> int:
    import signal
    import tempfile
    import time

    from deploy.serve import ServeError, start_cluster
    from storage import DatabaseMissing, open_database

    db = open_database(args.db).path.resolve()
    if not db.exists():
        raise DatabaseMissing(db)
    env = {"LAGESBILD_DB": str(db)}
    run_dir = Path(args.run_dir or tempfile.mkdtemp(prefix="lagesbild-serve-"))
    # systemd and container runtimes stop a service with SIGTERM: stop as on Ctrl-C. Ctrl-C
    # itself even when started from a script that ignores it (a shell's `cmd &` without job
    # control starts Python with SIGINT ignored, and Python then never raises KeyboardInterrupt).
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print(t("cli_serve_starting", replicas=args.replicas, folder=run_dir), file=sys.stderr)
    try:
        cluster = start_cluster(args.replicas, env, run_dir, port=args.port)
    except ServeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CANNOT_RUN
    print(t("cli_serve_running", url=cluster.url, config=cluster.config))
    code, reported = EXIT_OK, set()
    try:
        while True:
            time.sleep(1)
            for problem in set(cluster.problems()) - reported:
                print(t("cli_serve_problem", problem=problem, folder=run_dir), file=sys.stderr)
                reported.add(problem)
            if cluster.nginx.poll() is not None or all(
                p.poll() is not None for p in cluster.replicas
            ):
                code = EXIT_CANNOT_RUN
                break
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
        print(t("cli_serve_stopped"), file=sys.stderr)
    return code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=t("cli_help_description"))
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help=t("cli_help_db"))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "ingest",
        parents=[common],
        help=t("cli_help_ingest"),
    )
    p.add_argument("file")
    p.add_argument("--sheet", help=t("cli_help_sheet"))
    p.add_argument("--dry-run", action="store_true", help=t("cli_help_dry_run"))
    p.add_argument("--json", action="store_true", help=t("cli_help_json"))
    p.add_argument("--user", help=t("cli_help_user"))
    p.add_argument(
        "--confirm-warnings",
        action="store_true",
        help=t("cli_help_confirm_warnings"),
    )
    p.add_argument(
        "--year",
        type=int,
        help=t("cli_help_year"),
    )
    p.add_argument(
        "--area",
        help=t("cli_help_area"),
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("undo", parents=[common], help=t("cli_help_undo"))
    p.add_argument("upload_id", type=int)
    p.add_argument("--user")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("uploads", parents=[common], help=t("cli_help_uploads"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_uploads)

    p = sub.add_parser("reporting", parents=[common], help=t("cli_help_reporting"))
    p.add_argument("--overdue", action="store_true", help=t("cli_help_overdue"))
    p.add_argument("--today", help=t("cli_help_today"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_reporting)

    p = sub.add_parser("process-changes", parents=[common], help=t("cli_help_process_changes"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_process_changes)

    p = sub.add_parser(
        "mark-process-change",
        parents=[common],
        help=t("cli_help_mark_process_change"),
    )
    p.add_argument("event_id", type=int)
    scope = p.add_mutually_exclusive_group(required=True)
    scope.add_argument("--indicator", help=t("cli_help_for_indicator"))
    scope.add_argument("--goal", help=t("cli_help_for_goal"))
    p.add_argument("--user")
    p.set_defaults(func=cmd_mark_process_change)

    p = sub.add_parser(
        "unmark-process-change", parents=[common], help=t("cli_help_unmark_process_change")
    )
    p.add_argument("change_id", type=int)
    p.add_argument("--user")
    p.set_defaults(func=cmd_unmark_process_change)

    p = sub.add_parser("export", parents=[common], help=t("cli_help_export"))
    p.add_argument("--indicator")
    p.add_argument("--area")
    p.add_argument("--out")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("init", parents=[common], help=t("cli_help_init"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", parents=[common], help=t("cli_help_demo"))
    p.add_argument("--if-missing", action="store_true", help=t("cli_help_if_missing"))
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("backup", parents=[common], help=t("cli_help_backup"))
    p.add_argument("--out", required=True, help=t("cli_help_backup_out"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help=t("cli_help_restore"))
    p.add_argument("backup", help=t("cli_help_restore_file"))
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("serve", parents=[common], help=t("cli_help_serve"))
    p.add_argument("--replicas", type=int, default=2, help=t("cli_help_replicas"))
    p.add_argument("--port", type=int, default=8501, help=t("cli_help_port"))
    p.add_argument("--run-dir", help=t("cli_help_run_dir"))
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("bench", parents=[common], help=t("cli_help_bench"))
    p.add_argument("--quick", action="store_true", help=t("cli_help_quick"))
    p.add_argument("--pages", action="store_true", help=t("cli_help_bench_pages"))
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from storage import DatabaseBusy, DatabaseMissing

    try:
        return args.func(args)
    except (CannotRun, DatabaseBusy, DatabaseMissing) as exc:
        return _cannot_run(args, str(exc))
    except KeyboardInterrupt:
        return _cannot_run(args, t("cli_interrupted"))
    except Exception as exc:  # noqa: BLE001 - a bug must still end in Swedish, exit 2 and JSON
        return _cannot_run(args, t("cli_unexpected", error=type(exc).__name__))


if __name__ == "__main__":
    sys.exit(main())
