-- ======================================================================
--  DEMO DATA — for ./deploy/demo.sh and manual trials only.
--  Never load this into a production registry.
--
--  Districts, quarters and offices are Stuttgart's real names.  Carrier
--  organisations marked "(Demo)" are invented; the projects, and which
--  carrier, quarters, offices, dates and statuses they have, are invented
--  for demonstration (KUGEL exists, but its record here is illustrative).
--
--  Idempotent: fixed ids and ON CONFLICT DO NOTHING, so loading it twice
--  changes nothing.  Link rows and audit rows are only written for projects
--  inserted by this run, so projects edited through the server afterwards
--  are left alone.  Apply server/migrations first (quartierd migrate).
-- ======================================================================

\set ON_ERROR_STOP on
SET client_encoding = 'UTF8';

BEGIN;

-- Stadtbezirke.  ids 1..23: the inner districts first, then the outer ones
-- alphabetically, as in the city's statistics; check against the official
-- key before loading real data.
INSERT INTO district (id, name, short_name) VALUES
    ( 1, 'Mitte',         'S-Mitte'),
    ( 2, 'Nord',          'S-Nord'),
    ( 3, 'Ost',           'S-Ost'),
    ( 4, 'Süd',           'S-Süd'),
    ( 5, 'West',          'S-West'),
    ( 6, 'Bad Cannstatt', 'S-Bad Cannstatt'),
    ( 7, 'Birkach',       'S-Birkach'),
    ( 8, 'Botnang',       'S-Botnang'),
    ( 9, 'Degerloch',     'S-Degerloch'),
    (10, 'Feuerbach',     'S-Feuerbach'),
    (11, 'Hedelfingen',   'S-Hedelfingen'),
    (12, 'Möhringen',     'S-Möhringen'),
    (13, 'Mühlhausen',    'S-Mühlhausen'),
    (14, 'Münster',       'S-Münster'),
    (15, 'Obertürkheim',  'S-Obertürkheim'),
    (16, 'Plieningen',    'S-Plieningen'),
    (17, 'Sillenbuch',    'S-Sillenbuch'),
    (18, 'Stammheim',     'S-Stammheim'),
    (19, 'Untertürkheim', 'S-Untertürkheim'),
    (20, 'Vaihingen',     'S-Vaihingen'),
    (21, 'Wangen',        'S-Wangen'),
    (22, 'Weilimdorf',    'S-Weilimdorf'),
    (23, 'Zuffenhausen',  'S-Zuffenhausen')
ON CONFLICT DO NOTHING;

-- Quartiere (Stadtteile) of a few districts; id = district * 100 + n.
INSERT INTO quarter (id, district_id, name) VALUES
    ( 201,  2, 'Nordbahnhof'),
    ( 202,  2, 'Killesberg'),
    ( 301,  3, 'Gablenberg'),
    ( 302,  3, 'Gaisburg'),
    ( 303,  3, 'Ostheim'),
    ( 304,  3, 'Raitelsberg'),
    ( 401,  4, 'Bopser'),
    ( 402,  4, 'Heslach'),
    ( 403,  4, 'Kaltental'),
    ( 404,  4, 'Karlshöhe'),
    ( 405,  4, 'Lehen'),
    ( 406,  4, 'Südheim'),
    ( 407,  4, 'Weinsteige'),
    ( 601,  6, 'Hallschlag'),
    ( 602,  6, 'Veielbrunnen'),
    ( 603,  6, 'Neckarvorstadt'),
    ( 604,  6, 'Seelberg'),
    (1201, 12, 'Fasanenhof'),
    (1202, 12, 'Sonnenberg'),
    (1301, 13, 'Freiberg'),
    (1302, 13, 'Mönchfeld'),
    (1303, 13, 'Neugereut'),
    (2001, 20, 'Dürrlewang'),
    (2002, 20, 'Rohr'),
    (2201, 22, 'Giebel'),
    (2202, 22, 'Hausen'),
    (2301, 23, 'Rot'),
    (2302, 23, 'Neuwirtshaus')
