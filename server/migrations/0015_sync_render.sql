-- Sync rendering: the rows of many records of one type in one query.
--
-- A snapshot or feed page is rendered with one query per record type in
-- it (server/sync.c) instead of one per record.  The views project_v,
-- person_v and membership_v compute their arrays (quarters, lead offices,
-- coordinators; a person's contact offices and current groups) in
-- subqueries that run once per row: 25 to 70 microseconds a row, most of
-- the cost of a page of 1,000 records.  The functions below return the
-- rows of those views for a set of ids, each row equal to the view's, but
-- compute the arrays for the whole set at once with grouped joins.  The
-- arrays keep the views' order and are empty, never NULL, where the
-- view's ARRAY(...) is empty; district_names is NULL without quarters, as
-- in the view.  tests/test_sync.c compares the records rendered from
-- these rows with the ones the get requests answer.

-- A person's memberships with their periods come from the index alone
-- (an index-only scan instead of a visit to every membership row).
DROP INDEX membership_person_idx;
CREATE INDEX membership_person_idx ON membership (person_id, project_id)
    INCLUDE (start_date, end_date);

-- The rows of project_v with the given ids (in no particular order).
CREATE FUNCTION qt_sync_projects(p_ids bigint[]) RETURNS SETOF project_v
LANGUAGE sql STABLE AS $$
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
     WHERE p.id = ANY (p_ids)
$$;

-- The rows of person_v with the given ids (in no particular order).
CREATE FUNCTION qt_sync_persons(p_ids bigint[]) RETURNS SETOF person_v
LANGUAGE sql STABLE AS $$
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
     WHERE p.id = ANY (p_ids)
$$;

-- The rows of membership_v with the given ids (in no particular order);
-- the persons come from qt_sync_persons(), each read once.
CREATE FUNCTION qt_sync_memberships(p_ids bigint[]) RETURNS SETOF membership_v
LANGUAGE sql STABLE AS $$
    WITH m AS (SELECT * FROM membership WHERE id = ANY (p_ids)),
    pv AS (SELECT * FROM qt_sync_persons(ARRAY(SELECT DISTINCT person_id FROM m)))
    SELECT m.id, m.project_id, m.role, m.on_behalf_of_id, o.name, m.deputy_of_id, d.name,
           m.start_date::text, m.end_date::text,
           extract(epoch FROM m.created_at)::bigint, extract(epoch FROM m.updated_at)::bigint,
           daterange(m.start_date, m.end_date, '[]'),
           pv.id, pv.version, pv.name, pv.function, pv.office_id, pv.office_name,
           pv.organisation_id, pv.organisation_name, pv.account_id, pv.email, pv.phone,
           pv.created_at, pv.updated_at, pv.contact_office_ids, pv.group_ids
      FROM m
      JOIN pv ON pv.id = m.person_id
      LEFT JOIN organisation o ON o.id = m.on_behalf_of_id
      LEFT JOIN person d ON d.id = m.deputy_of_id
$$;
