"""A version's text, stored once: computed from its fields, indexed for full-text search.

`versions` keeps a document's structured fields (JSON) and not their words a second time.
The text is `text_projection(title, fields)`: in Python (`Version.text`), and in SQL the
view `version_texts(id, document_id, title, text)`, which walks the JSON in document order
and gives exactly the same string (figures point into it by offset, and SQLite's index
takes a version out again only given the very text it was given).

SQLite's two FTS5 indexes are contentless (`content=''`): they keep the index, not the
text. FTS5 cannot read its content from a view that walks JSON (it refuses table-valued
functions such as `json_each` in the statements it runs itself), so `storage.search`
makes snippets by indexing the few versions it shows in a temporary table of the same
tokenizer (`SQLITE_TOKENIZERS`).

The full-text rows of a new version are written by the archive, which has the text in
hand, in the flush that stores the version (`index_versions`): no trigger walks JSON on
the way in, and a bulk write pays for no JSON walk in SQL. Deleting or
rewriting a version's fields is rare, and there database triggers read the old text from
the view (SQLite) or the index row follows by cascade and a trigger (PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text

# Text beyond this many characters is not indexed on PostgreSQL: a tsvector is limited to
# 1 MB and positions stop at 16,383 anyway.
PG_INDEXED_CHARS = 500_000


def text_projection(title: str | None, fields: dict[str, Any]) -> str:
    """All the words of a document, for full-text search and figure extraction."""
    parts: list[str] = [title] if title else []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            if value and not value.startswith(("http://", "https://")) and value != title:
                parts.append(value)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if key not in ("url", "id"):
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(fields)
    return "\n".join(parts)


# `text_projection` in SQLite: a walk of the JSON that prunes `url` and `id` members, each
# element's path a string of fixed-width positions so that sorting by it is document order.
SQLITE_TEXT = """coalesce((
    WITH RECURSIVE walk(path, value, type) AS (
        SELECT '', {fields}, 'object'
        UNION ALL
        SELECT walk.path || printf('%08x', e.id), e.value, e.type
        FROM walk, json_each(walk.value) e
        WHERE walk.type IN ('object', 'array')
          AND NOT (walk.type = 'object' AND e.key IN ('url', 'id'))
    )
    SELECT group_concat(part, char(10)) FROM (
        SELECT {title} AS part, '' AS path WHERE {title} <> ''
        UNION ALL
        SELECT value, path FROM walk
        WHERE type = 'text' AND value <> '' AND substr(value, 1, 7) <> 'http://'
          AND substr(value, 1, 8) <> 'https://' AND value IS NOT {title}
        ORDER BY path)), '')"""

# The same in PostgreSQL, over `json` (which keeps the fields' order; `jsonb` would not). A
# loop in PL/pgSQL, recursing into nested objects and lists only: two and a half times as fast
# as a recursive CTE, and search runs it for the snippets of every page of hits.
PG_STRING_KEPT = (
    "s <> '' AND left(s, 7) <> 'http://' AND left(s, 8) <> 'https://' AND s IS DISTINCT FROM title"
)
PG_TEXT_FUNCTIONS = [
    f"""CREATE FUNCTION version_text_parts(value json, title text, INOUT parts text[])
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE k text; v json; s text;
    BEGIN
        FOR k, v IN
            SELECT e.key, e.value FROM json_each(
                CASE WHEN json_typeof(value) = 'object' THEN value END) e
            UNION ALL
            SELECT NULL, a.value FROM json_array_elements(
                CASE WHEN json_typeof(value) = 'array' THEN value END) a
        LOOP
            CONTINUE WHEN k IN ('url', 'id');
            IF json_typeof(v) = 'string' THEN
                s := v #>> '{{}}';
                IF {PG_STRING_KEPT} THEN
                    parts := parts || s;
                END IF;
            ELSIF json_typeof(v) IN ('object', 'array') THEN
                parts := version_text_parts(v, title, parts);
            END IF;
        END LOOP;
    END $$""",
    """CREATE FUNCTION version_text(title text, fields json) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_string(version_text_parts(
        fields, title, CASE WHEN title <> '' THEN ARRAY[title] ELSE ARRAY[]::text[] END), E'\\n')
    $$""",
]
PG_TEXT_FUNCTION_NAMES = ("version_text(text, json)", "version_text_parts(json, text, text[])")

SQLITE_VIEW = f"""CREATE VIEW version_texts AS
    SELECT v.id AS id, v.document_id AS document_id, v.title AS title,
           {SQLITE_TEXT.format(fields="v.fields", title="v.title")} AS text
    FROM versions v"""

PG_VIEW = """CREATE VIEW version_texts AS
    SELECT v.id AS id, v.document_id AS document_id, v.title AS title,
           version_text(v.title, v.fields) AS text
    FROM versions v"""

# Each figure with its sentence cut from its version's text, for SQL users and Datasette;
# line breaks (between fields, or wrapping a sentence) read as spaces.
FIGURES_VIEW = """CREATE VIEW figure_sentences AS
    SELECT f.id AS id, f.version_id AS version_id, f.document_id AS document_id,
           f.kind AS kind, f.value AS value, f.unit AS unit, f.denominator AS denominator,
           f.subject AS subject, f.text AS text,
           replace(substr(t.text, f.sentence_start + 1, f.sentence_end - f.sentence_start),
                   {newline}, ' ') AS sentence
    FROM figures f JOIN version_texts t ON t.id = f.version_id"""
SQLITE_FIGURES_VIEW = FIGURES_VIEW.format(newline="char(10)")
PG_FIGURES_VIEW = FIGURES_VIEW.format(newline="E'\\n'")
VIEWS = ("figure_sentences", "version_texts")


# Stemmed, for words in any form; and the words as printed, for prefix queries: a stemmer
# turns "redundancies" into "redund", which the prefix "redundan*" would never match.
SQLITE_TOKENIZERS = {
    "versions_fts": "porter unicode61 remove_diacritics 2",
    "versions_fts_words": "unicode61 remove_diacritics 2",
}


def sqlite_fts_table(index: str, *, name: str | None = None, contentless: bool = True) -> str:
    """The FTS5 table of `index` (a key of SQLITE_TOKENIZERS), or one like it called `name`."""
    content = "content='', " if contentless else ""
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {name or index} USING fts5("
        f'title, text, {content}tokenize="{SQLITE_TOKENIZERS[index]}")'
    )


# The tsvectors of one version: the title weighted above the body for ranking; `tsv` is
# stemmed English, `words` the words as printed ('simple'), for prefix queries.
def pg_vectors(title: str, body: str) -> str:
    vector = (
        "setweight(to_tsvector('{config}'::regconfig, coalesce({title}, '')), 'A') || "
        "to_tsvector('{config}'::regconfig, left(coalesce({body}, ''), {chars}))"
    )
    return ", ".join(
        vector.format(config=c, title=title, body=body, chars=PG_INDEXED_CHARS)
        for c in ("english", "simple")
    )


# The narrow rows that search filters and groups on, one per version.
SQLITE_META_ROWS = """INSERT INTO versions_fts_meta (version_id, document_id, source_id, kind, seen_at)
        SELECT v.id, v.document_id, d.source_id, d.kind, v.seen_at
        FROM versions v JOIN documents d ON d.id = v.document_id"""

SQLITE_INDEX = [
    "INSERT INTO versions_fts (rowid, title, text) VALUES (:id, :title, :text)",
    "INSERT INTO versions_fts_words (rowid, title, text) VALUES (:id, :title, :text)",
    SQLITE_META_ROWS + " WHERE v.id = :id",
]

PG_INDEX = [
    f"""INSERT INTO versions_fts (version_id, document_id, source_id, kind, seen_at, tsv, words)
        SELECT v.id, v.document_id, d.source_id, d.kind, v.seen_at,
               {pg_vectors("CAST(:title AS text)", "CAST(:text AS text)")}
        FROM versions v JOIN documents d ON d.id = v.document_id WHERE v.id = :id"""
]


def index_versions(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Write the full-text rows of newly stored versions, given as {"id", "title", "text"}
    (the text being `text_projection` of the version's title and fields)."""
    if not rows:
        return
    statements = SQLITE_INDEX if connection.dialect.name == "sqlite" else PG_INDEX
    for statement in statements:
        connection.execute(text(statement), rows)


