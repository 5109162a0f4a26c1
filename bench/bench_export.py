"""Export of 100,000 ledger rows vs writing the same rows with XlsxWriter alone.

floor  = XlsxWriter constant_memory writing 100,000 rows of the same 15 text cells (values
         prepared in memory beforehand, not timed);
export = ledger.export.ledger_rows (values_list().iterator(), decryption, masking, neutralising)
         → ledger.export.write_xlsx into a temporary file, as the export page does; CSV as well.
Target: export ≤ 1.5× the floor, peak memory ≤ 150 MB (VmHWM during the export, reset first;
the figure is the whole process, Django included).

    .venv/bin/python bench/run.py bench_export
    BENCH_EXPORT_ROWS=20000 .venv/bin/python bench/run.py bench_export
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

Row = tuple[str, float | int, str]

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))
COMMUNITY = "140403001001"


def _reset_peak() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0


def _seed(rows: int) -> int:
    """Insert `rows` files with executemany (the importer's writer), as fast as possible."""
    from django.db import transaction
    from django.utils import timezone

    from tongcheng.lib.idnumber import make_id_number
    from tongcheng.org.models import Area
    from tongcheng.registry.actions.bulk.write import Writer, allocate_ids, insert_persons, row_spec
    from tongcheng.registry.identifiers import id_number_hash, phone_hash
    from tongcheng.registry.ledger.rows import new_file
    from tongcheng.registry.validation import PersonInput

    community = Area.objects.get(code=COMMUNITY)
    spec = row_spec(community, None, timezone.now())
    new = []
    first = date(1960, 1, 1)
    for n in range(rows):
        born = first + timedelta(days=(n // 500) % 14000)
        data = PersonInput(
            name=["马晓梅", "白玉兰", "丁海", "买买提·艾力", "=1+1"][n % 5],
            ethnicity_code="03",
            sex="male" if n % 2 else "female",
            birth_date=born,
            id_number=make_id_number("622924", born, n % 500, "male" if n % 2 else "female"),
            phone=f"138{n:08d}",
            origin_region_code="622924",
            origin_text="甘肃省临夏州广河县",
            address=f"东街街道建设路{n % 300}号",
            occupation="noodle_restaurant",
            employer="马家拉面馆" if n % 3 == 0 else "",
            arrived_on=date(2014, 3, 5),
        )
        new.append(new_file(data, id_number_hash(data.id_number), phone_hash(data.phone), spec))
    # The import's own writer, as an imported ledger is stored.
    with transaction.atomic():
        ids = allocate_ids(len(new))
        insert_persons(new, ids, spec, Writer())
    return len(ids)


def run() -> list[Row]:
    import xlsxwriter
    from django.db import connection

    from tongcheng.registry.ledger import export as exporter
    from tongcheng.registry.models import Person

    started = time.perf_counter()
    seeded = _seed(ROWS)
    print(f"  seeded {seeded:,} files in {time.perf_counter() - started:.1f} s")
    queryset = Person.objects.filter(area_code=COMMUNITY)
    layout = exporter.layout_for("和平社区", date.today())
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="tongcheng-export-") as folder:
        base = _rss_mb("VmRSS:")
        _reset_peak()
        started = time.perf_counter()
        with open(Path(folder) / "export.xlsx", "wb") as handle:
            count = exporter.write_xlsx(
                exporter.ledger_rows(queryset, identified=False), handle, layout=layout
            )
        export = time.perf_counter() - started
        peak = _rss_mb("VmHWM:")

        _reset_peak()
        started = time.perf_counter()
        size = 0
        for chunk in exporter.csv_chunks(exporter.ledger_rows(queryset, identified=True)):
            size += len(chunk)
        csv_time = time.perf_counter() - started
        csv_peak = _rss_mb("VmHWM:")
        # Last, so its 100k rows held in memory do not count in the export's peak.
        # The floor: the same cells, already in memory, written by XlsxWriter alone.
        cells = list(exporter.ledger_rows(queryset, identified=False))
        started = time.perf_counter()
        book = xlsxwriter.Workbook(str(Path(folder) / "floor.xlsx"), {"constant_memory": True})
        sheet = book.add_worksheet()
        for index, row in enumerate(cells):
            for column, value in enumerate(row):
                if value:
                    sheet.write_string(index, column, value)
        book.close()
        floor = time.perf_counter() - started
        del cells

    vendor = connection.vendor
    rows += [
        (f"export {vendor}: rows", count, "rows"),
        (f"export {vendor}: floor = XlsxWriter constant_memory alone", round(floor, 2), "s"),
        (f"export {vendor}: xlsx export (masked)", round(export, 2), "s"),
        (f"export {vendor}: xlsx export / floor (target ≤ 1.5)", round(export / floor, 2), "×"),
        (f"export {vendor}: peak RSS during the xlsx export (≤ 150)", round(peak, 1), "MB"),
        (f"export {vendor}: RSS before the export", round(base, 1), "MB"),
        (f"export {vendor}: growth during the xlsx export", round(peak - base, 1), "MB"),
        (f"export {vendor}: csv export (identified)", round(csv_time, 2), "s"),
        (f"export {vendor}: csv size", round(size / 1e6, 1), "MB"),
        (f"export {vendor}: peak RSS during the csv export", round(csv_peak, 1), "MB"),
    ]
    Person.objects.filter(area_code=COMMUNITY, created_by__isnull=True).delete()
    return rows
