-- The change feed (Änderungsprotokoll) for client replicas, and the record
-- of applied client mutations.
--
-- Every committed change to a synced record leaves a row in change_log,
-- written by triggers in the same transaction as the change, so no write
-- path can forget it.  A row's position is (xid, seq): the writing
-- transaction's id and a sequence number.  Readers are served only rows of
-- transactions older than the oldest transaction still running
-- (pg_snapshot_xmin of the current snapshot), in (xid, seq) order: every
-- such transaction has finished, so no row can appear behind a reader's
-- cursor later.  A plain sequence alone would not do: sequence numbers are
-- taken inside the transaction, so number 12 can commit and be read before
-- number 11 commits, and a reader past 12 would never see 11.
--
-- Record types are the wire values of quartier.v1.RecordType.

CREATE TABLE feed_meta (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    epoch       text NOT NULL,           -- names this database's feed in every cursor
    pruned_xid  xid8 NOT NULL DEFAULT '0',
    pruned_seq  bigint NOT NULL DEFAULT 0, -- rows at or before (pruned_xid, pruned_seq) are gone
    dated_on    date                     -- last day the date-driven visibility changes were emitted
);
INSERT INTO feed_meta (epoch) VALUES (substr(replace(gen_random_uuid()::text, '-', ''), 1, 16));

CREATE TABLE change_log (
    xid          xid8 NOT NULL DEFAULT pg_current_xact_id(),
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    rtype        smallint NOT NULL,
    rid          bigint NOT NULL,
    deleted      boolean NOT NULL DEFAULT false,
    global       boolean NOT NULL DEFAULT false,  -- reference data: in every scope
    project_ids  bigint[] NOT NULL DEFAULT '{}',  -- scope keys, old and new
    quarter_ids  bigint[] NOT NULL DEFAULT '{}',
    district_ids bigint[] NOT NULL DEFAULT '{}',
    office_ids   bigint[] NOT NULL DEFAULT '{}',
    changed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (xid, seq)
);
-- One row per record and transaction; later changes in the same
-- transaction merge their scope keys into it.
CREATE UNIQUE INDEX change_log_once ON change_log (xid, rtype, rid);
CREATE INDEX change_log_changed_at ON change_log (changed_at);

-- Mutations applied on behalf of a client instance, recorded in the same
-- transaction as the change: a replayed mutation is answered from here and
-- never applied twice.
CREATE TABLE client_mutation (
    account_id   bigint NOT NULL REFERENCES account(id),
    client_id    text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 64),
    seq          bigint NOT NULL CHECK (seq > 0),
    request_type text NOT NULL,
    response     bytea,                  -- the serialized answer, stored right after
    applied_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT client_mutation_pkey PRIMARY KEY (account_id, client_id, seq)
);
CREATE INDEX client_mutation_applied_at ON client_mutation (applied_at);

CREATE FUNCTION qt_ids_union(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}')
      FROM unnest(coalesce(a, '{}') || coalesce(b, '{}')) AS x WHERE x IS NOT NULL
$$;

-- Scope keys of a set of projects plus extra quarters, districts, offices:
-- the projects' quarters, their districts and the offices leading them.
CREATE FUNCTION qt_scope_expand(p_projects bigint[], p_quarters bigint[], p_districts bigint[],
                                p_offices bigint[],
                                OUT project_ids bigint[], OUT quarter_ids bigint[],
                                OUT district_ids bigint[], OUT office_ids bigint[])
LANGUAGE sql STABLE AS $$
    WITH q AS (
        SELECT qt_ids_union(p_quarters,
                   (SELECT array_agg(pq.quarter_id) FROM project_quarter pq
                     WHERE pq.project_id = ANY (coalesce(p_projects, '{}')))) AS ids)
    SELECT qt_ids_union(p_projects, NULL),
           q.ids,
           qt_ids_union(p_districts,
               (SELECT array_agg(x.district_id) FROM quarter x WHERE x.id = ANY (q.ids))),
           qt_ids_union(p_offices,
               (SELECT array_agg(lo.office_id) FROM project_lead_office lo
                 WHERE lo.project_id = ANY (coalesce(p_projects, '{}'))))
      FROM q
$$;

