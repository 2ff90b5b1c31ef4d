-- Performance: the change feed's capture, cheaper per changed row.
--
-- Every row written on the write path fires qt_change_trigger, which
-- computes the record's scope keys (qt_scope_keys, qt_scope_expand) and
-- the keys the row had before, and merges both into the transaction's
-- change_log row.  In PL/pgSQL every expression and sub-select of that
-- chain is a statement of its own: a project update ran some twenty of
-- them (each qt_ids_union a statement, each called from another), about
-- 0.7 ms of the 1.9 ms a project update cost with 32 clients updating.
--
-- 1. qt_scope_expand reads each key set with one statement, and merges
--    in extra keys only when there are any; the results are the same
--    (sorted, distinct, no NULLs, empty arrays for none).
-- 2. The row trigger passes an old scope column only if the table has it
--    and the old row holds a value; a project row (which has none) no
--    longer carries four arrays of one NULL each.
-- 3. qt_change without extra keys (the common case: a row of the
--    record's own table changed in place) inserts the record's keys as
--    they are, without expanding and merging empty extras.
--
-- 4. The statements of these three functions run with generic plans.
--    Their parameters are arrays and ids; PostgreSQL planned most of
--    them anew on every call (a custom plan looked cheaper than the
--    generic one for '= ANY (array)'), and planning was most of their
--    cost.  The generic plans are the same index scans.
--
-- Measured in one session, backend CPU per call (deploy/bench.sh's
-- registry): qt_change for a project 255 -> 55 us; a whole
-- qt_project_update 0.81 -> 0.6 ms.
--
-- What is written to change_log is unchanged (the same keys for every
-- record type and extra keys); test_sync reads the feed it makes.

-- ---------------------------------------------------------------- 1.

CREATE OR REPLACE FUNCTION qt_scope_expand(p_projects bigint[], p_quarters bigint[],
                                           p_districts bigint[], p_offices bigint[],
                                           OUT project_ids bigint[], OUT quarter_ids bigint[],
                                           OUT district_ids bigint[], OUT office_ids bigint[])
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF cardinality(p_projects) = 1 AND p_projects[1] IS NOT NULL THEN
        project_ids := p_projects;
    ELSE
        project_ids := ARRAY(SELECT DISTINCT x FROM unnest(p_projects) x WHERE x IS NOT NULL ORDER BY 1);
    END IF;
    IF p_quarters IS NULL THEN
        quarter_ids := ARRAY(SELECT DISTINCT pq.quarter_id FROM project_quarter pq
                              WHERE pq.project_id = ANY (project_ids) ORDER BY 1);
    ELSE
        quarter_ids := ARRAY(SELECT pq.quarter_id FROM project_quarter pq
                              WHERE pq.project_id = ANY (project_ids)
                             UNION SELECT x FROM unnest(p_quarters) x WHERE x IS NOT NULL ORDER BY 1);
    END IF;
    IF p_districts IS NULL THEN
        district_ids := ARRAY(SELECT DISTINCT d.district_id FROM quarter d
                               WHERE d.id = ANY (quarter_ids) ORDER BY 1);
    ELSE
        district_ids := ARRAY(SELECT d.district_id FROM quarter d WHERE d.id = ANY (quarter_ids)
                              UNION SELECT x FROM unnest(p_districts) x WHERE x IS NOT NULL ORDER BY 1);
    END IF;
    IF p_offices IS NULL THEN
        office_ids := ARRAY(SELECT DISTINCT lo.office_id FROM project_lead_office lo
                             WHERE lo.project_id = ANY (project_ids) ORDER BY 1);
    ELSE
        office_ids := ARRAY(SELECT lo.office_id FROM project_lead_office lo
                             WHERE lo.project_id = ANY (project_ids)
                            UNION SELECT x FROM unnest(p_offices) x WHERE x IS NOT NULL ORDER BY 1);
    END IF;
END $$;

-- ---------------------------------------------------------------- 2.

-- As in 0008, but an old scope column goes along only with a value.
CREATE OR REPLACE FUNCTION qt_change_trigger() RETURNS trigger
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
        xp := CASE WHEN o->>'project_id' IS NOT NULL THEN ARRAY[(o->>'project_id')::bigint] END;
        xq := CASE WHEN o->>'quarter_id' IS NOT NULL THEN ARRAY[(o->>'quarter_id')::bigint] END;
        xd := CASE WHEN o->>'district_id' IS NOT NULL THEN ARRAY[(o->>'district_id')::bigint] END;
        xo := CASE WHEN o->>'office_id' IS NOT NULL THEN ARRAY[(o->>'office_id')::bigint] END;
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

-- ---------------------------------------------------------------- 3.

-- As in 0008; without extra keys the record's own keys go in as they
-- are (qt_scope_keys returns them sorted and distinct already).
CREATE OR REPLACE FUNCTION qt_change(p_type smallint, p_id bigint, p_deleted boolean DEFAULT false,
                                     p_projects bigint[] DEFAULT NULL, p_quarters bigint[] DEFAULT NULL,
                                     p_districts bigint[] DEFAULT NULL, p_offices bigint[] DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k record;
    x record;
    pr bigint[];
    qu bigint[];
    di bigint[];
    ofs bigint[];
BEGIN
    IF p_id IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO k FROM qt_scope_keys(p_type, p_id);
    IF p_projects IS NULL AND p_quarters IS NULL AND p_districts IS NULL AND p_offices IS NULL THEN
        pr := k.project_ids; qu := k.quarter_ids; di := k.district_ids; ofs := k.office_ids;
    ELSE
        SELECT * INTO x FROM qt_scope_expand(p_projects, p_quarters, p_districts, p_offices);
        pr := qt_ids_union(k.project_ids, x.project_ids);
        qu := qt_ids_union(k.quarter_ids, x.quarter_ids);
        di := qt_ids_union(k.district_ids, x.district_ids);
        ofs := qt_ids_union(k.office_ids, x.office_ids);
    END IF;
    INSERT INTO change_log AS c (rtype, rid, deleted, global, project_ids, quarter_ids,
                                 district_ids, office_ids)
    VALUES (p_type, p_id, p_deleted, k.global, pr, qu, di, ofs)
    ON CONFLICT (xid, rtype, rid) DO UPDATE
       SET deleted = EXCLUDED.deleted,
           project_ids = qt_ids_union(c.project_ids, EXCLUDED.project_ids),
           quarter_ids = qt_ids_union(c.quarter_ids, EXCLUDED.quarter_ids),
           district_ids = qt_ids_union(c.district_ids, EXCLUDED.district_ids),
           office_ids = qt_ids_union(c.office_ids, EXCLUDED.office_ids);
END
$$;

-- ---------------------------------------------------------------- 4.

ALTER FUNCTION qt_scope_expand(bigint[], bigint[], bigint[], bigint[])
    SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION qt_scope_keys(smallint, bigint) SET plan_cache_mode = force_generic_plan;
ALTER FUNCTION qt_change(smallint, bigint, boolean, bigint[], bigint[], bigint[], bigint[])
    SET plan_cache_mode = force_generic_plan;
