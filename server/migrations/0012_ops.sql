-- Operations: word of account and session changes for every running
-- server.
--
-- A disable, a role change or a revoked session (logout, revoke-sessions,
-- account-disable on the host, an admin request on another instance)
-- notifies the channel quartier_account with the account's id.  Every
-- quartierd LISTENs on a connection of its own and checks its logged-in
-- connections of that account against the database (session_check.c), so
-- the change reaches connections on every instance sharing the database
-- within moments.  Account changes are rare; logins and requests notify
-- nothing, so no NOTIFY sits on the request path.

CREATE FUNCTION qt_account_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    acct bigint;
BEGIN
    IF TG_TABLE_NAME = 'session' THEN
        IF TG_OP = 'DELETE' THEN acct := OLD.account_id; ELSE acct := NEW.account_id; END IF;
    ELSE
        IF TG_OP = 'DELETE' THEN acct := OLD.id; ELSE acct := NEW.id; END IF;
    END IF;
    -- Identical notifications of one transaction are delivered once.
    PERFORM pg_notify('quartier_account', acct::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER account_notify AFTER UPDATE ON account
    FOR EACH ROW
    WHEN (OLD.disabled IS DISTINCT FROM NEW.disabled OR OLD.role IS DISTINCT FROM NEW.role
          OR OLD.office_id IS DISTINCT FROM NEW.office_id
          OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
          OR OLD.district_id IS DISTINCT FROM NEW.district_id)
    EXECUTE FUNCTION qt_account_notify();
CREATE TRIGGER account_notify_delete AFTER DELETE ON account
    FOR EACH ROW EXECUTE FUNCTION qt_account_notify();
CREATE TRIGGER session_notify AFTER UPDATE OF revoked_at ON session
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION qt_account_notify();
CREATE TRIGGER session_notify_delete AFTER DELETE ON session
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL)
    EXECUTE FUNCTION qt_account_notify();

-- ------------------------------------------------------------------
-- Backups and restores of the change feed.
--
-- Feed positions are transaction ids (xid8) of the cluster that wrote them
-- (migration 0008).  A database restored from pg_dump brings its positions
-- along, but not the transaction counter of its cluster:
--  * In another cluster the counter may lie far below the stored
--    positions.  New changes would get smaller positions than old ones and
--    be served only once the counter passed the old ones -- and a client's
--    cursor from the old cluster would pass over them without a word.
--  * Replicas that pulled after the backup was taken hold changes the
--    restored database lacks; their cursors must not continue.
-- So the feed records which cluster, database and table its positions
-- belong to (feed_meta.home), a backup records how far it reaches
-- (backup_xid: the transaction horizon just before the dump), and the
-- restore procedure (deploy/quartier-backup, qt_feed_restored()) records the
-- positions between that mark and the first transaction of the restored
-- database as a gap: a cursor at or before the mark continues, one inside
-- the gap gets a resync answer.  In another cluster that is only safe once
-- the cluster's transaction ids lie above every position the old one can
-- have handed out, i.e. its xid epoch is higher (pg_resetwal -e); until
-- then the restore is refused, or the feed starts a new epoch and every
-- replica begins again.  A server starting on a feed that belongs
-- elsewhere (restored or copied without the procedure) starts a new epoch
-- itself (qt_feed_check()).

ALTER TABLE feed_meta
    ADD COLUMN home text,           -- "system identifier/database oid/feed_meta oid"; NULL until known
    ADD COLUMN backup_xid xid8,     -- horizon when the last backup was marked
    ADD COLUMN backup_at timestamptz;

CREATE TABLE feed_gap (
    from_xid    xid8 NOT NULL,      -- cursors after (from_xid, 0) ...
    to_xid      xid8 NOT NULL,      -- ... and below to_xid get resync
    restored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (from_xid, to_xid)
);