-- The scope keys a record has now (empty arrays if it does not exist).
CREATE FUNCTION qt_scope_keys(p_type smallint, p_id bigint,
                              OUT global boolean, OUT project_ids bigint[],
                              OUT quarter_ids bigint[], OUT district_ids bigint[],
                              OUT office_ids bigint[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
    pr bigint[];
    qu bigint[];
    di bigint[];
    ofs bigint[];
BEGIN
    global := p_type BETWEEN 1 AND 4;
    IF global THEN
        project_ids := '{}'; quarter_ids := '{}'; district_ids := '{}'; office_ids := '{}';
        RETURN;
    END IF;
    CASE p_type
    WHEN 10 THEN pr := ARRAY[p_id];
    WHEN 11 THEN
        SELECT array_agg(m.project_id) INTO pr FROM membership m WHERE m.person_id = p_id;
        SELECT array_agg(p.office_id) INTO ofs FROM person p WHERE p.id = p_id;
    WHEN 12 THEN SELECT array_agg(m.project_id) INTO pr FROM membership m WHERE m.id = p_id;
    WHEN 13 THEN SELECT array_agg(f.project_id), array_agg(f.quarter_id) INTO pr, qu
                   FROM fund f WHERE f.id = p_id;
    WHEN 14 THEN SELECT array_agg(f.project_id), array_agg(f.quarter_id) INTO pr, qu
                   FROM fund_entry e JOIN fund f ON f.id = e.fund_id WHERE e.id = p_id;
    WHEN 15 THEN SELECT array_agg(a.project_id) INTO pr FROM assessment a WHERE a.id = p_id;
    WHEN 16 THEN SELECT array_agg(c.project_id) INTO pr FROM continuation c WHERE c.project_id = p_id;
    WHEN 17 THEN
        SELECT array_agg(mp.project_id) INTO pr FROM meeting_project mp WHERE mp.meeting_id = p_id;
        SELECT array_agg(mq.quarter_id) INTO qu FROM meeting_quarter mq WHERE mq.meeting_id = p_id;
        SELECT array_agg(md.district_id) INTO di FROM meeting_district md WHERE md.meeting_id = p_id;
        SELECT array_agg(m.organiser_office_id) INTO ofs FROM meeting m WHERE m.id = p_id;
    WHEN 18 THEN
        SELECT qt_ids_union(array_agg(a.origin_project_id),
                            (SELECT array_agg(ap.project_id) FROM agenda_item_project ap
                              WHERE ap.item_id = p_id)),
               array_agg(a.origin_quarter_id), array_agg(a.origin_office_id)
          INTO pr, qu, ofs FROM agenda_item a WHERE a.id = p_id;
    WHEN 19 THEN
        SELECT (SELECT array_agg(ap.project_id) FROM agenda_item_project ap WHERE ap.item_id = h.item_id),
               qt_ids_union(ARRAY[h.lead_office_id],
                            (SELECT array_agg(ho.office_id) FROM handover_office ho
                              WHERE ho.handover_id = h.id))
          INTO pr, ofs FROM handover h WHERE h.id = p_id;
    WHEN 20 THEN SELECT array_agg(g.project_id) INTO pr FROM goal g WHERE g.id = p_id;
    WHEN 21 THEN SELECT array_agg(u.project_id) INTO pr FROM progress_update u WHERE u.id = p_id;
    ELSE NULL;
    END CASE;
    SELECT e.project_ids, e.quarter_ids, e.district_ids, e.office_ids
      INTO project_ids, quarter_ids, district_ids, office_ids
      FROM qt_scope_expand(pr, qu, di, ofs) e;
END
$$;

-- Whether a record with these keys belongs to scope (kind, id); kinds are
-- the wire values of quartier.v1.ScopeKind.
CREATE FUNCTION qt_scope_match(p_kind smallint, p_id bigint, p_global boolean,
                               p_projects bigint[], p_quarters bigint[],
                               p_districts bigint[], p_offices bigint[])
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT p_kind = 0 OR p_global OR CASE p_kind
        WHEN 1 THEN p_id = ANY (p_projects)
        WHEN 2 THEN p_id = ANY (p_quarters)
        WHEN 3 THEN p_id = ANY (p_districts)
        WHEN 4 THEN p_id = ANY (p_offices)
        ELSE false END
$$;

-- Whether a record is in scope now.
CREATE FUNCTION qt_record_in_scope(p_kind smallint, p_id bigint, p_type smallint, p_rid bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT p_kind = 0 OR (SELECT qt_scope_match(p_kind, p_id, k.global, k.project_ids,
                                                k.quarter_ids, k.district_ids, k.office_ids)
                            FROM qt_scope_keys(p_type, p_rid) k)
$$;

-- Records a change of record (p_type, p_id) in the current transaction.
-- The extra keys are scopes the record had before (a project leaving a
-- quarter, a membership that moved), so readers of the old scope learn
-- that it left.
CREATE FUNCTION qt_change(p_type smallint, p_id bigint, p_deleted boolean DEFAULT false,
                          p_projects bigint[] DEFAULT NULL, p_quarters bigint[] DEFAULT NULL,
                          p_districts bigint[] DEFAULT NULL, p_offices bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k record;
    x record;
BEGIN
    IF p_id IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO k FROM qt_scope_keys(p_type, p_id);
    SELECT * INTO x FROM qt_scope_expand(p_projects, p_quarters, p_districts, p_offices);
    INSERT INTO change_log AS c (rtype, rid, deleted, global, project_ids, quarter_ids,
                                 district_ids, office_ids)
    VALUES (p_type, p_id, p_deleted, k.global,
            qt_ids_union(k.project_ids, x.project_ids), qt_ids_union(k.quarter_ids, x.quarter_ids),
            qt_ids_union(k.district_ids, x.district_ids), qt_ids_union(k.office_ids, x.office_ids))
    ON CONFLICT (xid, rtype, rid) DO UPDATE
       SET deleted = EXCLUDED.deleted,
           project_ids = qt_ids_union(c.project_ids, EXCLUDED.project_ids),
           quarter_ids = qt_ids_union(c.quarter_ids, EXCLUDED.quarter_ids),
           district_ids = qt_ids_union(c.district_ids, EXCLUDED.district_ids),
           office_ids = qt_ids_union(c.office_ids, EXCLUDED.office_ids);
END
$$;

-- A person and every membership of it: memberships carry the person, and
-- whether a reader sees its contact data depends on the reader's and the
-- person's groups.
CREATE FUNCTION qt_change_person_all(p_person bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    PERFORM qt_change(11::smallint, p_person);
    FOR r IN SELECT m.id FROM membership m WHERE m.person_id = p_person LOOP
        PERFORM qt_change(12::smallint, r.id);
    END LOOP;
END
$$;

-- The persons of project p's support group (any period) with all their
-- memberships: whether fellow members see each other's contact data
-- changes with every membership, and lead-office staff see the contact
-- data of the groups their office leads.
CREATE FUNCTION qt_change_group_persons(p bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT m.person_id FROM membership m WHERE m.project_id = p LOOP
        PERFORM qt_change_person_all(r.person_id);
    END LOOP;
END
$$;

-- Everything whose visibility or scope follows project p: its group's
-- persons and memberships, funds and entries, assessments, continuation,
-- goals, progress updates.  Emitted when the project's quarters or lead
-- offices change (contact data and draft updates are visible to
-- lead-office staff).
CREATE FUNCTION qt_change_project_all(p bigint, p_quarters bigint[] DEFAULT NULL,
                                      p_offices bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    PERFORM qt_change_group_persons(p);
    FOR r IN
        SELECT 12::smallint AS t, m.id FROM membership m WHERE m.project_id = p
        UNION SELECT 13, f.id FROM fund f WHERE f.project_id = p
        UNION SELECT 14, e.id FROM fund_entry e JOIN fund f ON f.id = e.fund_id WHERE f.project_id = p
        UNION SELECT 15, a.id FROM assessment a WHERE a.project_id = p
        UNION SELECT 16, c.project_id FROM continuation c WHERE c.project_id = p
        UNION SELECT 20, g.id FROM goal g WHERE g.project_id = p
        UNION SELECT 21, u.id FROM progress_update u WHERE u.project_id = p
    LOOP
        PERFORM qt_change(r.t, r.id, false, ARRAY[p], p_quarters, NULL, p_offices);
    END LOOP;
END
$$;

-- The generic row trigger: TG_ARGV[0] is the record type, TG_ARGV[1] the
-- column holding the record's id.  Old scope-like columns (project_id,
-- quarter_id, district_id, office_id) of the previous row version go into
-- the change as extra keys; a deleted row of the record's own table is a
-- tombstone.
CREATE FUNCTION qt_change_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    t smallint := TG_ARGV[0]::smallint;
    col text := TG_ARGV[1];
    n jsonb;
    o jsonb;
    xp bigint[];
    xq bigint[];
    xd bigint[];
    xo bigint[];
BEGIN
    IF TG_OP <> 'DELETE' THEN n := to_jsonb(NEW); END IF;
    IF TG_OP <> 'INSERT' THEN
        o := to_jsonb(OLD);
        xp := ARRAY[(o->>'project_id')::bigint];
        xq := ARRAY[(o->>'quarter_id')::bigint];
        xd := ARRAY[(o->>'district_id')::bigint];
        xo := ARRAY[(o->>'office_id')::bigint];
    END IF;
    IF n IS NOT NULL THEN
        PERFORM qt_change(t, (n->>col)::bigint, false, xp, xq, xd, xo);
    END IF;
    IF o IS NOT NULL AND (n IS NULL OR (n->>col) IS DISTINCT FROM (o->>col)) THEN
        PERFORM qt_change(t, (o->>col)::bigint, TG_OP = 'DELETE' AND col = 'id', xp, xq, xd, xo);
    END IF;
    RETURN NULL;
END
$$;

-- Side effects on visibility, beyond the record itself.
CREATE FUNCTION qt_change_visibility_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    rec record;
    p bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN rec := OLD; ELSE rec := NEW; END IF;
    IF TG_TABLE_NAME = 'person' THEN
        -- memberships carry the person
        PERFORM qt_change(12::smallint, m.id) FROM membership m WHERE m.person_id = rec.id;
        RETURN NULL;
    END IF;
    p := rec.project_id;
    IF TG_TABLE_NAME = 'membership' THEN
        PERFORM qt_change_group_persons(p);
        IF TG_OP = 'UPDATE' AND OLD.project_id <> NEW.project_id THEN
            PERFORM qt_change_group_persons(OLD.project_id);
        END IF;
    ELSIF TG_TABLE_NAME = 'project_quarter' THEN
        PERFORM qt_change_project_all(p, ARRAY[rec.quarter_id], NULL);
    ELSIF TG_TABLE_NAME = 'project_lead_office' THEN
        PERFORM qt_change_project_all(p, NULL, ARRAY[rec.office_id]);
    ELSIF TG_TABLE_NAME = 'project_coordinator' THEN
        -- submitted and returned updates are visible to the coordinators
        PERFORM qt_change(21::smallint, u.id) FROM progress_update u WHERE u.project_id = p;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER change_district AFTER INSERT OR UPDATE OR DELETE ON district
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('1', 'id');
CREATE TRIGGER change_quarter AFTER INSERT OR UPDATE OR DELETE ON quarter
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('2', 'id');
CREATE TRIGGER change_office AFTER INSERT OR UPDATE OR DELETE ON office
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('3', 'id');
CREATE TRIGGER change_organisation AFTER INSERT OR UPDATE OR DELETE ON organisation
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('4', 'id');
CREATE TRIGGER change_project AFTER INSERT OR UPDATE OR DELETE ON project
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('10', 'id');
CREATE TRIGGER change_project_quarter AFTER INSERT OR UPDATE OR DELETE ON project_quarter
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('10', 'project_id');
CREATE TRIGGER change_project_lead_office AFTER INSERT OR UPDATE OR DELETE ON project_lead_office
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('10', 'project_id');
CREATE TRIGGER change_project_coordinator AFTER INSERT OR UPDATE OR DELETE ON project_coordinator
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('10', 'project_id');
CREATE TRIGGER change_person AFTER INSERT OR UPDATE OR DELETE ON person
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('11', 'id');
CREATE TRIGGER change_membership AFTER INSERT OR UPDATE OR DELETE ON membership
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('12', 'id');
CREATE TRIGGER change_membership_person AFTER INSERT OR UPDATE OR DELETE ON membership
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('11', 'person_id');
CREATE TRIGGER change_fund AFTER INSERT OR UPDATE OR DELETE ON fund
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('13', 'id');
CREATE TRIGGER change_fund_entry AFTER INSERT OR UPDATE OR DELETE ON fund_entry
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('14', 'id');
CREATE TRIGGER change_fund_entry_fund AFTER INSERT OR UPDATE OR DELETE ON fund_entry
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('13', 'fund_id');
CREATE TRIGGER change_assessment AFTER INSERT OR UPDATE OR DELETE ON assessment
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('15', 'id');
CREATE TRIGGER change_assessment_rating AFTER INSERT OR UPDATE OR DELETE ON assessment_rating
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('15', 'assessment_id');
CREATE TRIGGER change_continuation AFTER INSERT OR UPDATE OR DELETE ON continuation
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('16', 'project_id');
CREATE TRIGGER change_continuation_block AFTER INSERT OR UPDATE OR DELETE ON continuation_block
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('16', 'project_id');
CREATE TRIGGER change_meeting AFTER INSERT OR UPDATE OR DELETE ON meeting
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'id');
CREATE TRIGGER change_meeting_quarter AFTER INSERT OR UPDATE OR DELETE ON meeting_quarter
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'meeting_id');
CREATE TRIGGER change_meeting_district AFTER INSERT OR UPDATE OR DELETE ON meeting_district
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'meeting_id');
CREATE TRIGGER change_meeting_project AFTER INSERT OR UPDATE OR DELETE ON meeting_project
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'meeting_id');
CREATE TRIGGER change_meeting_participant AFTER INSERT OR UPDATE OR DELETE ON meeting_participant
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'meeting_id');
CREATE TRIGGER change_agenda_item AFTER INSERT OR UPDATE OR DELETE ON agenda_item
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('18', 'id');
CREATE TRIGGER change_agenda_item_project AFTER INSERT OR UPDATE OR DELETE ON agenda_item_project
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('18', 'item_id');
CREATE TRIGGER change_agenda_item_history AFTER INSERT OR UPDATE OR DELETE ON agenda_item_history
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('18', 'item_id');
CREATE TRIGGER change_agenda_history_meeting AFTER INSERT OR UPDATE OR DELETE ON agenda_item_history
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'meeting_id');
CREATE TRIGGER change_handover AFTER INSERT OR UPDATE OR DELETE ON handover
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('19', 'id');
CREATE TRIGGER change_handover_meeting AFTER INSERT OR UPDATE OR DELETE ON handover
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('17', 'meeting_id');
CREATE TRIGGER change_handover_office AFTER INSERT OR UPDATE OR DELETE ON handover_office
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('19', 'handover_id');
CREATE TRIGGER change_goal AFTER INSERT OR UPDATE OR DELETE ON goal
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('20', 'id');
CREATE TRIGGER change_goal_version AFTER INSERT OR UPDATE OR DELETE ON goal_version
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('20', 'goal_id');
CREATE TRIGGER change_progress_update AFTER INSERT OR UPDATE OR DELETE ON progress_update
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('21', 'id');
CREATE TRIGGER change_progress_value AFTER INSERT OR UPDATE OR DELETE ON progress_value
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('21', 'update_id');
CREATE TRIGGER change_progress_event AFTER INSERT OR UPDATE OR DELETE ON progress_update_event
    FOR EACH ROW EXECUTE FUNCTION qt_change_trigger('21', 'update_id');

