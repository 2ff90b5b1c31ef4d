-- People and support groups (Projektbegleitgruppen): persons with or
-- without an account, and dated memberships of a person in the support
-- group of a project.  A project has exactly one support group, so a
-- membership references the project directly.  Memberships are never
-- deleted: ending one sets its end date, and "active" is derived from the
-- dates when a query asks for a day.  Mutations go through the functions
-- at the end of this file so that the change and its audit row commit in
-- one statement (SQLSTATEs as in 0001: Q0400 invalid argument with COLUMN,
-- Q0404 not found, Q0409 conflict).

-- The exclusion constraint below needs equality on bigint in a GiST index.
-- btree_gist is one of PostgreSQL's contrib modules (on Debian inside the
-- postgresql-NN package, which postgresql-contrib depends on; deploy/lib.sh
-- installs that) and a trusted extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE person (
    id              bigserial PRIMARY KEY,
    version         bigint NOT NULL DEFAULT 1,
    name            text NOT NULL,
    function        text,                           -- "Sozialplanerin", "Bezirksvorsteher"
    office_id       bigint REFERENCES office(id),   -- staff of an office ...
    organisation_id bigint REFERENCES organisation(id), -- ... or of an organisation
    -- Contact data is personal data: quartierd shows it only to those the
    -- permission rules allow (server/perm.c, perm_person_contact()).
    email           text,
    phone           text,
    account_id      bigint REFERENCES account(id),  -- the account that is this person
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT person_name_check CHECK (length(name) BETWEEN 1 AND 200),
    CONSTRAINT person_office_or_organisation CHECK (office_id IS NULL OR organisation_id IS NULL),
    CONSTRAINT person_account_key UNIQUE (account_id)
);
CREATE INDEX person_name_idx ON person (lower(name), id);

CREATE TABLE membership (
    id              bigserial PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES project(id),
    person_id       bigint NOT NULL REFERENCES person(id),
    role            text NOT NULL CONSTRAINT membership_role_check CHECK (role IN
                      ('city_staff', 'district_head', 'carrier', 'civic')),
    on_behalf_of_id bigint REFERENCES organisation(id),
    deputy_of_id    bigint REFERENCES person(id),   -- the member this one deputises for
    start_date      date NOT NULL,
    end_date        date,                           -- inclusive; NULL = open
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT membership_dates_ordered CHECK (end_date IS NULL OR end_date >= start_date),
    CONSTRAINT membership_not_own_deputy CHECK (deputy_of_id IS NULL OR deputy_of_id <> person_id),
    -- A person's periods in one group never overlap (both ends inclusive).
    CONSTRAINT membership_no_overlap EXCLUDE USING gist (
        project_id WITH =, person_id WITH =,
        daterange(start_date, end_date, '[]') WITH &&)
);
CREATE INDEX membership_person_idx ON membership (person_id, project_id);

-- A person as the protocol returns it, with the facts the contact-data
-- rule needs: the offices leading a project whose group the person is or
-- was in, and the groups the person is a member of today.
CREATE VIEW person_v AS
SELECT p.id, p.version, p.name, p.function, p.office_id, f.name AS office_name,
       p.organisation_id, o.name AS organisation_name, p.account_id,
       p.email, p.phone,
       extract(epoch FROM p.created_at)::bigint AS created_at,
       extract(epoch FROM p.updated_at)::bigint AS updated_at,
       ARRAY(SELECT DISTINCT lo.office_id FROM membership m
               JOIN project_lead_office lo ON lo.project_id = m.project_id
              WHERE m.person_id = p.id ORDER BY 1) AS contact_office_ids,
       ARRAY(SELECT DISTINCT m.project_id FROM membership m
              WHERE m.person_id = p.id
                AND daterange(m.start_date, m.end_date, '[]') @> current_date
              ORDER BY 1) AS group_ids
  FROM person p
  LEFT JOIN office f ON f.id = p.office_id
  LEFT JOIN organisation o ON o.id = p.organisation_id;

-- A membership with its names resolved and its member (person_v columns,
-- prefixed, in the same order).
CREATE VIEW membership_v AS
SELECT m.id, m.project_id, m.role, m.on_behalf_of_id, o.name AS on_behalf_of_name,
       m.deputy_of_id, d.name AS deputy_of_name,
       m.start_date::text AS start_date, m.end_date::text AS end_date,
       extract(epoch FROM m.created_at)::bigint AS created_at,
       extract(epoch FROM m.updated_at)::bigint AS updated_at,
       daterange(m.start_date, m.end_date, '[]') AS period,
       pv.id AS person_id, pv.version AS person_version, pv.name AS person_name,
       pv.function AS person_function, pv.office_id AS person_office_id,
       pv.office_name AS person_office_name, pv.organisation_id AS person_organisation_id,
       pv.organisation_name AS person_organisation_name, pv.account_id AS person_account_id,
       pv.email AS person_email, pv.phone AS person_phone,
       pv.created_at AS person_created_at, pv.updated_at AS person_updated_at,
       pv.contact_office_ids AS person_contact_office_ids, pv.group_ids AS person_group_ids
  FROM membership m
  JOIN person_v pv ON pv.id = m.person_id
  LEFT JOIN organisation o ON o.id = m.on_behalf_of_id
  LEFT JOIN person d ON d.id = m.deputy_of_id;

