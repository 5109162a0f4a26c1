"""The building part of a free-text address, to group a printed visit list by building.

Addresses are typed as people write them ("建设路12号3号楼2单元403室", "英雄路7号"): the
building is everything up to the building number (号楼, 栋, 幢, 座) or, without one, up to the
house number (号, 号院). An address with neither is its own group.
"""

from __future__ import annotations

import re

_BUILDING = re.compile(r"^(.*?\d+\s*(?:号楼|栋|幢|座))")
_HOUSE = re.compile(r"^(.*?\d+\s*(?:号院|号))")


def building_of(address: str) -> str:
    text = address.strip()
    found = _BUILDING.match(text) or _HOUSE.match(text)
    return found.group(1) if found else text
