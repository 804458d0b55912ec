-- 6 (issue 19, items 11 and 13): a follow asked through the comment form is bound to that
-- comment (`subscriptions.comment_id`: it ends when the comment is rejected or deleted), and
-- what each address accepted or withdrew is kept as a history (`consent_log`: when, what,
-- how), which a new request no longer overwrites. Both are the lettre's.

    ALTER TABLE subscriptions ADD COLUMN comment_id INTEGER;
    CREATE TABLE consent_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        subscriber_id INTEGER NOT NULL REFERENCES subscribers(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        event TEXT NOT NULL
            CHECK (event IN ('demande', 'confirmation', 'modification', 'desabonnement', 'fin')),
        kind TEXT NOT NULL,
        target TEXT NOT NULL DEFAULT '',
        how TEXT NOT NULL CHECK (how IN ('formulaire', 'commentaire', 'lien', 'equipe', 'signalement')),
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX consent_log_subscriber ON consent_log (subscriber_id, id);
