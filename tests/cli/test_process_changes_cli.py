"""manage.py's process-change commands: the same operations as the events page, exit codes 0/1."""

from __future__ import annotations

import json

from manage import EXIT_OK, EXIT_REJECTED, main
from storage import add_event, audit_log, list_process_changes


def test_mark_list_and_undo_from_the_command_line(fresh_db, capsys):
    db = str(fresh_db.path)
    event_id = add_event(fresh_db, period="2024-03", label_sv="Ny rutin", user="eva")
    assert main(["mark-process-change", str(event_id), "--goal", "county_2", "--db", db,
                 "--user", "olle"]) == EXIT_OK  # fmt: skip
    [mark] = list_process_changes(fresh_db).to_dict("records")
    assert (mark["goal_id"], mark["author"]) == ("county_2", "olle")
    capsys.readouterr()
    assert main(["process-changes", "--json", "--db", db]) == EXIT_OK
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["id"], listed["period"][:7], listed["label_sv"]) == (
        mark["id"],
        "2024-03",
        "Ny rutin",
    )
    assert main(["mark-process-change", str(event_id), "--goal", "county_2", "--db", db]) == (
        EXIT_REJECTED
    )
    assert "redan markerad" in capsys.readouterr().err
    assert main(["unmark-process-change", str(mark["id"]), "--db", db]) == EXIT_OK
    assert list_process_changes(fresh_db).empty
    assert main(["unmark-process-change", str(mark["id"]), "--db", db]) == EXIT_REJECTED
    actions = audit_log(fresh_db)["action"].tolist()
    assert actions.count("process_change_add") == 1 and actions.count("process_change_remove") == 1