-- Where this database's feed positions are written: the cluster (system
-- identifier), the database and the feed_meta table.  A restore or a copy
-- changes at least one of them.
CREATE FUNCTION qt_feed_home() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT (SELECT system_identifier FROM pg_control_system())::text || '/'
        || (SELECT oid FROM pg_database WHERE datname = current_database())::text || '/'
        || 'feed_meta'::regclass::oid::text
$$;

-- The xid epoch of a position.
CREATE FUNCTION qt_xid8_epoch(x xid8) RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
    SELECT x::text::bigint >> 32
$$;

-- Whether a client's cursor (p_xid, p_seq) can no longer be continued: the
-- feed was pruned past it, it lies beyond every transaction of this
-- cluster, or in the gap a restore left.
CREATE FUNCTION qt_feed_cursor_lost(p_xid xid8, p_seq bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM feed_meta m WHERE (p_xid, p_seq) < (m.pruned_xid, m.pruned_seq))
        OR p_xid > pg_snapshot_xmax(pg_current_snapshot())
        OR EXISTS (SELECT 1 FROM feed_gap g
                    WHERE (p_xid, p_seq) > (g.from_xid, 0) AND p_xid < g.to_xid)
$$;

-- Marks how far a backup taken right after reaches: every transaction
-- below the current horizon has finished, so the dump holds all of their
-- changes.  Returns the epoch and the mark.
CREATE FUNCTION qt_feed_backup_mark(OUT epoch text, OUT backup_xid xid8)
LANGUAGE sql AS $$
    UPDATE feed_meta SET backup_xid = pg_snapshot_xmin(pg_current_snapshot()),
                         backup_at = now(),
                         home = coalesce(home, qt_feed_home())
    RETURNING epoch, backup_xid
$$;

-- A new epoch: every replica's cursor is refused and it begins again with
-- a snapshot.  The feed's rows are dropped: their positions may belong to
-- another cluster's numbering.  Returns the new epoch.
CREATE FUNCTION qt_feed_new_epoch() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    e text := substr(replace(gen_random_uuid()::text, '-', ''), 1, 16);
BEGIN
    DELETE FROM change_log;
    DELETE FROM feed_gap;
    UPDATE feed_meta SET epoch = e, pruned_xid = '0', pruned_seq = 0, home = qt_feed_home(),
                         backup_xid = NULL, backup_at = NULL;
    RETURN e;
END
$$;

-- The xid epoch this cluster must reach before a restored feed can keep
-- its epoch, or NULL if it has: in the cluster the positions were written
-- in, the next transaction id must lie above all of them; in another
-- cluster, its epoch must lie above theirs (the old cluster may have
-- handed out positions after the backup, up to the end of that epoch).
CREATE FUNCTION qt_feed_epoch_needed() RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE
    m feed_meta;
    hi xid8;
    next xid8 := pg_snapshot_xmax(pg_current_snapshot());
BEGIN
    SELECT * INTO m FROM feed_meta;
    SELECT c.xid INTO hi FROM change_log c ORDER BY c.xid DESC LIMIT 1;
    IF hi IS NULL OR hi < m.pruned_xid THEN hi := m.pruned_xid; END IF;
    IF m.backup_xid IS NOT NULL AND hi < m.backup_xid THEN hi := m.backup_xid; END IF;
    IF m.home IS NOT NULL AND split_part(m.home, '/', 1) = split_part(qt_feed_home(), '/', 1) THEN
        IF next > hi THEN
            RETURN NULL;
        END IF;
    ELSIF qt_xid8_epoch(next) > qt_xid8_epoch(hi) THEN
        RETURN NULL;
    END IF;
    RETURN qt_xid8_epoch(hi) + 1;
END
$$;

