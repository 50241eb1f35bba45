"""What a hostile upload costs the server: CPU time and peak memory of ``read_table`` for
each shape of ``tests/hostile_files.py`` (and a legitimate 20,000-row sheet to compare).

    .venv/bin/python -m benchmarks.hostile_imports [--ratio-off] [--openpyxl] [--shape NAME]

Each shape is read in a fresh process (so that peak memory is its own): the figures are
the CPU seconds of the read and how far the process's peak resident memory (VmHWM, reset
just before) rose above what it held with the file loaded. Target: every refusal within about 1 s and 200 MB.
``--openpyxl`` reads the same files with openpyxl's read-only loader instead (what the
app did before), each capped at 60 s of CPU and 3 GB.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tests import hostile_files

OPENPYXL_CPU_CAP_S = 60
OPENPYXL_MEMORY_CAP = 3 * 1024**3  # of data (heap), not address space: imports reserve much


def legitimate_sheet(rows: int = 19_999) -> bytes:
    """The largest sheet the limits accept: 20,000 rows of the order template's width."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([f"列{i}" for i in range(15)])
    for r in range(rows):
        sheet.append(
            [f"村{r % 300}", r % 9 + 1, f"户主{r}", f"138{r:08d}", "尿素", 2.5, date(2020, 3, 5)]
            + [f"备注{r % 7}"] * 8
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


SHAPES = {
    **{(name, "xlsx"): build for name, build in hostile_files.XLSX_SHAPES.items()},
    **{(name, "csv"): build for name, build in hostile_files.CSV_SHAPES.items()},
    ("legitimate 20,000 rows x 15 columns", "xlsx"): legitimate_sheet,
}


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024  # kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def _reset_peak_rss() -> int:
    """Start the peak (VmHWM) afresh at what the process holds now; returns that."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_bytes("VmRSS")


def measure_one(path: str, kind: str, reader: str, ratio_off: bool) -> dict:
    """Runs in the child process: read the file once and report the cost."""
    from supply_match import create_app
    from supply_match.services.documents import spreadsheets as sheets
    from supply_match.services.documents.import_limits import ImportLimits, ReadCounters

    data = Path(path).read_bytes()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    columns = [sheets.Column("village", "村", required=False)]
    limits = ImportLimits(max_compression_ratio=10**9) if ratio_off else ImportLimits()
    with app.test_request_context():
        baseline = _reset_peak_rss()
        counters = ReadCounters()
        started = time.process_time()
        try:
            if reader == "openpyxl" and kind == "xlsx":
                from openpyxl import load_workbook

                book = load_workbook(io.BytesIO(data), read_only=True)
                rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
                outcome = f"read {rows} rows"
            else:
                rows = sheets.read_table(
                    f"x.{kind}", data, columns, limits=limits, counters=counters
                )
                outcome = f"accepted {len(rows)} rows"
        except sheets.SheetError as error:
            outcome = getattr(error, "limit", "unreadable")
        except Exception as error:  # openpyxl's own failures on broken files
            outcome = type(error).__name__
        cpu = time.process_time() - started
        peak = _status_bytes("VmHWM") - baseline
    return {"cpu_s": cpu, "peak_mb": peak / 1024**2, "outcome": outcome, "size": len(data)}


def run_shape(name: str, kind: str, build, reader: str, ratio_off: bool) -> dict:
    data = build()
    with tempfile.NamedTemporaryFile(suffix="." + kind) as handle:
        handle.write(data)
        handle.flush()
        command = [sys.executable, "-m", "benchmarks.hostile_imports", "--child", handle.name]
        command += ["--kind", kind, "--reader", reader] + (["--ratio-off"] if ratio_off else [])
        child = subprocess.run(command, capture_output=True, text=True, check=False)
    if child.returncode != 0:
        reason = "killed (cap reached)" if child.returncode < 0 else child.stderr.strip()[-200:]
        return {
            "cpu_s": float("nan"),
            "peak_mb": float("nan"),
            "outcome": reason,
            "size": len(data),
        }
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--openpyxl", action="store_true", help="read with openpyxl instead")
    parser.add_argument("--shape", help="only the shapes whose name contains this")
    parser.add_argument(
        "--ratio-off",
        action="store_true",
        help="turn the packing-ratio check off, to measure the counting behind it",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--kind", help=argparse.SUPPRESS)
    parser.add_argument("--reader", default="ours", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.reader == "openpyxl":
            resource.setrlimit(resource.RLIMIT_CPU, (OPENPYXL_CPU_CAP_S, OPENPYXL_CPU_CAP_S))
            resource.setrlimit(resource.RLIMIT_DATA, (OPENPYXL_MEMORY_CAP, OPENPYXL_MEMORY_CAP))
        print(json.dumps(measure_one(args.child, args.kind, args.reader, args.ratio_off)))
        return
    reader = "openpyxl" if args.openpyxl else "ours"
    print(
        f"reader: {reader}{', packing-ratio check off' if args.ratio_off else ''}; "
        "CPU seconds and peak memory rise of one read, fresh process each"
    )
    print(f"{'shape':42} {'kind':5} {'file KB':>9} {'CPU s':>7} {'peak MB':>8}  outcome")
    worst_cpu = worst_mb = 0.0
    for (name, kind), build in SHAPES.items():
        if args.shape and args.shape not in name:
            continue
        if reader == "openpyxl" and kind != "xlsx":
            continue
        result = run_shape(name, kind, build, reader, args.ratio_off)
        print(
            f"{name:42} {kind:5} {result['size'] / 1024:9.1f} {result['cpu_s']:7.3f} "
            f"{result['peak_mb']:8.1f}  {result['outcome']}"
        )
        if not name.startswith("legitimate") and result["cpu_s"] == result["cpu_s"]:
            worst_cpu = max(worst_cpu, result["cpu_s"])
            worst_mb = max(worst_mb, result["peak_mb"])
    print(f"worst refusal: {worst_cpu:.3f} s CPU, {worst_mb:.1f} MB")


if __name__ == "__main__":
    main()
