-- Performance: the sync render functions of 0015 with one plan each.
--
-- 1. qt_sync_memberships called qt_sync_persons with a sub-select as its
--    argument.  A SQL function called that way is not inlined, and its
--    body is parsed and planned anew on every call: about 1 ms of the
--    6 ms a page of 250 memberships cost.  It now passes the page's
--    person ids in a variable to qt_sync_persons, which (2.) keeps its
--    plan.
--
-- 2. The three functions are PL/pgSQL with plan_cache_mode =
--    force_generic_plan, so each backend plans their query once.  As SQL
--    functions they were inlined into quartierd's prepared statements,
--    whose first five executions on every pool connection get custom
--    plans.  With the page's 250 ids known, the planner chose hash joins
--    over whole tables (all 12,000 lead-office rows for a page of
--    persons), three times slower than the generic plan's index probes:
--    a page of 250 memberships took 15.7 ms with custom plans against
--    5.2 ms with the generic one, and a snapshot runs some 25 such pages
--    per connection.
--
-- The rows returned are the same as before (the views' rows);
-- tests/test_sync.c compares the records rendered from them with the
-- get requests' answers.

CREATE OR REPLACE FUNCTION qt_sync_projects(p_ids bigint[]) RETURNS SETOF project_v
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    WITH qs AS (
        SELECT pq.project_id,
               array_agg(pq.quarter_id ORDER BY pq.quarter_id) AS ids,
               array_agg(q.name ORDER BY pq.quarter_id) AS names,
               string_agg(DISTINCT d.name, ', ') AS districts
          FROM project_quarter pq
          JOIN quarter q ON q.id = pq.quarter_id
          JOIN district d ON d.id = q.district_id
         WHERE pq.project_id = ANY (p_ids)
         GROUP BY pq.project_id),
    los AS (
        SELECT lo.project_id,
               array_agg(lo.office_id ORDER BY lo.office_id) AS ids,
               array_agg(f.name ORDER BY lo.office_id) AS names
          FROM project_lead_office lo
          JOIN office f ON f.id = lo.office_id
         WHERE lo.project_id = ANY (p_ids)
         GROUP BY lo.project_id),
    cs AS (
        SELECT pc.project_id, array_agg(pc.account_id ORDER BY pc.account_id) AS ids
          FROM project_coordinator pc
         WHERE pc.project_id = ANY (p_ids)
         GROUP BY pc.project_id)
    SELECT p.id, p.version, p.name, p.kind, p.status, p.carrier_id, o.name,
           p.start_date::text, p.end_date::text, p.description,
           extract(epoch FROM p.created_at)::bigint, extract(epoch FROM p.updated_at)::bigint,
           coalesce(qs.ids, '{}'), coalesce(qs.names, '{}'),
           coalesce(los.ids, '{}'), coalesce(los.names, '{}'),
           coalesce(cs.ids, '{}'), qs.districts
      FROM project p
      LEFT JOIN organisation o ON o.id = p.carrier_id
      LEFT JOIN qs ON qs.project_id = p.id
      LEFT JOIN los ON los.project_id = p.id
      LEFT JOIN cs ON cs.project_id = p.id
     WHERE p.id = ANY (p_ids);
END $$;

CREATE OR REPLACE FUNCTION qt_sync_persons(p_ids bigint[]) RETURNS SETOF person_v
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    WITH m AS MATERIALIZED (
        SELECT m.person_id, m.project_id,
               daterange(m.start_date, m.end_date, '[]') @> current_date AS today
          FROM membership m
         WHERE m.person_id = ANY (p_ids)),
    co AS (
        SELECT m.person_id, array_agg(DISTINCT lo.office_id ORDER BY lo.office_id) AS ids
          FROM m
          JOIN project_lead_office lo ON lo.project_id = m.project_id
         GROUP BY m.person_id),
    gr AS (
        SELECT m.person_id, array_agg(DISTINCT m.project_id ORDER BY m.project_id) AS ids
          FROM m
         WHERE m.today
         GROUP BY m.person_id)
    SELECT p.id, p.version, p.name, p.function, p.office_id, f.name, p.organisation_id,
           o.name, p.account_id, p.email, p.phone,
           extract(epoch FROM p.created_at)::bigint, extract(epoch FROM p.updated_at)::bigint,
           coalesce(co.ids, '{}'), coalesce(gr.ids, '{}')
      FROM person p
      LEFT JOIN office f ON f.id = p.office_id
      LEFT JOIN organisation o ON o.id = p.organisation_id
      LEFT JOIN co ON co.person_id = p.id
      LEFT JOIN gr ON gr.person_id = p.id
     WHERE p.id = ANY (p_ids);
END $$;

-- The persons of the page from qt_sync_persons, called with their ids in
-- a variable: it keeps its one plan, as this function does.
CREATE OR REPLACE FUNCTION qt_sync_memberships(p_ids bigint[]) RETURNS SETOF membership_v
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    persons bigint[] := ARRAY(SELECT DISTINCT person_id FROM membership WHERE id = ANY (p_ids));
BEGIN
    RETURN QUERY
    SELECT m.id, m.project_id, m.role, m.on_behalf_of_id, o.name, m.deputy_of_id, d.name,
           m.start_date::text, m.end_date::text,
           extract(epoch FROM m.created_at)::bigint, extract(epoch FROM m.updated_at)::bigint,
           daterange(m.start_date, m.end_date, '[]'),
           pv.id, pv.version, pv.name, pv.function, pv.office_id, pv.office_name,
           pv.organisation_id, pv.organisation_name, pv.account_id, pv.email, pv.phone,
           pv.created_at, pv.updated_at, pv.contact_office_ids, pv.group_ids
      FROM membership m
      JOIN qt_sync_persons(persons) pv ON pv.id = m.person_id
      LEFT JOIN organisation o ON o.id = m.on_behalf_of_id
      LEFT JOIN person d ON d.id = m.deputy_of_id
     WHERE m.id = ANY (p_ids);
END $$;
