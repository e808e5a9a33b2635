"""A process for the crash tests to kill: it prints "ready", then writes, printing a line
after each write esgdesk reported saved (flushed, so the killer sees exactly those)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from esgdesk.exchange.intake import import_files
from esgdesk.storage.store import Change, open_database


def main() -> None:
    mode, database = sys.argv[1], Path(sys.argv[2])
    store = open_database(database)
    store.warm_up()
    print("ready", flush=True)
    if mode == "edits":
        for number in range(1, 100000):
            value = str(4000 + number)
            store.set_value(Change("group", 2024, "people.employees.total", value), "burst")
            print(f"saved {value}", flush=True)
    else:
        reports = import_files(store, [Path(sys.argv[3])], "importer")
        print(f"imported {len(reports[0].writes)}", flush=True)


if __name__ == "__main__":
    main()