CREATE TRIGGER change_visibility_person AFTER UPDATE ON person
    FOR EACH ROW EXECUTE FUNCTION qt_change_visibility_trigger();
CREATE TRIGGER change_visibility_membership AFTER INSERT OR UPDATE OR DELETE ON membership
    FOR EACH ROW EXECUTE FUNCTION qt_change_visibility_trigger();
CREATE TRIGGER change_visibility_project_quarter AFTER INSERT OR DELETE ON project_quarter
    FOR EACH ROW EXECUTE FUNCTION qt_change_visibility_trigger();
CREATE TRIGGER change_visibility_lead_office AFTER INSERT OR DELETE ON project_lead_office
    FOR EACH ROW EXECUTE FUNCTION qt_change_visibility_trigger();
CREATE TRIGGER change_visibility_coordinator AFTER INSERT OR DELETE ON project_coordinator
    FOR EACH ROW EXECUTE FUNCTION qt_change_visibility_trigger();

-- The feed position of the current transaction's last change, as
-- "epoch/xid/seq", or NULL if it changed no synced record.  Called after a
-- mutation function in the same statement.
CREATE FUNCTION qt_feed_mark() RETURNS text
LANGUAGE sql VOLATILE AS $$
    SELECT (SELECT epoch FROM feed_meta) || '/' || c.xid::text || '/' || max(c.seq)::text
      FROM change_log c WHERE c.xid = pg_current_xact_id_if_assigned() GROUP BY c.xid
