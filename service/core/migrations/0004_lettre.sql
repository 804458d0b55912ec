-- 4 (e-mail subscriptions, issue 11): « La lettre des partenaires » and following a
-- discussion, the lettres sent, the articles already announced, and the durable send queue
-- (`outbox`: one row per message and recipient, written in the transaction that causes
-- it). Addresses live only in `subscribers`. `letter_events` keeps anonymous counts for the
-- team's page.

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
