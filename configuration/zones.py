"""IANA time zones as the pinned ``tzdata`` package ships them, not the machine's zoneinfo files.

Business hours are compared with UTC timestamps at synth time; the zone must therefore mean
the same on every machine that synthesizes, and be a real place: ``localtime`` (the machine's
own setting) and ``Factory`` (tzdata's placeholder, "local time zone must be set") are not.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

import tzdata  # type: ignore[import-untyped]  # no stubs; only its version string is read

# Names tzdata lists that are no place's time.
NOT_PLACES = frozenset({"Factory", "localtime"})


@lru_cache(maxsize=1)
def iana_zones() -> frozenset[str]:
    """Every zone name of the pinned tzdata release (its ``zones`` index)."""
    names = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8").split()
    return frozenset(names) - NOT_PLACES


def tzdata_version() -> str:
    return str(tzdata.IANA_VERSION)


def zone_info(name: str) -> ZoneInfo:
    """The zone read from the tzdata package itself (``ZoneInfo(name)`` would prefer the
    machine's files, which may be older or absent)."""
    if name not in iana_zones():
        raise KeyError(name)
    with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as data:
        return ZoneInfo.from_file(data, key=name)
