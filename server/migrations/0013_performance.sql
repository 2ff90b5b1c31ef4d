-- Performance: the same functions and constraints, cheaper to run.
--
-- 1. Helpers on the write path were LANGUAGE sql functions that PostgreSQL
--    cannot inline (they have a FROM clause or return a record).  Such a
--    function is parsed and planned again on every call from PL/pgSQL;
--    for the project_v view that is about 2 ms, and one project update
--    made some twenty such calls (two audit snapshots, the change feed's
--    scope keys and id unions, the feed mark and the account's epoch of
--    0009).  The same bodies in PL/pgSQL keep their plans for the
--    session.  Results are unchanged: each is a single-row (or aggregate)
--    query, and a missing row is NULL as before.
--
-- 2. Lookups of a person's memberships (person_v's contact offices and
--    current groups, the fellow-member rule) were planned on the GiST
--    index of the no-overlap constraint, whose leading column is
--    project_id: PostgreSQL estimates a GiST scan by a second column as
--    cheap, but it reads the whole index (some 12 ms at 100,000
--    memberships, twice per person rendered).  The constraint now leads
--    with person_id (the same rule: both columns equal and the periods
--    overlapping), and a btree serves lookups by project.
--
-- 3. A snapshot page (qt_sync_ids) was one ORDER BY over the union of all
--    sixteen record tables, filtered by a row comparison that no index
--    could use and by a scope check called per row even for the whole
--    registry: every page read every record before its position, so an
--    initial sync of 135,000 records read some nine million rows.  Now
--    each table is read by its primary key from the page's position on,
--    in type order, until the page is full; the scope check runs only
--    for a scope other than SCOPE_ALL (for which it is always true).
--
-- 4. qt_project_update evaluated project_v three times (the audit's
--    before and after, and the answer) and checked links that were not
--    being set; the after snapshot is now the answer row itself
--    (to_jsonb of the same project_v row, as qt_project_snapshot makes
--    it), and links are checked only when a list is set.  Paired runs of
--    32 updating clients: 8-17 % more updates per second.

-- ---------------------------------------------------------------- 1.

CREATE OR REPLACE FUNCTION qt_project_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(v) FROM project_v v WHERE v.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_account_group_ids(p_account bigint) RETURNS bigint[]
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN ARRAY(SELECT DISTINCT m.project_id
                   FROM person p JOIN membership m ON m.person_id = p.id
                  WHERE p.account_id = p_account
                    AND daterange(m.start_date, m.end_date, '[]') @> current_date
                  ORDER BY 1);
END $$;

CREATE OR REPLACE FUNCTION qt_person_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(p) FROM person p WHERE p.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_membership_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(m) || jsonb_build_object('person_name', p.name)
              FROM membership m JOIN person p ON p.id = m.person_id WHERE m.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_assessment_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(a) || jsonb_build_object(
                       'ratings', coalesce((SELECT jsonb_agg(jsonb_build_object(
                                                       'criterion_id', r.criterion_id,
                                                       'rating', r.rating, 'note', r.note)
                                                   ORDER BY r.criterion_id)
                                              FROM assessment_rating r WHERE r.assessment_id = a.id),
                                           '[]'),
                       'missing_ids', v.missing_ids)
              FROM assessment a JOIN assessment_v v ON v.id = a.id WHERE a.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_continuation_snapshot(p_project bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(c) || jsonb_build_object(
                       'blocks', coalesce((SELECT jsonb_agg(to_jsonb(b) - 'project_id' ORDER BY b.block)
                                             FROM continuation_block b WHERE b.project_id = c.project_id),
                                          '[]'))
              FROM continuation c WHERE c.project_id = p_project);
END $$;

CREATE OR REPLACE FUNCTION qt_meeting_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(v) FROM meeting_v v WHERE v.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_agenda_item_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(v) || jsonb_build_object('history',
                     (SELECT coalesce(jsonb_agg(to_jsonb(e) ORDER BY e.id), '[]'::jsonb)
                        FROM agenda_entry_v e WHERE e.item_id = p_id))
              FROM agenda_item_v v WHERE v.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_handover_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(v) FROM handover_v v WHERE v.id = p_id);
