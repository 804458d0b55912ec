"""The comment store's schema: the ordered migrations `db.migrate()` applies.

Append new migrations at the end; never edit one that has shipped (a database of any older
version upgrades in place by running those past its `PRAGMA user_version`).
"""

MIGRATIONS = [
    """
    CREATE TABLE comments (
        id INTEGER PRIMARY KEY,
        article_slug TEXT NOT NULL,
        parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
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
        moderated_by TEXT
    );
    CREATE INDEX comments_article_status ON comments (article_slug, status, created_at);
    CREATE INDEX comments_status_created ON comments (status, created_at);
    CREATE INDEX comments_email ON comments (author_email);
    CREATE TABLE moderators (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE notifications (
        id INTEGER PRIMARY KEY,
        comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        sent_at TEXT
    );
    CREATE INDEX notifications_due ON notifications (sent_at, next_attempt_at);
    """,
    # 2: comment numbers are never reused (AUTOINCREMENT); deleting a comment no longer
    # cascades to other people's replies (an erased comment with replies stays as a
    # placeholder, `erased`); flood and login counters, used form tokens and moderator
    # sessions are stored, so they hold across restarts and processes.
    """
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
    """,
    # 3 (writing room, issue 10): team accounts get roles (space-separated keys of
    # service.team.accounts.ROLES) and can be disabled; existing moderators keep moderation
    # and get the writing room, the oldest also administration. One-time password links, the
    # team's log (who did what, when), article revisions (full text per save) and publication
    # jobs (a scheduled publication is a job due at the article's date).
    """
    ALTER TABLE moderators ADD COLUMN roles TEXT NOT NULL DEFAULT 'moderation';
    ALTER TABLE moderators ADD COLUMN disabled_at TEXT;
    UPDATE moderators SET roles = 'moderation redaction';
    UPDATE moderators SET roles = 'administration moderation redaction'
        WHERE id = (SELECT min(id) FROM moderators);
    CREATE TABLE password_links (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL REFERENCES moderators(username) ON DELETE CASCADE,
        created_by TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL,
        used_at REAL
    ) WITHOUT ROWID;
    CREATE TABLE team_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX team_log_target ON team_log (target, id);
    CREATE TABLE revisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        number INTEGER NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (path, number)
    );
    CREATE TABLE publish_jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        requested_by TEXT NOT NULL,
        requested_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        path TEXT NOT NULL DEFAULT '',
        status_from TEXT,
        status_to TEXT,
        due_at TEXT,
        state TEXT NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'done', 'failed')),
        stage TEXT NOT NULL DEFAULT '',
        started_at TEXT,
        finished_at TEXT,
        message TEXT NOT NULL DEFAULT '',
        seconds REAL
    );
    CREATE INDEX publish_jobs_state ON publish_jobs (state, due_at);
    """,
    # 4 (e-mail subscriptions, issue 11): « La lettre des partenaires » and following a
    # discussion, the lettres sent, the articles already announced, and the durable send queue
    # (`outbox`: one row per message and recipient, written in the transaction that causes
    # it). Addresses live only in `subscribers`; `letter_events` keeps anonymous counts for the
    # team's page.
    """
    CREATE TABLE subscribers (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        link_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        confirmed_at TEXT,
        bounces INTEGER NOT NULL DEFAULT 0,
        suspended_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE subscriptions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('lettre', 'reponses', 'article')),
        target TEXT NOT NULL DEFAULT '',
        themes TEXT NOT NULL DEFAULT '',
        rhythm TEXT NOT NULL DEFAULT 'each' CHECK (rhythm IN ('each', 'weekly')),
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'ended')),
        consent TEXT NOT NULL,
        created_at TEXT NOT NULL,
        confirmed_at TEXT,
        ended_at TEXT,
        end_reason TEXT NOT NULL DEFAULT '',
        UNIQUE (subscriber_id, kind, target)
    );
    CREATE INDEX subscriptions_target ON subscriptions (kind, target, status);
    CREATE TABLE letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('article', 'digest')),
        period TEXT NOT NULL,
        subject TEXT NOT NULL,
        articles TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (kind, period)
    );
    CREATE TABLE announced (
        slug TEXT PRIMARY KEY,
        announced_at TEXT NOT NULL,
        letter_id INTEGER REFERENCES letters(id),
        digest_id INTEGER REFERENCES letters(id),
        article TEXT NOT NULL DEFAULT ''
    ) WITHOUT ROWID;
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL
            CHECK (kind IN ('confirmation', 'deja-abonne', 'lettre', 'reponse', 'essai')),
        subscriber_id INTEGER REFERENCES subscribers(id) ON DELETE CASCADE,
        subscription_id INTEGER REFERENCES subscriptions(id) ON DELETE CASCADE,
        recipient TEXT NOT NULL DEFAULT '',
        letter_id INTEGER REFERENCES letters(id),
        comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
        detail TEXT NOT NULL DEFAULT '',
        dedupe TEXT UNIQUE,
        status TEXT NOT NULL DEFAULT 'queued'
            CHECK (status IN ('queued', 'sending', 'handed', 'sent', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        last_error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_subscriber ON outbox (subscriber_id);
    CREATE INDEX outbox_comment ON outbox (comment_id);
    CREATE TABLE letter_events (
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE INDEX letter_events_at ON letter_events (at);
    CREATE TABLE letter_state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
]
