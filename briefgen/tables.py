"""Fact tables: FactSheet → pandas DataFrames (the only module that imports pandas).

Used by ``briefgen facts``, ``briefgen disagreements`` and ``briefgen list`` to print
tables, CSV and JSON, and by the batch build for its per-category counts.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from briefgen import categories
from briefgen.models import SHOWN_STATUSES, FactSheet

EVENT_COLUMNS = [
    "id",
    "status",
    "category",
    "date",
    "title",
    "grade",
    "sources",
    "publishers",
    "stale",
    "docs",
]
DISAGREEMENT_COLUMNS = ["id", "status", "kind", "topic", "suppressed", "claims", "docs"]


def events_frame(sheet: FactSheet) -> pd.DataFrame:
    """One row per event, in sheet order."""
    rows = [
        {
            "id": e.id,
            "status": e.status,
            "category": e.category,
            "date": e.date,
            "title": e.title,
            "grade": e.grade,
            "sources": e.sources,
            "publishers": e.publishers,
            "stale": e.stale,
            "docs": ", ".join(sorted({q.doc for q in e.evidence})),
        }
        for e in sheet.events
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)


def disagreements_frame(sheet: FactSheet) -> pd.DataFrame:
    rows = [
        {
            "id": d.id,
            "status": d.status,
            "kind": d.kind,
            "topic": d.topic,
            "suppressed": d.suppressed,
            "claims": " | ".join(
                f"{c.quote.doc}: {c.position}" + (" (suppressed)" if c.suppressed else "")
                for c in d.claims
            ),
            "docs": ", ".join(sorted({c.quote.doc for c in d.claims})),
        }
        for d in sheet.disagreements
    ]
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def overview_frame(sheets: list[FactSheet]) -> pd.DataFrame:
    """One row per country: events per category (all statuses), review state."""
    rows = []
    for sheet in sheets:
        frame = events_frame(sheet)
        row: dict[str, Any] = {"country": sheet.country}
        for category in categories.names():
            row[category] = int((frame["category"] == category).sum())
        row["disagreements"] = len(sheet.disagreements)
        row["proposed"] = int((frame["status"] == "proposed").sum())
        row["accepted"] = int(frame["status"].isin(SHOWN_STATUSES).sum())
        row["rejected"] = int((frame["status"] == "rejected").sum())
        row["stale"] = int(frame["stale"].sum())
        row["reviewed"] = sheet.reviewed or ""
        rows.append(row)
    return pd.DataFrame(rows)


def frame_to_records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready records (NaN → None)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