-- The support groups the person linked to an account is a member of today
-- (empty if the account is no person): the other half of "fellow member".
CREATE FUNCTION qt_account_group_ids(p_account bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(SELECT DISTINCT m.project_id
                   FROM person p JOIN membership m ON m.person_id = p.id
                  WHERE p.account_id = p_account
                    AND daterange(m.start_date, m.end_date, '[]') @> current_date
                  ORDER BY 1)
$$;

-- Audit snapshots.  A person's snapshot holds its contact data; the audit
-- of persons is readable by admins only (server/audit.c).
CREATE FUNCTION qt_person_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(p) FROM person p WHERE p.id = p_id
$$;

CREATE FUNCTION qt_membership_snapshot(p_id bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT to_jsonb(m) || jsonb_build_object('person_name', p.name)
      FROM membership m JOIN person p ON p.id = m.person_id WHERE m.id = p_id
$$;

CREATE FUNCTION qt_person_check_links(p_office bigint, p_org bigint, p_account bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF p_office IS NOT NULL AND NOT EXISTS (SELECT 1 FROM office WHERE id = p_office) THEN
        RAISE EXCEPTION 'unknown office %', p_office USING ERRCODE = 'Q0400', COLUMN = 'office_id';
    END IF;
    IF p_org IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organisation WHERE id = p_org) THEN
        RAISE EXCEPTION 'unknown organisation %', p_org
            USING ERRCODE = 'Q0400', COLUMN = 'organisation_id';
    END IF;
    IF p_account IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account WHERE id = p_account) THEN
        RAISE EXCEPTION 'unknown account %', p_account USING ERRCODE = 'Q0400', COLUMN = 'account_id';
    END IF;
END $$;

CREATE FUNCTION qt_person_create(p_actor bigint, p_name text, p_function text,
    p_office bigint, p_org bigint, p_email text, p_phone text, p_account bigint)
RETURNS SETOF person_v LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM qt_person_check_links(p_office, p_org, p_account);
    INSERT INTO person (name, function, office_id, organisation_id, email, phone, account_id)
    VALUES (p_name, nullif(p_function, ''), p_office, p_org, nullif(p_email, ''),
            nullif(p_phone, ''), p_account)
    RETURNING id INTO new_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'person.create', 'person', new_id, NULL, qt_person_snapshot(new_id));
    RETURN QUERY SELECT * FROM person_v WHERE id = new_id;
END $$;

-- Partial update if the person still has p_expected version.  NULL leaves
-- a field unchanged; '' clears a text field, 0 clears a link.
CREATE FUNCTION qt_person_update(p_actor bigint, p_id bigint, p_expected bigint,
    p_name text, p_function text, p_office bigint, p_org bigint,
    p_email text, p_phone text, p_account bigint)
RETURNS SETOF person_v LANGUAGE plpgsql AS $$
DECLARE
    cur person%ROWTYPE;
    before_json jsonb;
BEGIN
    SELECT * INTO cur FROM person WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'person % does not exist', p_id USING ERRCODE = 'Q0404';
    END IF;
    IF cur.version <> p_expected THEN
        RAISE EXCEPTION 'person % has version %, not %', p_id, cur.version, p_expected
            USING ERRCODE = 'Q0409', COLUMN = 'expected_version';
    END IF;
    PERFORM qt_person_check_links(nullif(p_office, 0), nullif(p_org, 0), nullif(p_account, 0));
    before_json := qt_person_snapshot(p_id);
    UPDATE person SET
        name = coalesce(p_name, name),
        function = CASE WHEN p_function IS NULL THEN function ELSE nullif(p_function, '') END,
        office_id = CASE WHEN p_office IS NULL THEN office_id ELSE nullif(p_office, 0) END,
        organisation_id = CASE WHEN p_org IS NULL THEN organisation_id ELSE nullif(p_org, 0) END,
        email = CASE WHEN p_email IS NULL THEN email ELSE nullif(p_email, '') END,
        phone = CASE WHEN p_phone IS NULL THEN phone ELSE nullif(p_phone, '') END,
        account_id = CASE WHEN p_account IS NULL THEN account_id ELSE nullif(p_account, 0) END,
        version = version + 1,
        updated_at = now()
     WHERE id = p_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'person.update', 'person', p_id, before_json, qt_person_snapshot(p_id));
    RETURN QUERY SELECT * FROM person_v WHERE id = p_id;
