"""Kept only for the CLI (`councilwatch/commands/schedule.py` imports these from here):
the leases are persistence, in `storage/leases.py`. Goes once that command imports storage.leases."""

from storage.leases import crawl_lock_name, held_locks  # noqa: F401
