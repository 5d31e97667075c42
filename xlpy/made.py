"""The "made by xlpy, when, from what" line on xlpy's sheets. Honours SOURCE_DATE_EPOCH, so a run can be made
byte-for-byte repeatable in its contents (tests and reference outputs use it)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Sequence

from . import __version__


SIGNATURES = ("Lavet af xlpy ", "Made by xlpy ")  # how made_line begins: the first words of A1 on xlpy's sheets


def now() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).replace(tzinfo=None)
    return dt.datetime.now().replace(microsecond=0)


def made_line(sources: Sequence[str], lang: str = "da", limit: int = 5) -> str:
    names = [os.path.basename(s) or s for s in sources]
    shown = ", ".join(names[:limit]) + (f" og {len(names) - limit} flere" if len(names) > limit else "")
    if lang != "da":
        shown = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")
        return f"Made by xlpy {__version__} on {now():%Y-%m-%d %H:%M} from {shown}."
    return f"Lavet af xlpy {__version__} den {now():%d-%m-%Y kl. %H:%M} ud fra {shown}."