-- Run once after pg_restore of a backup into an empty database
-- (quartier-backup restore or finish), before quartierd starts on it.
-- status 'continued': the epoch is kept; replicas whose cursor lies at or
-- before the backup's mark continue, later ones start anew.  'new_epoch':
-- asked for, or the backup carries no mark; every replica starts anew.
-- 'unchanged': the feed already belongs to this database (nothing was
-- restored, or it was finished before).  Raises Q0412 if this cluster's
-- transaction ids do not lie above the backup's positions (see
-- qt_feed_epoch_needed()).
CREATE FUNCTION qt_feed_restored(p_new_epoch boolean DEFAULT false,
                                 OUT status text, OUT epoch text, OUT detail text)
LANGUAGE plpgsql AS $$
DECLARE
    m feed_meta;
    here text := qt_feed_home();
    needed bigint;
    serving bigint;
    cur xid8;
BEGIN
    SELECT * INTO m FROM feed_meta FOR UPDATE;
    IF m.home = here AND NOT p_new_epoch THEN
        status := 'unchanged';
        epoch := m.epoch;
        detail := 'the change feed already belongs to this database';
        RETURN;
    END IF;
    IF p_new_epoch OR m.backup_xid IS NULL THEN
        epoch := qt_feed_new_epoch();
        status := 'new_epoch';
        detail := CASE WHEN p_new_epoch THEN 'a new epoch was asked for'
                       ELSE 'the backup carries no mark (it was not made by quartier-backup dump)'
                  END || '; every replica starts again with a snapshot';
        RETURN;
    END IF;
    -- In the same cluster the old database shares the transaction counter:
    -- while quartierd still serves it, its replicas get positions above
    -- the gap recorded here, and moved to this database they would pass
    -- over its changes.  (quartierd's LISTEN connection names itself.)
    IF split_part(m.home, '/', 1) = split_part(here, '/', 1)
       AND split_part(m.home, '/', 2) <> split_part(here, '/', 2) THEN
        SELECT count(*) INTO serving FROM pg_stat_activity
         WHERE datid = split_part(m.home, '/', 2)::oid AND application_name = 'quartierd listen';
        IF serving > 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'Q0412',
                MESSAGE = format('quartierd still serves the database the backup was taken from '
                                 '(%s instance(s) connected)', serving),
                HINT = 'stop quartierd there first and finish again: replicas syncing there '
                       'afterwards could miss changes of the restored database';
        END IF;
    END IF;
    needed := qt_feed_epoch_needed();
    IF needed IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'Q0412',
            MESSAGE = format('the transaction ids of this cluster (epoch %s) do not lie above '
                             'the change-feed positions of the backup',
                             qt_xid8_epoch(pg_snapshot_xmax(pg_current_snapshot()))),
            HINT = format('stop the cluster, run pg_resetwal -e %s on its data directory, start '
                          'it and finish again; or finish with a new epoch (every replica then '
                          'starts again with a snapshot)', needed);
    END IF;
    cur := pg_current_xact_id();
    INSERT INTO feed_gap (from_xid, to_xid) VALUES (m.backup_xid, cur) ON CONFLICT DO NOTHING;
    UPDATE feed_meta SET home = here;
    status := 'continued';
    epoch := m.epoch;
    detail := format('replicas whose cursor lies at or before %s continue; later ones start '
                     'again with a snapshot', m.backup_xid);
END
$$;

-- Run by quartierd at start: a feed whose home is another database or
-- cluster was restored or copied without qt_feed_restored(); its positions
-- cannot be trusted, so it gets a new epoch.  A feed without a home yet
-- (created before this migration) adopts this database.  Returns the new
-- epoch, or NULL if nothing changed.
CREATE FUNCTION qt_feed_check() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    here text := qt_feed_home();
    h text;
BEGIN
    IF (SELECT home FROM feed_meta) = here THEN
        RETURN NULL;
    END IF;
    SELECT home INTO h FROM feed_meta FOR UPDATE;
    IF h = here THEN
        RETURN NULL;  -- another instance settled it meanwhile
    END IF;
    IF h IS NULL THEN
        UPDATE feed_meta SET home = here;
        RETURN NULL;
    END IF;
    RETURN qt_feed_new_epoch();
END
$$;
