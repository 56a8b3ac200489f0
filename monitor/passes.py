"""One pass: crawl sources side by side, then check their health, then deliver alerts.

`councilwatch crawl`, each crawl job of `councilwatch run` and each round of `councilwatch
demo` are this pass with different hooks. Health checks and delivery belong to `alerts/`,
which sits above this package, so the caller hands them in: `health(config, archive,
results)` after the crawls, `deliver(config, archive)` last, unless a stop was asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

from core.config import Config
from monitor.crawler import CrawlResult, crawl_source
from storage.db import Archive

HealthHook = Callable[[Config, Archive, list[CrawlResult]], object]
DeliverHook = Callable[[Config, Archive], object]


def crawl_pass(
    config: Config,
    archive: Archive,
    names: Sequence[str],
    *,
    verbose: bool = False,
    workers: int | None = None,
    stop_requested: Callable[[], bool] | None = None,
    on_result: Callable[[CrawlResult], None] | None = None,
    on_tick: Callable[[list[str], int], None] | None = None,
    after_crawls: Callable[[], None] | None = None,
    health: HealthHook | None = None,
    deliver: DeliverHook | None = None,
) -> list[CrawlResult]:
    """Crawl `names`, up to `workers` (default `[crawl] sources_in_parallel`) at once.

    Each crawl is its own process at its own site's pace (`monitor.crawler`), so sources
    side by side do not slow each other down: a crawl waits on its site's politeness
    delay, not on the CPU. `on_result` hears each result as it ends, in the calling
    thread; `on_tick(running, finished)` is called about twice a second while crawls run,
    and `after_crawls()` once they have all ended, before health and delivery.
    After a stop request no further source starts. If a crawl raises (the database gone),
    the others are asked to stop cleanly and the error goes up.

    Health is checked on every source that ran (not those skipped because another
    process holds their lock); delivery runs unless a stop was requested.
    """
    raised = threading.Event()

    def stopping() -> bool:
        return raised.is_set() or bool(stop_requested and stop_requested())

    running: list[str] = []
    guard = threading.Lock()

    def one(name: str) -> CrawlResult | None:
        if stopping():
            return None
        with guard:
            running.append(name)
        try:
            return crawl_source(config, archive, name, verbose=verbose, stop_requested=stopping)
        finally:
            with guard:
                running.remove(name)

    results: list[CrawlResult] = []
    count = min(workers or config.crawl.sources_in_parallel, len(names)) or 1
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="crawl")
    try:
        pending = {pool.submit(one, name) for name in names}
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                if result is not None:
                    results.append(result)
                    if on_result is not None:
                        on_result(result)
            if on_tick is not None:
                with guard:
                    now = list(running)
                on_tick(now, len(results))
    except BaseException:
        raised.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    if after_crawls is not None:
        after_crawls()
    if health is not None:
        health(config, archive, [r for r in results if not r.skipped])
    if deliver is not None and not stopping():
        deliver(config, archive)
    return results
