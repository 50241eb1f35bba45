"""Households' delivery slips laid out as a PDF, timed: how long an outlet's day of slips
takes the worker (and a request that finds none kept).

    .venv/bin/python -m benchmarks.household_slips [--slips 40 200] [--repeat 3]
        [--out FILE.pdf]

The slips are made up (names, places and goods of Pengshui's length, a real QR code of a
signed-link-sized URL per slip), so no database or plan is needed: what is timed is the
HTML and WeasyPrint's layout, which is all of the cost once the day's runs are loaded.
Prints, per count, the median wall-clock seconds, the pages and the PDF's size, then the
load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time
from datetime import date
from pathlib import Path

from pypdf import PdfReader

from supply_match import create_app
from supply_match.services.documents import household_slips, route_sheets

DAY = date(2020, 3, 20)
SURNAMES = "张王李刘陈杨冉任彭向"


def made_up_slips(count: int) -> list[household_slips.Slip]:
    slips = []
    for n in range(count):
        link = f"https://peisong.pengshui.example/h/WzEyMzQ1LDBd.{n:06d}abcdefghijklmnopqrs"
        code = route_sheets.qr_code(link)
        slips.append(
            household_slips.Slip(
                household=f"{SURNAMES[n % 10]}德{n}",
                mobile=f"139{n:08d}",
                place=f"汉葭街道黄桷村{n % 9 + 1}组",
                goods=["尿素（46%） 2袋", "复合肥（15-15-15）50kg/袋 3袋", "玉米种子 渝单8号 4袋"][
                    : n % 3 + 1
                ],
                day=DAY,
                volunteer="冉光明",
                volunteer_mobile="13983512345",
                trip=1 + n % 2,
                stop_number=n % 30 + 1,
                outlet="彭水县农资公司汉葭门市部",
                link=link,
                qr_svg=code.svg_inline(scale=2, border=1),
                qr_png=route_sheets.qr_png_data_uri(code),
            )
        )
    return slips


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slips", type=int, nargs="+", default=[40, 200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    app = create_app()
    with app.app_context():
        for count in args.slips:
            slips = made_up_slips(count)
            times, pdf = [], b""
            for _ in range(args.repeat):
                started = time.perf_counter()
                pdf = household_slips.render_pdf(slips, cache=False)
                times.append(time.perf_counter() - started)
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"{count} slips: {statistics.median(times):.2f} s median "
                f"({', '.join(f'{t:.2f}' for t in times)}), {pages} pages, "
                f"{len(pdf) / 1024:.0f} KiB"
            )
            if args.out:
                args.out.write_bytes(pdf)
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