ON CONFLICT DO NOTHING;

-- Ämter named in the Rahmenkonzeption; short_name = the office number.
INSERT INTO office (id, name, short_name) VALUES
    (1, 'Sozialamt',                                    '50'),
    (2, 'Jugendamt',                                    '51'),
    (3, 'Gesundheitsamt',                               '53'),
    (4, 'Amt für Stadtplanung und Wohnen',              '61'),
    (5, 'Haupt- und Personalamt (Engagementförderung)', '10'),
    (6, 'Statistisches Amt',                            '12'),
    (7, 'Amt für Sport und Bewegung',                   '52'),
    (8, 'Amt für Umweltschutz',                         '36'),
    (9, 'Kulturamt',                                    '41')
ON CONFLICT DO NOTHING;

-- Träger der Quartierskoordination, one or more of each kind.
INSERT INTO organisation (id, name, org_type) VALUES
    (1, 'Caritasverband für Stuttgart e.V.',                         'welfare'),
    (2, 'Evangelische Gesellschaft Stuttgart e.V.',                  'welfare'),
    (3, 'SWSG Stuttgarter Wohnungs- und Städtebaugesellschaft mbH',  'housing_company'),
    (4, 'Bürgerverein Fasanenhof e.V. (Demo)',                       'association'),
    (5, 'Nachbarschaftsinitiative Nordbahnhof (Demo)',               'initiative'),
    (6, 'Frauentreff Rot – Selbstorganisation (Demo)',               'self_organisation'),
    (7, 'Katholische Kirchengemeinde Freiberg-Mönchfeld (Demo)',     'religious'),
    (8, 'Institut für Quartiersforschung (Demo)',                    'institute'),
    (9, 'Jugendamt Stuttgart – Gemeinwesenarbeit',                   'office')
ON CONFLICT DO NOTHING;

-- Quartiersprojekte.  Only the rows inserted now get links and an audit row.
CREATE TEMP TABLE demo_new_project (id bigint PRIMARY KEY) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO project (id, name, kind, status, carrier_id, start_date, end_date, description)
    VALUES
    (1, 'KUGEL – die Kümmerin im Süden', 'comprehensive', 'running', 1,
     '2019-10-01', NULL,
     'Umfassende soziale Quartiersentwicklung im Stadtbezirk Süd. Die Quartierskoordination '
     'hat ihr Büro im Quartier (an mindestens drei Wochentagen geöffnet), vernetzt '
     'Bewohner*innen, Einrichtungen, Initiativen und Verwaltung, greift Themen aus der '
     'Nachbarschaft auf und verwaltet den Quartiersfonds. Fortsetzung der städtischen '
     'Förderung: GRDrs 988/2021. (Demo-Datensatz: Träger, Quartiere und Daten sind erfunden.)'),
    (2, 'Quartiersentwicklung Hallschlag', 'comprehensive', 'continued', 3,
     '2007-01-01', '2020-12-31',
     'Integrierte Quartiersentwicklung mit Stadterneuerung und sozialen Ämtern. Nach dem '
     'Ende der Förderphase tragen ein Stadtteilhaus und ein Netzwerk mit hauptamtlicher '
     'Unterstützung definierte Aufgaben weiter (Verstetigung). (Demo-Datensatz)'),
    (3, 'Gesund aufwachsen in Kaltental', 'focused', 'approved', 2,
     '2025-01-01', '2027-12-31',
     'Fokussiertes Projekt zur Gesundheitsförderung von Kindern und Familien: '
     'Bewegungs- und Ernährungsangebote mit Kitas, Schule und Familienzentrum. (Demo-Datensatz)'),
    (4, 'Nachbarschaftstreff Freiberg/Mönchfeld', 'focused', 'application', 7,
     '2026-04-01', '2029-03-31',
     'Antrag auf einen offenen Nachbarschaftstreff für ältere Menschen und Familien im '
     'Gemeindezentrum; Zielgruppe sind Menschen, die bisher wenig an Angeboten teilnehmen. '
     '(Demo-Datensatz)'),
    (5, 'Bewegte Nachbarschaft Rot', 'focused', 'running', 6,
     '2024-03-01', '2027-02-28',
     'Bewegungsangebote im öffentlichen Raum, von Frauen aus dem Quartier selbst organisiert, '
     'mit Unterstützung der Engagementförderung. (Demo-Datensatz)'),
    (6, 'Stadtteilkultur am Nordbahnhof', 'focused', 'evaluation', 5,
     '2022-01-01', '2025-12-31',
     'Kulturelle Stadtteilarbeit: Erzählcafés, Ausstellungen und Feste mit den Bewohner*innen; '
     'die Evaluation prüft, welche Formate nach Projektende weitergeführt werden. (Demo-Datensatz)'),
    (7, 'Klimaanpassung im Quartier Heslach', 'focused', 'assessment', 8,
     '2026-01-01', '2028-12-31',
     'Hitzeschutz und Begrünung im dicht bebauten Quartier, gemeinsam mit Bewohner*innen '
     'geplant; der Antrag wird anhand der Qualitätskriterien geprüft. (Demo-Datensatz)'),
    (8, 'Generationentreff Fasanenhof', 'focused', 'ended', 4,
     '2019-05-01', '2022-04-30',
     'Begegnungsangebote für Jung und Alt im Bürgerhaus; das Projekt ist abgeschlossen, '
     'der Bürgerverein führt einzelne Angebote ehrenamtlich weiter. (Demo-Datensatz)'),
    (9, 'Quartiersentwicklung Raitelsberg', 'comprehensive', 'application', 9,
     '2026-07-01', NULL,
     'Antrag auf umfassende soziale Quartiersentwicklung aufbauend auf der Gemeinwesenarbeit '
     'des Jugendamts; Sozialraumanalyse und Beteiligungsstruktur sind in Vorbereitung. '
     '(Demo-Datensatz)'),
    (10, 'Sozialraumanalyse Dürrlewang', 'focused', 'approved', 8,
     '2025-09-01', '2026-08-31',
     'Qualitative Sozialraumanalyse (Stadtteilerkundungen, Befragungen) als Grundlage für '
     'die Gebietspriorisierung. (Demo-Datensatz)')
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_project SELECT id FROM ins;