END $$;

-- Refuses a period of p_person in p_project's group that overlaps another
-- one (p_except: the membership being changed).  The exclusion constraint
-- enforces the same under concurrency; this says which period is in the way.
CREATE FUNCTION qt_membership_check_overlap(p_project bigint, p_person bigint,
    p_start date, p_end date, p_except bigint, p_field text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    other membership%ROWTYPE;
BEGIN
    SELECT * INTO other FROM membership
     WHERE project_id = p_project AND person_id = p_person
       AND id IS DISTINCT FROM p_except
       AND daterange(start_date, end_date, '[]') && daterange(p_start, p_end, '[]')
     ORDER BY start_date LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the period overlaps membership % of this person (% until %)',
            other.id, other.start_date, coalesce(other.end_date::text, 'open')
            USING ERRCODE = 'Q0400', COLUMN = p_field;
    END IF;
END $$;

CREATE FUNCTION qt_membership_add(p_actor bigint, p_project bigint, p_person bigint,
    p_role text, p_on_behalf_of bigint, p_deputy_of bigint, p_start date, p_end date)
RETURNS SETOF membership_v LANGUAGE plpgsql AS $$
DECLARE
    new_id bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM project WHERE id = p_project) THEN
        RAISE EXCEPTION 'unknown project %', p_project USING ERRCODE = 'Q0400', COLUMN = 'project_id';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM person WHERE id = p_person) THEN
        RAISE EXCEPTION 'unknown person %', p_person USING ERRCODE = 'Q0400', COLUMN = 'person_id';
    END IF;
    IF p_on_behalf_of IS NOT NULL AND NOT EXISTS (SELECT 1 FROM organisation WHERE id = p_on_behalf_of) THEN
        RAISE EXCEPTION 'unknown organisation %', p_on_behalf_of
            USING ERRCODE = 'Q0400', COLUMN = 'on_behalf_of_id';
    END IF;
    IF p_deputy_of IS NOT NULL THEN
        IF p_deputy_of = p_person THEN
            RAISE EXCEPTION 'a person cannot deputise for themselves'
                USING ERRCODE = 'Q0400', COLUMN = 'deputy_of_id';
        END IF;
        IF NOT EXISTS (SELECT 1 FROM membership WHERE project_id = p_project
                                                  AND person_id = p_deputy_of) THEN
            RAISE EXCEPTION 'person % is not a member of this support group', p_deputy_of
                USING ERRCODE = 'Q0400', COLUMN = 'deputy_of_id';
        END IF;
    END IF;
    IF p_end IS NOT NULL AND p_end < p_start THEN
        RAISE EXCEPTION 'end_date % lies before start_date %', p_end, p_start
            USING ERRCODE = 'Q0400', COLUMN = 'end_date';
    END IF;
    PERFORM qt_membership_check_overlap(p_project, p_person, p_start, p_end, NULL, 'start_date');
    INSERT INTO membership (project_id, person_id, role, on_behalf_of_id, deputy_of_id,
                            start_date, end_date)
    VALUES (p_project, p_person, p_role, p_on_behalf_of, p_deputy_of, p_start, p_end)
    RETURNING id INTO new_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'membership.add', 'membership', new_id, NULL, qt_membership_snapshot(new_id));
    RETURN QUERY SELECT * FROM membership_v WHERE id = new_id;
END $$;

-- Sets the (inclusive) end date of a membership; it may also correct an
-- earlier end date, as long as the period does not run into another one.
CREATE FUNCTION qt_membership_end(p_actor bigint, p_id bigint, p_end date)
RETURNS SETOF membership_v LANGUAGE plpgsql AS $$
DECLARE
    cur membership%ROWTYPE;
    before_json jsonb;
BEGIN
    SELECT * INTO cur FROM membership WHERE id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'membership % does not exist', p_id USING ERRCODE = 'Q0404';
    END IF;
    IF p_end < cur.start_date THEN
        RAISE EXCEPTION 'end_date % lies before the start of the membership (%)', p_end,
            cur.start_date USING ERRCODE = 'Q0400', COLUMN = 'end_date';
    END IF;
    PERFORM qt_membership_check_overlap(cur.project_id, cur.person_id, cur.start_date, p_end,
                                        p_id, 'end_date');
    before_json := qt_membership_snapshot(p_id);
    UPDATE membership SET end_date = p_end, updated_at = now() WHERE id = p_id;
    INSERT INTO audit (account_id, action, entity, entity_id, before, after)
    VALUES (p_actor, 'membership.end', 'membership', p_id, before_json, qt_membership_snapshot(p_id));
    RETURN QUERY SELECT * FROM membership_v WHERE id = p_id;
END $$;
