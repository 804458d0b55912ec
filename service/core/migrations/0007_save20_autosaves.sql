-- 7 (nothing lost, issue 20): per account and file, the editor's form as last typed, saved
-- while typing (never a revision, never a file): `fields` the form's fields as JSON (NULL:
-- the page is only open, a presence), `base` the revision it was opened at, `saved_at` when
-- typed, `since` and `seen_at` how long the page has been open (the « modifie depuis » line).
-- A new article not yet saved is `nouveau/<key>`, its key kept in the form.

    CREATE TABLE autosaves (
        username TEXT NOT NULL,
        path TEXT NOT NULL,
        base INTEGER,
        fields TEXT,
        saved_at TEXT,
        since TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (username, path)
    ) WITHOUT ROWID;
    CREATE INDEX autosaves_by_path ON autosaves (path, seen_at);
