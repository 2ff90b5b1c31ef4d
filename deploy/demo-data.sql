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

-- ----------------------------------------------------------------------
--  Quarter fund (Quartiersfonds) of KUGEL (project 1) for 2026: an
--  allocation, two commitments (grants), a payout and a refund on the
--  first, and a correction of the second.  Applicants are invented.
--  Figures: allocated 15000.00, committed 1920.00, paid 1050.00,
--  balance 13950.00, available 13080.00 EUR.  Entries are only written
--  for a fund this run created, so a ledger booked through the server
--  afterwards is left alone (and the ledger is append-only anyway).
-- ----------------------------------------------------------------------

BEGIN;

CREATE TEMP TABLE demo_new_fund (id bigint PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE demo_new_fund_entry (id bigint PRIMARY KEY) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO fund (id, project_id, quarter_id, year)
    SELECT 1, 1, NULL, 2026 WHERE EXISTS (SELECT 1 FROM project WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_fund SELECT id FROM ins;

WITH ins AS (
    INSERT INTO fund_entry (id, fund_id, kind, amount_cents, commitment_id, corrects_id,
                            applicant, purpose, decided_in, note, booked_on, balance_after_cents)
    SELECT v.id, 1, v.kind, v.amount, v.commitment, v.corrects, v.applicant, v.purpose,
           v.decided_in, v.note, v.booked_on::date, v.balance_after
      FROM (VALUES
        (1, 'allocation', 1500000, NULL::bigint, NULL::bigint, NULL, NULL,
         'GRDrs 988/2021 (Demo)', 'Quartiersfonds 2026', '2026-01-15', 1500000),
        (2, 'commitment', 120000, NULL, NULL, 'Seniorennetzwerk Heslach (Demo)',
         'Geschirr und Material für den offenen Mittagstisch', 'PBG KUGEL 2026-02 (Demo)',
         NULL, '2026-02-10', 1500000),
        (3, 'commitment', 80000, NULL, NULL, 'Elternbeirat Kita Lehen (Demo)',
         'Sommerfest im Quartier', 'PBG KUGEL 2026-02 (Demo)', NULL, '2026-02-24', 1500000),
        (4, 'payout', 120000, 2, NULL, NULL, NULL, NULL, NULL, '2026-03-02', 1380000),
        (5, 'refund', 15000, 2, NULL, NULL, NULL, NULL,
         'nicht verbrauchte Mittel zurückgezahlt', '2026-04-20', 1395000),
        (6, 'correction', -8000, NULL, 3, NULL, NULL, NULL,
         'Kostenvoranschlag niedriger als beantragt', '2026-04-22', 1395000))
        AS v(id, kind, amount, commitment, corrects, applicant, purpose, decided_in, note,
             booked_on, balance_after)
     WHERE EXISTS (SELECT 1 FROM demo_new_fund WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_fund_entry SELECT id FROM ins;

-- Bootstrap on the host: account_id NULL.
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'fund.create', 'fund', v.id, NULL, to_jsonb(v)
  FROM fund_v v JOIN demo_new_fund n ON n.id = v.id;
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'fund.book', 'fund', e.fund_id, NULL, to_jsonb(e)
  FROM fund_entry e JOIN demo_new_fund_entry n ON n.id = e.id
 ORDER BY e.id;

SELECT setval(s.seq, greatest(s.max_id, coalesce(pg_sequence_last_value(s.seq), 1)))
  FROM (VALUES (pg_get_serial_sequence('fund', 'id')::regclass,       (SELECT max(id) FROM fund)),
               (pg_get_serial_sequence('fund_entry', 'id')::regclass, (SELECT max(id) FROM fund_entry)))
       AS s(seq, max_id);

COMMIT;

-- ----------------------------------------------------------------------
--  Quality assessment (Qualitätsprüfung) of KUGEL (project 1) in phase
--  running against catalogue version 1, with three required criteria not
--  met (3.P1, 5.P1, 7.P3), and a continuation plan (Verstetigung) for
--  Quartiersentwicklung Hallschlag (project 2).  Recorded on the host:
--  assessor and author NULL.
-- ----------------------------------------------------------------------

BEGIN;

CREATE TEMP TABLE demo_new_assessment (id bigint PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE demo_new_continuation (project_id bigint PRIMARY KEY) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO assessment (id, project_id, phase, catalogue_version, assessor_id,
                            assessed_on, summary)
    SELECT 1, 1, 'running', 1, NULL, '2026-10-15',
           'Jährliche sozialplanerische Bewertung der Umsetzung (Demo). Die '
           'Quartierskoordination ist gut im Quartier verankert; offen sind eine fortlaufende '
           'Überprüfung der Zielerreichung, Qualifizierung zu Beteiligungsmethoden und die '
           'Verstetigungsstrategie im Jahresbericht.'
     WHERE EXISTS (SELECT 1 FROM project WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_assessment SELECT id FROM ins;

-- Every criterion of version 1 is rated: met unless listed here.
INSERT INTO assessment_rating (assessment_id, catalogue_version, criterion_id, rating, note)
SELECT n.id, 1, c.id, coalesce(v.rating, 'met'), coalesce(v.note, '')
  FROM demo_new_assessment n
  CROSS JOIN criterion c
  LEFT JOIN (VALUES
    (5,  'not_met', 'Qualitative Erhebungen sind für 2027 geplant.'),
    (7,  'not_met', ''),
    (17, 'not_met', 'Die Zielerreichung wurde seit 2023 nicht mehr überprüft; '
                    'eine Zwischenevaluation ist mit der Projektbegleitgruppe vereinbart.'),
    (22, 'not_applicable', 'Das Projekt läuft weiter.'),
    (23, 'not_applicable', 'Das Projekt läuft weiter.'),
    (24, 'not_applicable', 'Das Projekt läuft weiter.'),
    (53, 'not_met', 'Fortbildung „Moderation großer Gruppen“ beantragt.'),
    (57, 'not_met', ''),
    (65, 'not_met', 'Ohne öffentliche Förderung nicht tragfähig.'),
    (69, 'not_met', 'Der Jahresbericht 2025 enthält noch keine Verstetigungsstrategie.'))
    AS v(criterion, rating, note) ON v.criterion = c.id
 WHERE c.version = 1
ON CONFLICT DO NOTHING;

WITH ins AS (
    INSERT INTO continuation (project_id, funding_ends_on, summary, status, updated_by)
    SELECT 2, '2020-12-31',
           'Nach dem Ende der Förderphase tragen das Stadtteilhaus und das Netzwerk '
           'Hallschlag mit hauptamtlicher Unterstützung definierte Aufgaben weiter; die '
           'Stadtverwaltung behält die Gesamtverantwortung. (Demo)',
           'agreed', NULL
     WHERE EXISTS (SELECT 1 FROM project WHERE id = 2)
    ON CONFLICT DO NOTHING
    RETURNING project_id
)
INSERT INTO demo_new_continuation SELECT project_id FROM ins;

INSERT INTO continuation_block (project_id, block, responsible, tasks, resources)
SELECT n.project_id, v.block, v.responsible, v.tasks, v.resources
  FROM demo_new_continuation n
  CROSS JOIN (VALUES
    ('city_overall_responsibility', 'Sozialamt, Sozialplanung Bad Cannstatt (Demo)',
     'Gesamtverantwortung für die dauerhaften Strukturen; jährliches Gespräch mit den Trägern',
     'im Rahmen der Regelaufgaben'),
    ('standing_facility', 'Stadtteilhaus Hallschlag (Demo)',
     'Offener Treff, Raumvergabe an Initiativen, Anlaufstelle für Anliegen aus dem Quartier',
     '0,5 Stelle Hausleitung, Räume'),
    ('established_network', 'Netzwerk Hallschlag mit hauptamtlichen Fachkräften (Demo)',
     'Vernetzung der Akteur*innen, Stadtteilkonferenz zweimal im Jahr, Öffentlichkeitsarbeit',
     'Moderation durch Fachkräfte der Träger, Sachmittel aus dem Quartiersfonds'))
    AS v(block, responsible, tasks, resources)
ON CONFLICT DO NOTHING;

-- Bootstrap on the host: account_id NULL.
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'assessment.create', 'assessment', n.id, NULL, qt_assessment_snapshot(n.id)
  FROM demo_new_assessment n;
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'continuation.set', 'continuation', n.project_id, NULL,
       qt_continuation_snapshot(n.project_id)
  FROM demo_new_continuation n;

SELECT setval(pg_get_serial_sequence('assessment', 'id'),
              greatest((SELECT max(id) FROM assessment),
                       coalesce(pg_sequence_last_value(pg_get_serial_sequence('assessment', 'id')::regclass), 1)));

COMMIT;

-- ----------------------------------------------------------------------
--  Inter-office coordination (ämterübergreifende Kooperation, AGSP) in
--  Süd, organised by the Sozialamt: a meeting whose minutes are approved —
--  a bottom-up item from KUGEL handed over to the Jugendamt (open, so the
--  loop can be followed), a top-down item of the Gesundheitsamt decided,
--  an item not reached and carried over — and the next meeting as a
--  draft.  Everything is invented (Demo).  Only for a KUGEL (project 1)
--  and offices that this file created.
-- ----------------------------------------------------------------------

BEGIN;

CREATE TEMP TABLE demo_new_meeting (id bigint PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE demo_new_item (id bigint PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE demo_new_handover (id bigint PRIMARY KEY) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO meeting (id, title, status, starts_at, ends_at, place, organiser_office_id)
    SELECT v.id, v.title, v.status, v.starts_at, v.ends_at, v.place, 1
      FROM (VALUES
        (1::bigint, 'AGSP Süd – Frühjahrssitzung (Demo)', 'minutes_approved',
         timestamptz '2026-02-10 09:00+01', timestamptz '2026-02-10 12:00+01',
         'Bezirksrathaus Süd, Sitzungssaal (Demo)'),
        (2, 'AGSP Süd – Sommersitzung (Demo)', 'draft',
         timestamptz '2026-06-16 09:00+02', timestamptz '2026-06-16 12:00+02',
         'Bezirksrathaus Süd, Sitzungssaal (Demo)'))
        AS v(id, title, status, starts_at, ends_at, place)
     WHERE EXISTS (SELECT 1 FROM project WHERE id = 1)
       AND (SELECT count(*) FROM office WHERE id IN (1, 2, 3, 4)) = 4
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_meeting SELECT id FROM ins;

INSERT INTO meeting_district (meeting_id, district_id)
SELECT n.id, 4 FROM demo_new_meeting n ON CONFLICT DO NOTHING;
INSERT INTO meeting_project (meeting_id, project_id)
SELECT n.id, 1 FROM demo_new_meeting n ON CONFLICT DO NOTHING;
-- Invited: the planners of Sozial-, Jugend- and Gesundheitsamt, urban
-- planning, the district head and the coordination of KUGEL.
INSERT INTO meeting_participant (meeting_id, office_id, attended)
SELECT n.id, o.id, n.id = 1
  FROM demo_new_meeting n CROSS JOIN (VALUES (1::bigint), (2), (3), (4)) AS o(id)
ON CONFLICT DO NOTHING;
INSERT INTO meeting_participant (meeting_id, person_id, attended)
SELECT n.id, p.id, n.id = 1
  FROM demo_new_meeting n JOIN person p ON p.id IN (2, 3)
ON CONFLICT DO NOTHING;

WITH ins AS (
    INSERT INTO agenda_item (id, title, description, origin, origin_project_id,
                             origin_quarter_id, origin_office_id, requested_minutes, status)
    SELECT v.* FROM (VALUES
        (1::bigint, 'Treffpunkt für Jugendliche in Heslach (Demo)',
         'Anregung aus dem Quartier: Jugendliche wünschen sich einen Treffpunkt am Abend; '
         'die Quartierskoordination hat das im Stadtteilforum aufgenommen.',
         'bottom_up', 1::bigint, 402::bigint, NULL::bigint, 20, 'concluded'),
        (2, 'Hitzeschutz für ältere Menschen im Quartier (Demo)',
         'Vorschlag des Gesundheitsamts: kühle Orte und Nachbarschaftshilfe an Hitzetagen.',
         'top_down', NULL, NULL, 3, 30, 'concluded'),
        (3, 'Barrierefreie Wege zum Stadtteilzentrum (Demo)',
         'Anregung aus dem Seniorennetzwerk: Bordsteine und Ampelphasen.',
         'bottom_up', 1, NULL, NULL, 15, 'backlog'))
        AS v(id, title, description, origin, origin_project_id, origin_quarter_id,
             origin_office_id, requested_minutes, status)
     WHERE EXISTS (SELECT 1 FROM demo_new_meeting WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_item SELECT id FROM ins;

INSERT INTO agenda_item_project (item_id, project_id)
SELECT n.id, 1 FROM demo_new_item n ON CONFLICT DO NOTHING;

INSERT INTO agenda_item_history (id, item_id, meeting_id, position, outcome, outcome_text,
                                 recorded_at)
SELECT v.id, v.item, 1, v.pos, v.outcome, v.txt, timestamptz '2026-02-10 11:30+01'
  FROM (VALUES
    (1::bigint, 1::bigint, 1, 'hand_over',
     'Das Jugendamt prüft mit der Mobilen Jugendarbeit ein Angebot am Abend und berichtet.'),
    (2, 2, 2, 'decision',
     'Gesundheitsamt und Sozialamt legen bis Juni eine Liste kühler Orte vor; '
     'die Quartierskoordination macht sie im Quartier bekannt.'),
    (3, 3, 3, 'carried_over', ''))
    AS v(id, item, pos, outcome, txt)
  JOIN demo_new_item n ON n.id = v.item
ON CONFLICT DO NOTHING;

WITH ins AS (
    INSERT INTO handover (id, history_id, item_id, meeting_id, lead_office_id, due_date, note)
    SELECT 1, 1, 1, 1, 2, date '2026-05-31',
           'Das Jugendamt prüft mit der Mobilen Jugendarbeit ein Angebot am Abend und berichtet.'
     WHERE EXISTS (SELECT 1 FROM demo_new_item WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_handover SELECT id FROM ins;
INSERT INTO handover_office (handover_id, office_id)
SELECT n.id, 1 FROM demo_new_handover n ON CONFLICT DO NOTHING;

-- Bootstrap on the host: account_id NULL.
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'meeting.create', 'meeting', n.id, NULL, qt_meeting_snapshot(n.id)
  FROM demo_new_meeting n ORDER BY n.id;
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'agenda_item.propose', 'agenda_item', n.id, NULL, qt_agenda_item_snapshot(n.id)
  FROM demo_new_item n ORDER BY n.id;
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'handover.create', 'handover', n.id, NULL, qt_handover_snapshot(n.id)
  FROM demo_new_handover n ORDER BY n.id;

SELECT setval(s.seq, greatest(s.max_id, coalesce(pg_sequence_last_value(s.seq), 1)))
  FROM (VALUES (pg_get_serial_sequence('meeting', 'id')::regclass,
                (SELECT max(id) FROM meeting)),
               (pg_get_serial_sequence('meeting_participant', 'id')::regclass,
                (SELECT max(id) FROM meeting_participant)),
               (pg_get_serial_sequence('agenda_item', 'id')::regclass,
                (SELECT max(id) FROM agenda_item)),
               (pg_get_serial_sequence('agenda_item_history', 'id')::regclass,
                (SELECT max(id) FROM agenda_item_history)),
               (pg_get_serial_sequence('handover', 'id')::regclass,
                (SELECT max(id) FROM handover)))
       AS s(seq, max_id);

COMMIT;

-- ----------------------------------------------------------------------
--  Coordinators' updates (Zielsteuerung) of KUGEL (project 1): two goals,
--  the first changed once (two accepted versions), and two progress
--  updates — the first quarter approved, the second returned by the lead
--  office with a comment.  Recorded on the host (accounts NULL); texts and
--  figures are invented.  Rows only for goals and updates this run
--  created, so changes made through the server afterwards stay.
-- ----------------------------------------------------------------------

BEGIN;

CREATE TEMP TABLE demo_new_goal (id bigint PRIMARY KEY) ON COMMIT DROP;
CREATE TEMP TABLE demo_new_update (id bigint PRIMARY KEY) ON COMMIT DROP;

WITH ins AS (
    INSERT INTO goal (id, project_id, version, created_at, updated_at)
    SELECT v.id, 1, v.version, v.created_at, v.updated_at
      FROM (VALUES (1::bigint, 2::bigint, timestamptz '2025-11-20 10:00+01',
                    timestamptz '2026-02-16 09:00+01'),
                   (2, 1, timestamptz '2025-11-20 10:05+01', timestamptz '2025-11-27 14:00+01'))
           AS v(id, version, created_at, updated_at)
     WHERE EXISTS (SELECT 1 FROM project WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_goal SELECT id FROM ins;

INSERT INTO goal_version (goal_id, version, statement, indicator, baseline, target_value, unit,
                          due_date, note, state, created_at, accepted_at)
SELECT v.goal, v.version, v.statement, v.indicator, v.baseline, v.target, v.unit,
       v.due::date, v.note, 'accepted', v.created_at, v.accepted_at
  FROM (VALUES
    (1::bigint, 1::bigint,
     'Nachbarschaftliche Begegnung stärken: mehr Menschen aus dem Quartier kommen zum offenen '
     'Mittagstisch im Stadtteilzentrum (Demo).',
     'Teilnehmende pro Woche am offenen Mittagstisch', 12::numeric, 30::numeric, 'Personen',
     '2026-12-31', 'In der Projektbegleitgruppe im November 2025 vereinbart.',
     timestamptz '2025-11-20 10:00+01', timestamptz '2025-11-27 14:00+01'),
    (1, 2,
     'Nachbarschaftliche Begegnung stärken: mehr Menschen aus dem Quartier kommen zum offenen '
     'Mittagstisch im Stadtteilzentrum (Demo).',
     'Teilnehmende pro Woche am offenen Mittagstisch', 12, 35, 'Personen', '2026-12-31',
     'Angepasst: seit Januar ein zweiter Mittagstisch am Donnerstag.',
     timestamptz '2026-02-10 11:00+01', timestamptz '2026-02-16 09:00+01'),
    (2, 1,
     'Beteiligungsstruktur aufbauen: ein Stadtteilforum tagt regelmäßig und ist offen für '
     'alle im Quartier (Demo).',
     'Sitzungen des Stadtteilforums im Jahr', 0, 4, 'Sitzungen', '2026-12-31',
     'In der Projektbegleitgruppe im November 2025 vereinbart.',
     timestamptz '2025-11-20 10:05+01', timestamptz '2025-11-27 14:00+01'))
    AS v(goal, version, statement, indicator, baseline, target, unit, due, note, created_at,
         accepted_at)
  JOIN demo_new_goal n ON n.id = v.goal
ON CONFLICT DO NOTHING;

WITH ins AS (
    INSERT INTO progress_update (id, project_id, version, period_from, period_to, narrative,
                                 events, participation, topics, state, submitted_at,
                                 reviewed_at, review_comment, created_at, updated_at)
    SELECT v.id, 1, v.version, v.period_from::date, v.period_to::date, v.narrative, v.events,
           v.participation, v.topics, v.state, v.submitted_at, v.reviewed_at, v.review_comment,
           v.submitted_at, v.reviewed_at
      FROM (VALUES
        (1::bigint, 2::bigint, '2026-01-01', '2026-03-31',
         'Der zweite Mittagstisch am Donnerstag ist gut angelaufen; zwei neue Ehrenamtliche '
         'kochen mit. Das Stadtteilforum hat sich im März zum ersten Mal getroffen. (Demo)',
         'Neujahrsempfang im Stadtteilzentrum; zwei Stadtteilspaziergänge mit dem '
         'Seniorennetzwerk; erstes Stadtteilforum am 18. März',
         'Rund 80 Menschen, davon etwa 25 zum ersten Mal; am Mittagstisch im Schnitt 21 '
         'Personen pro Woche',
         'Hitze in den Dachwohnungen; ein Treffpunkt für Jugendliche am Abend (an die AGSP '
         'weitergegeben)',
         'approved', timestamptz '2026-04-07 16:00+02', timestamptz '2026-04-14 10:30+02',
         NULL::text),
        (2, 2, '2026-04-01', '2026-06-30',
         'Der Mittagstisch wächst weiter; im Mai fiel er wegen Umbaus zwei Wochen aus. (Demo)',
         'Frühlingsfest; zweites Stadtteilforum im Juni', 'Rund 120 Menschen beim Frühlingsfest',
         'Barrierefreie Wege zum Stadtteilzentrum',
         'returned', timestamptz '2026-07-06 15:00+02', timestamptz '2026-07-10 09:15+02',
         'Bitte die Teilnehmendenzahlen des Mittagstischs nach Monaten aufschlüsseln.'))
        AS v(id, version, period_from, period_to, narrative, events, participation, topics,
             state, submitted_at, reviewed_at, review_comment)
     WHERE EXISTS (SELECT 1 FROM demo_new_goal WHERE id = 1)
    ON CONFLICT DO NOTHING
    RETURNING id
)
INSERT INTO demo_new_update SELECT id FROM ins;

INSERT INTO progress_value (update_id, goal_id, goal_version, actual_value, note)
SELECT v.u, v.goal, v.version, v.actual, v.note
  FROM (VALUES (1::bigint, 1::bigint, 2::bigint, 21::numeric, 'Mittelwert über 13 Wochen'),
               (1, 2, 1, 1, ''),
               (2, 1, 2, 24, ''),
               (2, 2, 1, 2, ''))
       AS v(u, goal, version, actual, note)
  JOIN demo_new_update n ON n.id = v.u
ON CONFLICT DO NOTHING;

INSERT INTO progress_update_event (id, update_id, action, comment, at)
SELECT v.id, v.u, v.action, v.comment, v.at
  FROM (VALUES (1::bigint, 1::bigint, 'submit', '', timestamptz '2026-04-07 16:00+02'),
               (2, 1, 'approve', '', timestamptz '2026-04-14 10:30+02'),
               (3, 2, 'submit', '', timestamptz '2026-07-06 15:00+02'),
               (4, 2, 'return',
                'Bitte die Teilnehmendenzahlen des Mittagstischs nach Monaten aufschlüsseln.',
                timestamptz '2026-07-10 09:15+02'))
       AS v(id, u, action, comment, at)
  JOIN demo_new_update n ON n.id = v.u
ON CONFLICT DO NOTHING;

-- Bootstrap on the host: account_id NULL.
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'goal.create', 'goal', n.id, NULL, qt_goal_snapshot(n.id)
  FROM demo_new_goal n ORDER BY n.id;
INSERT INTO audit (account_id, action, entity, entity_id, before, after)
SELECT NULL, 'progress_update.submit', 'progress_update', n.id, NULL, qt_progress_snapshot(n.id)
  FROM demo_new_update n ORDER BY n.id;

SELECT setval(s.seq, greatest(s.max_id, coalesce(pg_sequence_last_value(s.seq), 1)))
  FROM (VALUES (pg_get_serial_sequence('goal', 'id')::regclass, (SELECT max(id) FROM goal)),
               (pg_get_serial_sequence('progress_update', 'id')::regclass,
                (SELECT max(id) FROM progress_update)),
               (pg_get_serial_sequence('progress_update_event', 'id')::regclass,
                (SELECT max(id) FROM progress_update_event)))
       AS s(seq, max_id);

COMMIT;
