"""What the workload pack needs to know about the user's app (DPP-LOG-1.b, DPP-RET-1)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WorkloadSettings:
    """Settings of ``DppWorkloadPack``.

    ``retention_days``: the shortest retention a log group may have (DPP-RET-1: 12 months).

    Which tables and functions hold or serve Information (DPP-LOG-1.b) is the user's call; the
    pack learns it from either
      * a tag on the resource, ``information_tag`` = ``"true"`` (default tag ``dpp:information``:
        ``Tags.of(table).add("dpp:information", "true")``), or
      * ``information_resources``: construct paths (``"MyStack/Orders"``), physical names or ARNs.

    Such a resource passes ``DataEventsLogged`` when a trail or event data store of the same
    stack selects its data events, or when it is listed in ``data_events_logged_elsewhere``
    (construct paths, physical names or ARNs that a trail outside this app logs: the
    baseline's organization trail, say). Listing is an assertion the reviewer can check in the
    other trail's configuration.
    """

    retention_days: int = 365
    information_tag: str = "dpp:information"
    information_resources: tuple[str, ...] = ()
    data_events_logged_elsewhere: tuple[str, ...] = ()
