-- ======================================================================
--  BENCHMARK DATA — for deploy/bench.sh only.  Never load this into a
--  production registry.
--
--  A registry of realistic size, generated with generate_series into the
--  real schema (apply the migrations first: quartierd does at start):
--  Stuttgart's 23 districts, 6 quarters each, 12 offices, 300 carrier
--  organisations, 400 coordinator accounts, :projects projects (one or
--  two quarters, one or two lead offices, a coordinator), :persons
--  persons, :memberships support-group memberships (spread evenly over
--  the projects, no person twice in one group) and :agenda agenda items
--  in the inter-office backlog.
--
--  Loaded the way a restore would be: with session_replication_role =
--  replica, so the change-feed triggers (which re-emit a whole support
--  group for every membership inserted) and the foreign-key triggers do
--  not fire row by row; the data is consistent by construction.  Run as
--  a superuser, on an empty database:
--    psql -v projects=10000 -v persons=20000 -v memberships=100000 \
--         -v agenda=5000 -f deploy/bench-data.sql
-- ======================================================================

\set ON_ERROR_STOP on
SET client_encoding = 'UTF8';
SET session_replication_role = replica;

BEGIN;

INSERT INTO district (id, name, short_name)
SELECT g, d.name, 'S-' || d.name
  FROM unnest(ARRAY['Mitte', 'Nord', 'Ost', 'Süd', 'West', 'Bad Cannstatt', 'Birkach',
                    'Botnang', 'Degerloch', 'Feuerbach', 'Hedelfingen', 'Möhringen',
                    'Mühlhausen', 'Münster', 'Obertürkheim', 'Plieningen', 'Sillenbuch',
                    'Stammheim', 'Untertürkheim', 'Vaihingen', 'Wangen', 'Weilimdorf',
                    'Zuffenhausen']) WITH ORDINALITY AS d(name, g);

INSERT INTO quarter (district_id, name)
SELECT d.id, d.name || '-Quartier ' || n
  FROM district d, generate_series(1, 6) n
 ORDER BY d.id, n;

INSERT INTO office (name, short_name)
SELECT o.name, o.short
  FROM unnest(ARRAY['Sozialamt', 'Jugendamt', 'Gesundheitsamt', 'Amt für Stadtplanung und Wohnen',
                    'Haupt- und Personalamt', 'Statistisches Amt', 'Kulturamt', 'Amt für Sport und Bewegung',
                    'Schulverwaltungsamt', 'Amt für Umweltschutz', 'Tiefbauamt', 'Ordnungsamt'],
              ARRAY['50', '51', '53', '61', '10', '12', '41', '52', '40', '36', '66', '32'])
       AS o(name, short);

INSERT INTO organisation (name, org_type)
SELECT 'Träger ' || g || ' (Benchmark)',
       (ARRAY['welfare', 'initiative', 'self_organisation', 'association', 'housing_company',
              'religious', 'institute', 'office'])[1 + g % 8]
  FROM generate_series(1, 300) g;

-- Coordinators of the carriers; they never log in (the hash is no hash).
INSERT INTO account (login, display_name, role, organisation_id, password_hash)
SELECT 'koordination' || g, 'Koordination ' || g, 'coordinator', 1 + g % 300, '!benchmark'
  FROM generate_series(1, 400) g;

CREATE TEMP TABLE ids AS
SELECT (SELECT array_agg(id ORDER BY id) FROM quarter) AS quarters,
       (SELECT array_agg(id ORDER BY id) FROM office) AS offices,
       (SELECT array_agg(id ORDER BY id) FROM organisation) AS orgs,
       (SELECT array_agg(id ORDER BY id) FROM account WHERE role = 'coordinator') AS coords;

