"""Screenshots of a request workbook in LibreOffice Calc at 1366×768, in both languages.

`make request-screenshots` runs it: the sample's 2024 HR request for ZKTeco (the company)
is written in Chinese and in English, opened in Calc's window under Xvfb (the spreadsheet
program's sidebar closed) with the cursor on the first figure, and the screen is saved as
docs/screenshots/request-hr-zh.png and request-hr-en.png.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from esgdesk.application.sample import create_sample
from esgdesk.exchange.metadata import META_SHEET, read_meta
from esgdesk.exchange.requests import write_request

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        store = create_sample(folder / "sample.db")
        files = []
        for lang in ("zh", "en"):
            path = write_request(store, "zkteco", 2024, "hr", folder / f"hr-{lang}.xlsx",
                                 "coordinator", lang=lang)
            from openpyxl import load_workbook

            _meta, cells = read_meta(load_workbook(path)[META_SHEET], path.name)
            first = next(c for c in cells if c.kind == "value")
            files.append({"path": str(path), "out": str(folder / f"saved-{lang}.xlsx"),
                          "steps": [{"goto": f"$'{first.sheet}'.{first.cell}"}],
                          "screenshot": str(OUT / f"request-hr-{lang}.png"),
                          "close_sidebar": lang == "zh"})  # it stays closed after
        store.close()
        job = folder / "job.json"
        job.write_text(json.dumps({"profile": str(folder / "profile"), "files": files},
                                  ensure_ascii=False))
        subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", "/usr/bin/python3",
                        str(ROOT / "tests" / "calc_keyboard.py"), str(job),
                        str(folder / "result.json")], check=True)
    print("\n".join(f["screenshot"] for f in files), file=sys.stderr)


if __name__ == "__main__":
    main()