INSERT INTO project_quarter (project_id, quarter_id)
SELECT v.p, v.q
  FROM (VALUES (1, 402), (1, 405), (1, 406),
               (2, 601),
               (3, 403),
               (4, 1301), (4, 1302),
               (5, 2301),
               (6, 201),
               (7, 402),
               (8, 1201),
               (9, 304), (9, 301),
               (10, 2001)) AS v(p, q)
  JOIN demo_new_project n ON n.id = v.p
ON CONFLICT DO NOTHING;

INSERT INTO project_lead_office (project_id, office_id)
SELECT v.p, v.o
  FROM (VALUES (1, 1), (1, 3), (1, 2),
               (2, 4), (2, 1),
               (3, 3), (3, 2),
               (4, 1),
               (5, 7), (5, 5),
               (6, 9),
               (7, 8), (7, 4),
               (8, 1),
               (9, 2), (9, 1), (9, 3),
               (10, 6), (10, 1)) AS v(p, o)
  JOIN demo_new_project n ON n.id = v.p
ON CONFLICT DO NOTHING;

-- Bootstrap on the host: account_id NULL, the project as the view shows it.
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'project.create', 'project', n.id, NULL, qt_project_snapshot(n.id)
  FROM demo_new_project n
 ORDER BY n.id;

-- Move the sequences past the fixed ids (never backwards).
SELECT setval(s.seq, greatest(s.max_id, coalesce(pg_sequence_last_value(s.seq), 1)))
  FROM (VALUES (pg_get_serial_sequence('quarter', 'id')::regclass,      (SELECT max(id) FROM quarter)),
               (pg_get_serial_sequence('office', 'id')::regclass,       (SELECT max(id) FROM office)),
               (pg_get_serial_sequence('organisation', 'id')::regclass, (SELECT max(id) FROM organisation)),
               (pg_get_serial_sequence('project', 'id')::regclass,      (SELECT max(id) FROM project)))
       AS s(seq, max_id);

