-- An account's rights generation in its sync cursors.
--
-- What an account may read follows from its role and the office,
-- organisation or district the role is bound to.  When one of those
-- changes, every record the account holds in its replicas may be seen
-- differently (contact data, draft updates, whole projects), and no row of
-- change_log names the account.  So the account's cursors carry the
-- generation of its rights: a cursor of an older generation gets an explicit
-- resync, and the replica is rebuilt under the new rights.

ALTER TABLE account ADD COLUMN sync_gen integer NOT NULL DEFAULT 0;

CREATE FUNCTION qt_account_sync_gen_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.role IS DISTINCT FROM OLD.role
       OR NEW.office_id IS DISTINCT FROM OLD.office_id
       OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id
       OR NEW.district_id IS DISTINCT FROM OLD.district_id THEN
        NEW.sync_gen := OLD.sync_gen + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER account_sync_gen BEFORE UPDATE ON account
    FOR EACH ROW EXECUTE FUNCTION qt_account_sync_gen_trigger();

-- The epoch an account's cursors carry: the feed's epoch, and from the
-- first change of the account's rights on ".<generation>".  NULL account
-- (internal callers): the feed's epoch.
CREATE FUNCTION qt_feed_epoch(p_account bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT m.epoch || coalesce('.' || nullif(a.sync_gen, 0)::text, '')
      FROM feed_meta m LEFT JOIN account a ON a.id = p_account
$$;

-- As qt_feed_mark() of 0008, in the epoch of the given account.
CREATE FUNCTION qt_feed_mark(p_account bigint) RETURNS text
LANGUAGE sql VOLATILE AS $$
    SELECT qt_feed_epoch(p_account) || '/' || c.xid::text || '/' || max(c.seq)::text
      FROM change_log c WHERE c.xid = pg_current_xact_id_if_assigned() GROUP BY c.xid
$$;

-- Whether the account still has the rights a server holds for it (its
-- role and the office, organisation or district of that role).  A server
-- learns of a change of rights a moment after it is committed; until then
-- a sync answer would be rendered under the old rights in the new epoch,
-- so sync requests refuse to answer (retryably) while this is false.
CREATE FUNCTION qt_account_rights_are(p_account bigint, p_role text, p_office bigint,
                                      p_organisation bigint, p_district bigint)
RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((
        SELECT a.role = p_role AND NOT a.disabled AND CASE a.role
                   WHEN 'office' THEN a.office_id IS NOT DISTINCT FROM p_office
                   WHEN 'coordinator' THEN a.organisation_id IS NOT DISTINCT FROM p_organisation
                   WHEN 'district_head' THEN a.district_id IS NOT DISTINCT FROM p_district
                   ELSE true END
          FROM account a WHERE a.id = p_account), false)
$$;
