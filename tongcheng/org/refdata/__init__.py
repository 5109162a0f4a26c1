"""Reference data shipped with the code: areas, regions, ethnic groups, member units, rollout."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
