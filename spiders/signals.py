"""The crawl's own Scrapy signals: how the layer that stores pages hands its archive to the
middlewares, which sit below it and cannot import it."""

# Sent once, when the item pipeline has opened the crawl's archive, with
# `archive` (storage.db.Archive) and `writer` (a concurrent.futures.Executor that stores the
# pages in the order they come). The conditional-GET middleware reads validators through
# the archive and queues the ones it writes on the writer, after the pages before them;
# the stalest-first middleware reads when each page was last stored. A crawl without that
# pipeline sends nothing: no request is conditional, and pages keep the spider's order.
archive_opened = object()
