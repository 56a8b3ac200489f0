"""The crawl's own Scrapy signals: how the layer that stores pages hands its archive to the
downloader middlewares, which sit below it and cannot import it."""

# Sent once, when the item pipeline has opened the crawl's archive, with
# `archive` (storage.db.Archive) and `writer` (a concurrent.futures.Executor that stores the
# pages in the order they come). The conditional-GET middleware reads validators through
# the archive and queues the ones it writes on the writer, after the pages before them.
# A crawl without that pipeline sends nothing, and makes no conditional requests.
archive_opened = object()
