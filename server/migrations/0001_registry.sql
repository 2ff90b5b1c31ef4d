-- Registry v1: reference data (districts, quarters, offices, carrier
-- organisations), accounts and sessions, quarter projects and the audit log.
-- Mutations of projects go through the functions at the end of this file so
-- that the change, its link rows and its audit row commit in one statement.

CREATE TABLE district (
    id          bigint PRIMARY KEY,              -- official district number
    name        text NOT NULL UNIQUE,            -- "Süd", "Bad Cannstatt"
    short_name  text                              -- e.g. "S-Süd"
);

CREATE TABLE quarter (
    id          bigserial PRIMARY KEY,
    district_id bigint NOT NULL REFERENCES district(id),
    name        text NOT NULL,
    UNIQUE (district_id, name)
);

CREATE TABLE office (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,            -- "Sozialamt"
    short_name  text                              -- "50"
);

CREATE TABLE organisation (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    org_type    text NOT NULL CHECK (org_type IN ('welfare', 'initiative',
                  'self_organisation', 'association', 'housing_company',
                  'religious', 'institute', 'office'))
);

CREATE TABLE account (
    id              bigserial PRIMARY KEY,
    login           text NOT NULL UNIQUE,
    display_name    text NOT NULL,
    role            text NOT NULL CHECK (role IN ('admin', 'office', 'coordinator', 'viewer')),
    office_id       bigint REFERENCES office(id),
    organisation_id bigint REFERENCES organisation(id),
    password_hash   text NOT NULL,               -- Argon2id encoded string
    disabled        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT account_office_required CHECK (role <> 'office' OR office_id IS NOT NULL),
    CONSTRAINT account_organisation_required CHECK (role <> 'coordinator' OR organisation_id IS NOT NULL)
);

