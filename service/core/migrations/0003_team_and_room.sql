-- 3 (writing room, issue 10): team accounts get roles (space-separated keys of
-- service.team.accounts.ROLES) and can be disabled. Existing moderators keep moderation
-- and get the writing room, the oldest also administration. One-time password links, the
-- team's log (who did what, when), article revisions (full text per save) and publication
-- jobs (a scheduled publication is a job due at the article's date).

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
