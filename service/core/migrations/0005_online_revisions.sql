-- 5 (online version and work in progress, issue 18): per file of the content folder, the
-- revision its text is (`online`; NULL: no file), whether a withdrawal removed it
-- (« retiré ») and whether its date is automatic (created in the room, date left untouched:
-- its first publication dates it). A publication job keeps what the file was before it and what it wrote, so a failed
-- one puts the file back (room/store.py: ArticleStore.put_back).

    CREATE TABLE room_files (
        path TEXT PRIMARY KEY,
        online INTEGER,
        withdrawn INTEGER NOT NULL DEFAULT 0,
        auto_date INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    ALTER TABLE publish_jobs ADD COLUMN online_before INTEGER;
    ALTER TABLE publish_jobs ADD COLUMN online_after INTEGER;
    ALTER TABLE publish_jobs ADD COLUMN withdrawn_before INTEGER NOT NULL DEFAULT 0;
