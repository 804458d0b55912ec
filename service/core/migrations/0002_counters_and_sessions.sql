-- 2: comment numbers are never reused (AUTOINCREMENT). Deleting a comment no longer
-- cascades to other people's replies (an erased comment with replies stays as a
-- placeholder, `erased`). Flood and login counters, used form tokens and moderator
-- sessions are stored, so they hold across restarts and processes.

    CREATE TABLE comments_v2 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        article_slug TEXT NOT NULL,
        parent_id INTEGER REFERENCES comments(id),
        author_name TEXT NOT NULL,
        author_email TEXT NOT NULL,
        author_url TEXT NOT NULL DEFAULT '',
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
        spam_reason TEXT NOT NULL DEFAULT '',
        is_official INTEGER NOT NULL DEFAULT 0,
        ip_hash TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        moderated_at TEXT,
        moderated_by TEXT,
        erased INTEGER NOT NULL DEFAULT 0
    );
    INSERT INTO comments_v2 (id, article_slug, parent_id, author_name, author_email, author_url,
        body, status, spam_reason, is_official, ip_hash, created_at, updated_at, moderated_at,
        moderated_by)
        SELECT id, article_slug, parent_id, author_name, author_email, author_url, body, status,
        spam_reason, is_official, ip_hash, created_at, updated_at, moderated_at, moderated_by
        FROM comments;
    DROP TABLE comments;
    ALTER TABLE comments_v2 RENAME TO comments;
    CREATE INDEX comments_article_status ON comments (article_slug, status, created_at);
    CREATE INDEX comments_status_created ON comments (status, created_at);
    CREATE INDEX comments_email ON comments (author_email);
    CREATE INDEX comments_parent ON comments (parent_id);
    CREATE TABLE rate_events (
        bucket TEXT NOT NULL,
        key TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX rate_events_key ON rate_events (bucket, key, at);
    CREATE TABLE used_tokens (
        nonce TEXT PRIMARY KEY,
        used_at REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES moderators(username) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL
    ) WITHOUT ROWID;
