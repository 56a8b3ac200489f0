"""What an archive holds, as plain data two crawls can be compared by: every document, every
version's fields and every change, with the crawled server's address taken out (two servers
of the same site listen on different ports)."""

from __future__ import annotations

import json
import sqlite3


def snapshot(db_path, *server_urls: str) -> dict:
    def plain(value):
        if value is None:
            return None
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
        for url in server_urls:
            text = text.replace(url, "SERVER/")
        return text

    conn = sqlite3.connect(db_path)
    try:
        documents = {
            plain(key): (kind, plain(url), plain(title))
            for key, kind, url, title in conn.execute("SELECT key, kind, url, title FROM documents")
        }
        versions: dict[str, list] = {}
        for key, title, fields in conn.execute(
            "SELECT d.key, v.title, v.fields FROM versions v JOIN documents d"
            " ON d.id = v.document_id ORDER BY d.key, v.id"
        ):
            versions.setdefault(plain(key), []).append((plain(title), plain(fields)))
        changes = sorted(
            tuple(plain(c) if isinstance(c, str) else c for c in row)
            for row in conn.execute(
                "SELECT d.key, c.kind, c.summary, c.before, c.after, c.old_value, c.new_value,"
                " c.alert FROM changes c JOIN documents d ON d.id = c.document_id"
            )
        )
    finally:
        conn.close()
    return {"documents": documents, "versions": versions, "changes": changes}
