-- 1: comments, moderator accounts, and the queue of e-mails to moderators.

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