COMMIT;

-- ----------------------------------------------------------------------
--  Support group (Projektbegleitgruppe) of KUGEL (project 1).  Every
--  person is invented; names end in "(Demo)", e-mail addresses use the
--  reserved domain example.org and telephone numbers are not real.
--  Memberships: current and ended ones, a person with two disjoint
--  periods, a civic representative with contact data and a deputy.
-- ----------------------------------------------------------------------

BEGIN;

CREATE TEMP TABLE demo_new_person (id bigint PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE demo_new_membership (id bigint PRIMARY KEY) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO person (id, name, function, office_id, organisation_id, email, phone) VALUES
    (1, 'Sabine Krüger (Demo)', 'Sozialplanerin, Gebietsverantwortliche Süd', 1, NULL,
     'sabine.krueger@example.org', '+49 711 0000-101'),
    (2, 'Thomas Weber (Demo)', 'Bezirksvorsteher Süd', NULL, NULL,
     'bezirk.sued@example.org', NULL),
    (3, 'Miriam Özdemir (Demo)', 'Quartierskoordinatorin KUGEL', NULL, 1,
     'kugel@example.org', '+49 711 0000-103'),
    (4, 'Jonas Albrecht (Demo)', 'Stadtteilplaner', 4, NULL,
     'jonas.albrecht@example.org', NULL),
    (5, 'Helga Brenner (Demo)', 'Bewohnerin, Seniorennetzwerk Heslach', NULL, NULL,
     NULL, NULL),
    (6, 'Karl-Heinz Maier (Demo)', 'Anwohnervertreter Lehen (Demo-Kontaktdaten)', NULL, NULL,
     'kh.maier@example.org', '+49 711 0000-106'),
    (7, 'Ayşe Yılmaz (Demo)', 'Elternbeirat, Stellvertretung', NULL, NULL,
     NULL, NULL)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_person SELECT id FROM ins;

-- Only for a KUGEL that this file created (project 1 exists).
WITH ins AS (
    INSERT INTO membership (id, project_id, person_id, role, on_behalf_of_id, deputy_of_id,
                            start_date, end_date)
    SELECT v.id, 1, v.person, v.role, v.behalf, v.deputy, v.start_date::date, v.end_date::date
      FROM (VALUES
        (1, 1, 'city_staff',    NULL::bigint, NULL::bigint, '2019-10-01', NULL),
        (2, 2, 'district_head', NULL,         NULL,         '2019-10-01', NULL),
        (3, 3, 'carrier',       1,            NULL,         '2019-10-01', NULL),
        (4, 4, 'city_staff',    NULL,         NULL,         '2019-10-01', '2022-03-31'),
        (5, 5, 'civic',         NULL,         NULL,         '2019-10-01', '2021-09-30'),
        (6, 5, 'civic',         NULL,         NULL,         '2023-01-01', NULL),
        (7, 6, 'civic',         NULL,         NULL,         '2020-03-01', NULL),
        (8, 7, 'civic',         NULL,         6,            '2022-01-01', NULL))
        AS v(id, person, role, behalf, deputy, start_date, end_date)
     WHERE EXISTS (SELECT 1 FROM project WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_membership SELECT id FROM ins;

-- Bootstrap on the host: account_id NULL.
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'person.create', 'person', n.id, NULL, qt_person_snapshot(n.id)
  FROM demo_new_person n
 ORDER BY n.id;
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'membership.add', 'membership', n.id, NULL, qt_membership_snapshot(n.id)
  FROM demo_new_membership n
 ORDER BY n.id;

SELECT setval(s.seq, greatest(s.max_id, coalesce(pg_sequence_last_value(s.seq), 1)))
  FROM (VALUES (pg_get_serial_sequence('person', 'id')::regclass,     (SELECT max(id) FROM person)),
               (pg_get_serial_sequence('membership', 'id')::regclass, (SELECT max(id) FROM membership)))
       AS s(seq, max_id);

COMMIT;