CREATE TABLE session (
    token_hash   bytea PRIMARY KEY,              -- SHA-256 of the token; the token itself is never stored
    account_id   bigint NOT NULL REFERENCES account(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    client_name  text NOT NULL DEFAULT '',
    instance_id  text NOT NULL DEFAULT ''
);
CREATE INDEX session_account_idx ON session (account_id);

CREATE TABLE project (
    id          bigserial PRIMARY KEY,
    version     bigint NOT NULL DEFAULT 1,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('comprehensive', 'focused')),
    status      text NOT NULL DEFAULT 'application' CHECK (status IN ('application',
                  'assessment', 'approved', 'running', 'evaluation', 'continued', 'ended')),
    carrier_id  bigint REFERENCES organisation(id),
    start_date  date,
    end_date    date,
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT project_dates_ordered CHECK (start_date IS NULL OR end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX project_status_idx ON project (status, id);

CREATE TABLE project_quarter (
    project_id  bigint NOT NULL REFERENCES project(id),
    quarter_id  bigint NOT NULL REFERENCES quarter(id),
    PRIMARY KEY (project_id, quarter_id)
);
CREATE INDEX project_quarter_quarter_idx ON project_quarter (quarter_id, project_id);

CREATE TABLE project_lead_office (
    project_id  bigint NOT NULL REFERENCES project(id),
    office_id   bigint NOT NULL REFERENCES office(id),
    PRIMARY KEY (project_id, office_id)
);
CREATE INDEX project_lead_office_office_idx ON project_lead_office (office_id, project_id);

CREATE TABLE project_coordinator (
    project_id  bigint NOT NULL REFERENCES project(id),
    account_id  bigint NOT NULL REFERENCES account(id),
    PRIMARY KEY (project_id, account_id)
);

CREATE TABLE audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    account_id  bigint REFERENCES account(id),   -- NULL: bootstrap on the host
    action      text NOT NULL,                   -- "project.create", "project.update", ...
    entity      text NOT NULL,
    entity_id   bigint NOT NULL,
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_entity_idx ON audit (entity, entity_id, id);

-- A project with its links resolved, as the protocol returns it.
CREATE VIEW project_v AS
SELECT p.id, p.version, p.name, p.kind, p.status, p.carrier_id,
       o.name AS carrier_name,
       p.start_date::text AS start_date, p.end_date::text AS end_date,
       p.description,
       extract(epoch FROM p.created_at)::bigint AS created_at,
       extract(epoch FROM p.updated_at)::bigint AS updated_at,
       ARRAY(SELECT pq.quarter_id FROM project_quarter pq
             WHERE pq.project_id = p.id ORDER BY pq.quarter_id) AS quarter_ids,
       ARRAY(SELECT q.name FROM project_quarter pq JOIN quarter q ON q.id = pq.quarter_id
             WHERE pq.project_id = p.id ORDER BY pq.quarter_id) AS quarter_names,
       ARRAY(SELECT lo.office_id FROM project_lead_office lo
             WHERE lo.project_id = p.id ORDER BY lo.office_id) AS lead_office_ids,
       ARRAY(SELECT f.name FROM project_lead_office lo JOIN office f ON f.id = lo.office_id
             WHERE lo.project_id = p.id ORDER BY lo.office_id) AS lead_office_names,
       ARRAY(SELECT pc.account_id FROM project_coordinator pc
             WHERE pc.project_id = p.id ORDER BY pc.account_id) AS coordinator_ids,
       (SELECT string_agg(DISTINCT d.name, ', ')
          FROM project_quarter pq JOIN quarter q ON q.id = pq.quarter_id
          JOIN district d ON d.id = q.district_id
         WHERE pq.project_id = p.id) AS district_names
  FROM project p LEFT JOIN organisation o ON o.id = p.carrier_id;

-- Errors raised by the functions below use SQLSTATEs of class Q0, which
-- quartierd translates to protocol statuses (server/db_error.c):
--   Q0400 invalid argument (COLUMN names the field), Q0404 not found,
--   Q0409 conflict (stale version), Q0412 failed precondition.

CREATE FUNCTION qt_check_links(p_quarters bigint[], p_offices bigint[],
                               p_coordinators bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bad bigint;
BEGIN
    SELECT x INTO bad FROM unnest(p_quarters) x
     WHERE NOT EXISTS (SELECT 1 FROM quarter WHERE id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown quarter %', bad USING ERRCODE = 'Q0400', COLUMN = 'quarter_ids';
    END IF;
    SELECT x INTO bad FROM unnest(p_offices) x
     WHERE NOT EXISTS (SELECT 1 FROM office WHERE id = x) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'unknown office %', bad USING ERRCODE = 'Q0400', COLUMN = 'lead_office_ids';
    END IF;
    SELECT x INTO bad FROM unnest(p_coordinators) x
     WHERE NOT EXISTS (SELECT 1 FROM account WHERE id = x AND role = 'coordinator') LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'account % is not a coordinator', bad USING ERRCODE = 'Q0400', COLUMN = 'coordinator_ids';
    END IF;
END $$;

CREATE FUNCTION qt_check_carrier(p_carrier bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_carrier IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organisation WHERE id = p_carrier) THEN
        RAISE EXCEPTION 'unknown organisation %', p_carrier USING ERRCODE = 'Q0400', COLUMN = 'carrier_id';
    END IF;
END $$;

CREATE FUNCTION qt_project_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(v) FROM project_v v WHERE v.id = p_id
$$;

CREATE FUNCTION qt_project_create(p_actor bigint, p_name text, p_kind text,
    p_quarters bigint[], p_offices bigint[], p_carrier bigint,
    p_coordinators bigint[], p_start date, p_end date, p_description text)
RETURNS SETOF project_v LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM qt_check_links(p_quarters, p_offices, p_coordinators);
    PERFORM qt_check_carrier(p_carrier);
    INSERT INTO project (name, kind, carrier_id, start_date, end_date, description)
    VALUES (p_name, p_kind, p_carrier, p_start, p_end, coalesce(p_description, ''))
    RETURNING id INTO new_id;
    INSERT INTO project_quarter SELECT DISTINCT new_id, x FROM unnest(p_quarters) x;
    INSERT INTO project_lead_office SELECT DISTINCT new_id, x FROM unnest(p_offices) x;
    INSERT INTO project_coordinator SELECT DISTINCT new_id, x FROM unnest(p_coordinators) x;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'project.create', 'project', new_id, NULL, qt_project_snapshot(new_id));
    RETURN QUERY SELECT * FROM project_v WHERE id = new_id;
END $$;

-- Applies a partial update if the project still has p_expected version.
-- NULL arguments leave a field unchanged; the p_set_* flags replace a link
-- list as a whole; p_clear_* flags clear an optional field.
CREATE FUNCTION qt_project_update(p_actor bigint, p_id bigint, p_expected bigint,
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
BEGIN
    SELECT * INTO cur FROM project WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'project % does not exist', p_id USING ERRCODE = 'Q0404';
    END IF;
    IF cur.version <> p_expected THEN
        RAISE EXCEPTION 'project % has version %, not %', p_id, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    PERFORM qt_check_links(CASE WHEN p_set_quarters THEN p_quarters ELSE '{}' END,
                           CASE WHEN p_set_offices THEN p_offices ELSE '{}' END,
                           CASE WHEN p_set_coordinators THEN p_coordinators ELSE '{}' END);
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
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'project.update', 'project', p_id, before_json, qt_project_snapshot(p_id));
    RETURN QUERY SELECT * FROM project_v WHERE id = p_id;
END $$;

-- Moves a project from p_from to p_to if it is still at p_expected version.
-- The server has already checked that the transition is allowed.
CREATE FUNCTION qt_project_transition(p_actor bigint, p_id bigint, p_expected bigint,
    p_from text, p_to text, p_reason text)
RETURNS SETOF project_v LANGUAGE plpgsql AS $$
DECLARE
    cur project%ROWTYPE;
    before_json jsonb;
BEGIN
    SELECT * INTO cur FROM project WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'project % does not exist', p_id USING ERRCODE = 'Q0404';
    END IF;
    IF cur.version <> p_expected OR cur.status <> p_from THEN
        RAISE EXCEPTION 'project % has version %, not %', p_id, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    before_json := qt_project_snapshot(p_id);
    UPDATE project SET status = p_to, version = version + 1, updated_at = now()
     WHERE id = p_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'project.transition', 'project', p_id, before_json,
            qt_project_snapshot(p_id) || jsonb_build_object('reason', coalesce(p_reason, '')));
    RETURN QUERY SELECT * FROM project_v WHERE id = p_id;
END $$;