# Kept in step by the database when a version is deleted or its title or fields rewritten.
# FTS5 needs the old text to take a row out, so that is read (from the view) before the
# row changes.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER versions_fts_bd BEFORE DELETE ON versions BEGIN
        INSERT INTO versions_fts (versions_fts, rowid, title, text)
        SELECT 'delete', t.id, t.title, t.text FROM version_texts t WHERE t.id = old.id;
        INSERT INTO versions_fts_words (versions_fts_words, rowid, title, text)
        SELECT 'delete', t.id, t.title, t.text FROM version_texts t WHERE t.id = old.id;
        DELETE FROM versions_fts_meta WHERE version_id = old.id;
    END""",
    """CREATE TRIGGER versions_fts_bu BEFORE UPDATE OF title, fields ON versions BEGIN
        INSERT INTO versions_fts (versions_fts, rowid, title, text)
        SELECT 'delete', t.id, t.title, t.text FROM version_texts t WHERE t.id = old.id;
        INSERT INTO versions_fts_words (versions_fts_words, rowid, title, text)
        SELECT 'delete', t.id, t.title, t.text FROM version_texts t WHERE t.id = old.id;
    END""",
    """CREATE TRIGGER versions_fts_au AFTER UPDATE OF title, fields ON versions BEGIN
        INSERT INTO versions_fts (rowid, title, text)
        SELECT t.id, t.title, t.text FROM version_texts t WHERE t.id = new.id;
        INSERT INTO versions_fts_words (rowid, title, text)
        SELECT t.id, t.title, t.text FROM version_texts t WHERE t.id = new.id;
    END""",
]

SQLITE_TRIGGER_NAMES = ("versions_fts_bd", "versions_fts_bu", "versions_fts_au")

PG_TRIGGER = [
    f"""CREATE FUNCTION versions_fts_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE versions_fts f SET (tsv, words) = (SELECT {
        pg_vectors("NEW.title", "version_text(NEW.title, NEW.fields)")
    }) WHERE f.version_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER versions_fts_refresh AFTER UPDATE OF title, fields ON versions
        FOR EACH ROW EXECUTE FUNCTION versions_fts_refresh()""",
]


def sqlite_rebuild(connection: Connection) -> None:
    """Index every stored version again from the view (after a bulk copy or a migration)."""
    for table in SQLITE_TOKENIZERS:
        connection.execute(text(f"INSERT INTO {table} ({table}) VALUES ('delete-all')"))
        connection.execute(
            text(
                f"INSERT INTO {table} (rowid, title, text) SELECT id, title, text FROM version_texts"
            )
        )
    connection.execute(text("DELETE FROM versions_fts_meta"))
    connection.execute(text(SQLITE_META_ROWS))
