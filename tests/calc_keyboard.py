"""Types into workbooks with LibreOffice Calc's own keyboard path, as a contributor does.

Run by the system's Python (python3-uno) under an X server (xvfb-run), never imported by the
tests: `python3 calc_keyboard.py job.json result.json`. Calc is started with a fresh profile,
so AutoInput is on as shipped. Each workbook is opened in a Calc window; the cursor is put on
a cell as the Name Box puts it there (.uno:GoToCell), and every entry is typed as key events
into the sheet's grid window (the UI test service, org.libreoffice.uitest.UITest) followed by
Enter: Calc's input handler completes (AutoInput), converts and validates it as it does when
a person types. A dialog that comes up (a data validation's refusal) is read and cancelled,
and the entry is reported as refused. "paste" puts text into a cell through the API, past
the validation, as a pasted cell arrives. The workbook is saved as .xlsx.

The job: {"profile": dir, "screenshot": png or null, "files": [{"path", "out", "steps": [
  {"goto": "$'sheet'.E5"} | {"type": "42"} | {"paste": ["sheet", "E5", "600人"]}]}]}
The result: per file, per "type" step: the cell the entry went into and, when refused, the
refusal's text.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def props(**values):
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


class Calc:
    def __init__(self, profile: Path) -> None:
        pipe = f"esgdesk-{uuid.uuid4().hex[:8]}"
        self.log = (Path(profile).parent / "soffice.log").open("a")  # a crash's stack
        self.process = subprocess.Popen(
            ["soffice", f"-env:UserInstallation={Path(profile).resolve().as_uri()}",
             "--norestore", "--nologo", f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=self.log)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(300):
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.2)
        else:
            raise RuntimeError("LibreOffice did not start")
        smgr = self.ctx.ServiceManager
        self.desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)
        self.ui = smgr.createInstanceWithContext("org.libreoffice.uitest.UITest", self.ctx)
        self.dispatch = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                       self.ctx)

    def close(self) -> None:
        with contextlib.suppress(Exception):  # it may be gone already
            self.desktop.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def _grid(self):
        return self.ui.getTopFocusWindow().getChild("grid_window")

    def _where(self, doc) -> str:
        return doc.getCurrentController().getSelection().AbsoluteName

    def _keys(self, grid, **action) -> str | None:
        """Send keys; a modal dialog they raise is read, cancelled and its text returned."""
        done = threading.Event()

        def send() -> None:
            try:
                grid.executeAction("TYPE", props(**action))
            finally:
                done.set()

        threading.Thread(target=send, daemon=True).start()
        if done.wait(3):
            return None
        dialog = self.ui.getTopFocusWindow()
        state = {p.Name: p.Value for p in dialog.getState()}
        text = " ".join(str(state.get(k, "")) for k in ("Text", "Caption") if state.get(k))
        dialog.executeAction("TYPE", props(KEYCODE="ESC"))
        done.wait(10)
        return text or "refused"

    def run(self, job: dict) -> list[dict]:
        path = Path(job["path"])
        if not path.is_file():
            raise FileNotFoundError(path)
        # A Calc that went down leaves its lock, and the next one would ask about it.
        path.with_name(f".~lock.{path.name}#").unlink(missing_ok=True)
        doc = self.desktop.loadComponentFromURL(Path(job["path"]).resolve().as_uri(),
                                                "_blank", 0, props())
        controller = doc.getCurrentController()
        if job.get("screenshot"):  # the whole screen, as a contributor's laptop shows it
            controller.getFrame().getContainerWindow().setPosSize(0, 0, 1366, 768, 15)
            if job.get("close_sidebar"):
                self.dispatch.executeDispatch(controller.getFrame(), ".uno:Sidebar", "", 0,
                                              props())
        results = []
        for step in job["steps"]:
            if "goto" in step:
                sheet_name = step["goto"].split("'")[1]
                controller.setActiveSheet(doc.Sheets.getByName(sheet_name))
                self.dispatch.executeDispatch(controller.getFrame(), ".uno:GoToCell", "", 0,
                                              props(ToPoint=step["goto"]))
            elif "paste" in step:
                sheet, cell, text = step["paste"]
                doc.Sheets.getByName(sheet).getCellRangeByName(cell).setString(text)
            else:
                where = self._where(doc)
                grid = self._grid()
                refused = self._keys(grid, TEXT=step["type"])
                if refused is None:
                    refused = self._keys(grid, KEYCODE="RETURN")
                results.append({"typed": step["type"], "cell": where, "refused": refused})
        if job.get("screenshot"):
            time.sleep(1)
            subprocess.run(["import", "-window", "root", job["screenshot"]], check=True)
        doc.storeToURL(Path(job["out"]).resolve().as_uri(),
                       props(FilterName="Calc MS Excel 2007 XML"))
        doc.setModified(False)
        doc.dispose()
        return results


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    profile = Path(job["profile"])
    results = []
    calc = Calc(profile)
    try:
        for file in job["files"]:
            for attempt in range(3):
                try:
                    results.append(calc.run(file))
                    break
                except Exception as exc:  # Calc went down under us: start it again
                    if type(exc).__name__ != "DisposedException" or attempt == 2:
                        raise
                    print(f"Calc restarted after {exc}", file=sys.stderr)
                    calc.close()
                    calc = Calc(profile)
    finally:
        calc.close()
    Path(sys.argv[2]).write_text(json.dumps(results, ensure_ascii=False))


if __name__ == "__main__":
    main()