INSERT INTO project (name, kind, status, carrier_id, start_date, end_date, description)
SELECT 'Quartiersprojekt ' || g,
       CASE WHEN g % 4 = 0 THEN 'comprehensive' ELSE 'focused' END,
       (ARRAY['application', 'assessment', 'approved', 'running', 'running', 'running',
              'evaluation', 'continued', 'ended'])[1 + g % 9],
       i.orgs[1 + g % array_length(i.orgs, 1)],
       date '2018-01-01' + (g % 2000),
       date '2018-01-01' + (g % 2000) + 365 * (2 + g % 3),
       'Soziale Quartiersentwicklung im Quartier: Nachbarschaftscafé, Sprechstunden, '
       || 'Beteiligung der Bewohnerinnen und Bewohner, Begegnung im Stadtteil, Projekt ' || g || '.'
  FROM generate_series(1, :projects) g, ids i;

INSERT INTO project_quarter (project_id, quarter_id)
SELECT DISTINCT p.id, i.quarters[1 + (p.id * k) % array_length(i.quarters, 1)]
  FROM project p, ids i, generate_series(1, 2) k
 WHERE k = 1 OR p.id % 3 = 0;

INSERT INTO project_lead_office (project_id, office_id)
SELECT DISTINCT p.id, i.offices[1 + (p.id + k * 5) % array_length(i.offices, 1)]
  FROM project p, ids i, generate_series(0, 1) k
 WHERE k = 0 OR p.id % 5 = 0;

INSERT INTO project_coordinator (project_id, account_id)
SELECT p.id, i.coords[1 + p.id % array_length(i.coords, 1)]
  FROM project p, ids i;

INSERT INTO person (name, function, office_id, organisation_id, email, phone)
SELECT 'Person ' || g,
       (ARRAY['Sozialplanerin', 'Quartiersmanager', 'Bezirksvorsteherin', 'Anwohner',
              'Jugendhilfeplaner', 'Vereinsvorsitzende'])[1 + g % 6],
       CASE WHEN g % 3 = 0 THEN i.offices[1 + g % array_length(i.offices, 1)] END,
       CASE WHEN g % 3 = 1 THEN i.orgs[1 + g % array_length(i.orgs, 1)] END,
       'person' || g || '@example.org',
       '+49 711 ' || lpad((g % 1000000)::text, 6, '0')
  FROM generate_series(1, :persons) g, ids i;

-- Membership k of project p is person (p * 7 + k * 2003) mod persons: ten
-- different persons per group as long as there are more than 10 * 2003.
INSERT INTO membership (project_id, person_id, role, start_date, end_date)
SELECT p.id, 1 + (p.id * 7 + k * 2003) % :persons,
       (ARRAY['city_staff', 'district_head', 'carrier', 'civic'])[1 + k % 4],
       date '2019-01-01' + (k * 30),
       CASE WHEN k % 5 = 4 THEN date '2019-01-01' + (k * 30) + 700 END
  FROM (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM project) p,
       generate_series(0, (:memberships / :projects) - 1) k;

INSERT INTO agenda_item (title, description, origin, origin_project_id, origin_office_id,
                         requested_minutes, status)
SELECT 'Thema ' || g || ': Nachbarschaft und Begegnung',
       'Anregung aus dem Quartier zur ämterübergreifenden Abstimmung, Punkt ' || g || '.',
       CASE WHEN g % 3 = 0 THEN 'top_down' ELSE 'bottom_up' END,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 1 + (g * 13) % :projects END,
       CASE WHEN g % 3 = 0 THEN i.offices[1 + g % array_length(i.offices, 1)] END,
       15 + g % 4 * 15, 'backlog'
  FROM generate_series(1, :agenda) g, ids i;

INSERT INTO agenda_item_project (item_id, project_id)
SELECT id, origin_project_id FROM agenda_item WHERE origin_project_id IS NOT NULL;

COMMIT;

-- Vacuumed as well as analysed, as pgbench -i leaves its tables and as
-- autovacuum keeps a registry in service: rows loaded a minute ago have
-- neither hint bits nor a visibility map, and every read until the
-- first vacuum pays for that (the initial sync of this registry took
-- 2.17-2.35 s instead of 1.76-1.93 s, in fresh clusters with and without
-- this line).
VACUUM ANALYZE;