$$;

-- Membership periods start and end by the calendar, not by a write: once a
-- day the persons of groups whose memberships began or ended since the last
-- run are emitted again (fellow members' sight of contact data changes).
CREATE FUNCTION qt_feed_dated() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    since date;
    n integer := 0;
    r record;
BEGIN
    SELECT dated_on INTO since FROM feed_meta FOR UPDATE;
    IF since IS NOT NULL AND since >= current_date THEN
        RETURN 0;
    END IF;
    FOR r IN SELECT DISTINCT m.project_id FROM membership m
              WHERE (m.start_date > coalesce(since, current_date - 1) AND m.start_date <= current_date)
                 OR (m.end_date >= coalesce(since, current_date - 1) AND m.end_date < current_date)
    LOOP
        PERFORM qt_change_group_persons(r.project_id);
        n := n + 1;
    END LOOP;
    UPDATE feed_meta SET dated_on = current_date;
    RETURN n;
END
$$;

-- Forgets feed rows older than p_keep (a cursor before them then gets a
-- resync answer) and mutation records older than p_keep_mutations.
-- Returns the number of feed rows removed.
CREATE FUNCTION qt_feed_prune(p_keep interval, p_keep_mutations interval) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    px xid8;
    ps bigint;
    n bigint;
BEGIN
    SELECT c.xid, c.seq INTO px, ps FROM change_log c
     WHERE c.changed_at < now() - p_keep
       AND c.xid < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY c.xid DESC, c.seq DESC LIMIT 1;
    DELETE FROM client_mutation WHERE applied_at < now() - p_keep_mutations;
    IF px IS NULL THEN
        RETURN 0;
    END IF;
    DELETE FROM change_log c WHERE (c.xid, c.seq) <= (px, ps);
    GET DIAGNOSTICS n = ROW_COUNT;
    UPDATE feed_meta SET pruned_xid = px, pruned_seq = ps
     WHERE (pruned_xid, pruned_seq) < (px, ps);
    RETURN n;
END
$$;

-- Snapshot listing: the synced records in scope, by (type, id), after
-- (p_after_type, p_after_id).
CREATE FUNCTION qt_sync_ids(p_kind smallint, p_scope bigint, p_after_type smallint,
                            p_after_id bigint, p_limit integer)
RETURNS TABLE (rtype smallint, rid bigint)
LANGUAGE sql STABLE AS $$
    SELECT a.t::smallint, a.id FROM (
        SELECT 1::smallint AS t, id FROM district
        UNION ALL SELECT 2, id FROM quarter
        UNION ALL SELECT 3, id FROM office
        UNION ALL SELECT 4, id FROM organisation
        UNION ALL SELECT 10, id FROM project
        UNION ALL SELECT 11, id FROM person
        UNION ALL SELECT 12, id FROM membership
        UNION ALL SELECT 13, id FROM fund
        UNION ALL SELECT 14, id FROM fund_entry
        UNION ALL SELECT 15, id FROM assessment
        UNION ALL SELECT 16, project_id FROM continuation
        UNION ALL SELECT 17, id FROM meeting
        UNION ALL SELECT 18, id FROM agenda_item
        UNION ALL SELECT 19, id FROM handover
        UNION ALL SELECT 20, id FROM goal
        UNION ALL SELECT 21, id FROM progress_update) a
     WHERE (a.t, a.id) > (p_after_type, p_after_id)
       AND qt_record_in_scope(p_kind, p_scope, a.t::smallint, a.id)
     ORDER BY a.t, a.id
     LIMIT p_limit
$$;