END $$;

CREATE OR REPLACE FUNCTION qt_goal_snapshot(p_goal bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(g) || jsonb_build_object(
                       'versions', coalesce((SELECT jsonb_agg(to_jsonb(v) - 'goal_id' ORDER BY v.version)
                                               FROM goal_version v WHERE v.goal_id = g.id), '[]'))
              FROM goal g WHERE g.id = p_goal);
END $$;

CREATE OR REPLACE FUNCTION qt_progress_snapshot(p_update bigint) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT to_jsonb(u) || jsonb_build_object(
                       'values', coalesce((SELECT jsonb_agg(to_jsonb(v) - 'update_id' ORDER BY v.goal_id)
                                             FROM progress_value v WHERE v.update_id = u.id), '[]'))
              FROM progress_update u WHERE u.id = p_update);
END $$;

CREATE OR REPLACE FUNCTION qt_ids_union(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg(DISTINCT x ORDER BY x), '{}')
              FROM unnest(coalesce(a, '{}') || coalesce(b, '{}')) AS x WHERE x IS NOT NULL);
END $$;

CREATE OR REPLACE FUNCTION qt_scope_expand(p_projects bigint[], p_quarters bigint[],
                                           p_districts bigint[], p_offices bigint[],
                                           OUT project_ids bigint[], OUT quarter_ids bigint[],
                                           OUT district_ids bigint[], OUT office_ids bigint[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    project_ids := qt_ids_union(p_projects, NULL);
    quarter_ids := qt_ids_union(p_quarters,
                       (SELECT array_agg(pq.quarter_id) FROM project_quarter pq
                         WHERE pq.project_id = ANY (coalesce(p_projects, '{}'))));
    district_ids := qt_ids_union(p_districts,
                        (SELECT array_agg(x.district_id) FROM quarter x
                          WHERE x.id = ANY (quarter_ids)));
    office_ids := qt_ids_union(p_offices,
                      (SELECT array_agg(lo.office_id) FROM project_lead_office lo
                        WHERE lo.project_id = ANY (coalesce(p_projects, '{}'))));
END $$;

-- As in 0009: the account's epoch (the feed's, with '.<generation>' once
-- the account's rights changed), and the mark of the current transaction
-- in it.  Every mutation's answer carries the mark.
CREATE OR REPLACE FUNCTION qt_feed_epoch(p_account bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT m.epoch || coalesce('.' || nullif(a.sync_gen, 0)::text, '')
              FROM feed_meta m LEFT JOIN account a ON a.id = p_account);
END $$;

CREATE OR REPLACE FUNCTION qt_feed_mark(p_account bigint) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    RETURN (SELECT qt_feed_epoch(p_account) || '/' || c.xid::text || '/' || max(c.seq)::text
              FROM change_log c WHERE c.xid = pg_current_xact_id_if_assigned() GROUP BY c.xid);
END $$;

-- ---------------------------------------------------------------- 2.

ALTER TABLE membership DROP CONSTRAINT membership_no_overlap;
ALTER TABLE membership ADD CONSTRAINT membership_no_overlap EXCLUDE USING gist (
    person_id WITH =, project_id WITH =,
    daterange(start_date, end_date, '[]') WITH &&);
CREATE INDEX membership_project_idx ON membership (project_id, person_id);

-- ---------------------------------------------------------------- 3.

CREATE OR REPLACE FUNCTION qt_sync_ids(p_kind smallint, p_scope bigint, p_after_type smallint,
                                       p_after_id bigint, p_limit integer)
RETURNS TABLE (rtype smallint, rid bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t smallint;
    tbl text;
    col text;
    room integer := coalesce(p_limit, 2147483647); -- LIMIT NULL: no limit
    got integer;
BEGIN
    -- (t, id) > (p_after_type, p_after_id), as a row comparison: types
    -- after p_after_type whole, p_after_type from p_after_id on.  Each
    -- query is planned with the page's values (a page reads one or two
    -- tables), so its position becomes a primary-key range.
    FOR t, tbl, col IN VALUES
        (1::smallint, 'district', 'id'), (2, 'quarter', 'id'), (3, 'office', 'id'),
        (4, 'organisation', 'id'), (10, 'project', 'id'), (11, 'person', 'id'),
        (12, 'membership', 'id'), (13, 'fund', 'id'), (14, 'fund_entry', 'id'),
        (15, 'assessment', 'id'), (16, 'continuation', 'project_id'), (17, 'meeting', 'id'),
        (18, 'agenda_item', 'id'), (19, 'handover', 'id'), (20, 'goal', 'id'),
        (21, 'progress_update', 'id')
    LOOP
        EXIT WHEN room <= 0;
        CONTINUE WHEN NOT (t >= p_after_type);
        RETURN QUERY EXECUTE format(
            'SELECT $1, x.%2$I FROM %1$I x WHERE ($1 > $2 OR x.%2$I > $3) '
            'AND ($4 = 0 OR qt_record_in_scope($4, $5, $1, x.%2$I)) ORDER BY x.%2$I LIMIT $6',
            tbl, col)
            USING t, p_after_type, p_after_id, p_kind, p_scope, room;
        GET DIAGNOSTICS got = ROW_COUNT;
        room := room - got;
    END LOOP;
END $$;

-- ---------------------------------------------------------------- 4.

-- As in 0001, but see 4. above.
CREATE OR REPLACE FUNCTION qt_project_update(p_actor bigint, p_id bigint, p_expected bigint,
    p_name text, p_kind text,
    p_set_quarters boolean, p_quarters bigint[],
    p_set_offices boolean, p_offices bigint[],
    p_set_coordinators boolean, p_coordinators bigint[],
    p_set_carrier boolean, p_carrier bigint,
    p_set_start boolean, p_start date,
    p_set_end boolean, p_end date,
    p_description text)
RETURNS SETOF project_v LANGUAGE plpgsql AS $$
DECLARE
    cur project%ROWTYPE;
    before_json jsonb;
    after_row project_v%ROWTYPE;
BEGIN
    SELECT * INTO cur FROM project WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'project % does not exist', p_id USING ERRCODE = 'Q0404';
    END IF;
    IF cur.version <> p_expected THEN
        RAISE EXCEPTION 'project % has version %, not %', p_id, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    IF p_set_quarters OR p_set_offices OR p_set_coordinators THEN
        PERFORM qt_check_links(CASE WHEN p_set_quarters THEN p_quarters ELSE '{}' END,
                               CASE WHEN p_set_offices THEN p_offices ELSE '{}' END,
                               CASE WHEN p_set_coordinators THEN p_coordinators ELSE '{}' END);
    END IF;
    IF p_set_carrier THEN
        PERFORM qt_check_carrier(p_carrier);
    END IF;
    before_json := qt_project_snapshot(p_id);
    UPDATE project SET
        name = coalesce(p_name, name),
        kind = coalesce(p_kind, kind),
        carrier_id = CASE WHEN p_set_carrier THEN p_carrier ELSE carrier_id END,
        start_date = CASE WHEN p_set_start THEN p_start ELSE start_date END,
        end_date = CASE WHEN p_set_end THEN p_end ELSE end_date END,
        description = coalesce(p_description, description),
        version = version + 1,
        updated_at = now()
     WHERE id = p_id;
    IF p_set_quarters THEN
        DELETE FROM project_quarter WHERE project_id = p_id;
        INSERT INTO project_quarter SELECT DISTINCT p_id, x FROM unnest(p_quarters) x;
    END IF;
    IF p_set_offices THEN
        DELETE FROM project_lead_office WHERE project_id = p_id;
        INSERT INTO project_lead_office SELECT DISTINCT p_id, x FROM unnest(p_offices) x;
    END IF;
    IF p_set_coordinators THEN
        DELETE FROM project_coordinator WHERE project_id = p_id;
        INSERT INTO project_coordinator SELECT DISTINCT p_id, x FROM unnest(p_coordinators) x;
    END IF;
    SELECT * INTO after_row FROM project_v WHERE id = p_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'project.update', 'project', p_id, before_json, to_jsonb(after_row));
    RETURN NEXT after_row;
END $$;
