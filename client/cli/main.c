/* quartier: the command line client of the Quartier registry.  main()
 * parses the global options, finds the command and hands over; the usage
 * texts live here so that all help reads alike. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "i18n.h"

void cli_usage_main(void)
{
	fputs(_(
"Usage: quartier [global options] COMMAND [ARGS...]\n"
"\n"
"Client of the Quartier registry of the city's social neighbourhood\n"
"development (soziale Quartiersentwicklung): quarter projects\n"
"(Quartiersprojekte), their quarters (Quartiere), lead offices (Ämter) and\n"
"carriers (Träger).\n"
"\n"
"Commands:\n"
"  config init|show        write or show the connection settings\n"
"  login --user LOGIN      log in (Anmeldung) and keep the session\n"
"  logout                  end the session\n"
"  whoami                  show the account of the session\n"
"  ref districts|quarters|offices|organisations\n"
"                          reference data: districts (Stadtbezirke), quarters\n"
"                          (Quartiere), offices (Ämter), organisations (Träger)\n"
"  project list|show|create|update|transition\n"
"                          quarter projects (Quartiersprojekte)\n"
"  person list|show|create|update\n"
"                          persons (Personen) and their contact data\n"
"  group members|add|end   support groups (Projektbegleitgruppen) of projects\n"
"  criteria                the quality criteria (Bewertungskriterien) of the annex\n"
"  assess PROJECT          record a quality assessment (Qualitätsprüfung) of a project\n"
"  assessment show|list    read assessments and the required criteria not met\n"
"  continuation show|set|due\n"
"                          continuation plans (Verstetigung) and projects whose\n"
"                          funding ends without one\n"
"  fund list|show|create|book|ledger\n"
"                          quarter funds (Quartiersfonds) and their ledgers\n"
"  meeting create|list|show|open|start|close|approve|attended|export-ics\n"
"                          meetings of the inter-office coordination\n"
"                          (ämterübergreifende Kooperation, AGSP)\n"
"  agenda propose|backlog|schedule|outcome|export-csv\n"
"                          agenda items (Tagesordnungspunkte) and their outcomes\n"
"  handover list|ack|done|decline\n"
"                          topics handed over to the responsible office (Übergaben)\n"
"  goal list|show|history|set|propose|accept|retire\n"
"                          goals of projects (Ziele, Zielsteuerung) and their versions\n"
"  update submit|show|list|approve|return|revise\n"
"                          progress updates of the coordination (Sachstandsberichte)\n"
"  report PROJECT --year Y annual report (Jahresbericht) as Markdown or HTML\n"
"  account create|list|disable|enable|role|rename|reset-password|revoke-sessions|lockouts|unlock\n"
"                          user accounts (Benutzerkonten; admins only)\n"
"  admin stats|person-export|person-erase\n"
"                          the server's figures; a person's data under the GDPR\n"
"                          (export, erasure; admins only)\n"
"  audit                   change log (Änderungsprotokoll)\n"
"  audit verify            check its hash chain (admins only)\n"
"  sync                    bring the local replica up to date, send the outbox\n"
"  watch                   stay connected and apply changes as they happen\n"
"  outbox list|discard|retry\n"
"                          changes waiting to be sent, and refused ones\n"
"\n"
"Global options (also accepted after the command):\n"
"  --host H                server name or address (default 127.0.0.1)\n"
"  --port N                server port (default 7433)\n"
"  --ca FILE               CA certificate (PEM) that signed the server's certificate\n"
"  --config FILE           config file (default $XDG_CONFIG_HOME/quartier/config,\n"
"                          i.e. ~/.config/quartier/config)\n"
"  --json                  print JSON instead of tables (for scripts)\n"
"  --offline               answer from the local replica (see 'quartier sync');\n"
"                          changes are queued in the outbox\n"
"  -h, --help              this help; 'quartier COMMAND --help' for a command\n"
"  --version               print the version\n"
"\n"
"Language: messages follow LANGUAGE, LC_ALL, LC_MESSAGES and LANG (German\n"
"with LANG=de_DE.UTF-8); JSON, CSV and iCalendar output stays untranslated.\n"
"\n"
"Exit codes:\n"
"  0 ok, 1 other error, 2 usage error, 3 not found,\n"
"  4 not logged in or permission denied,\n"
"  5 conflict (changed by someone else meanwhile) or not allowed in the current state,\n"
"  6 invalid value, 7 server unreachable or unavailable, TLS failure,\n"
"  8 server unreachable: the change was queued in the outbox.\n"),
	      stdout);
}

static const char cli_usage_config[] =
N_("Usage: quartier config init [--host H] [--port N] [--ca FILE]\n"
"       quartier config show\n"
"\n"
"init writes the config file (default ~/.config/quartier/config) with the\n"
"server's host, port and CA certificate file (stored as an absolute path).\n"
"show prints the settings in effect: defaults, the file, then options.\n"
"\n"
"The file holds 'key = value' lines; '#' starts a comment line.  Keys:\n"
"  host      server name or address; must match its certificate\n"
"  port      server TCP port (default 7433)\n"
"  ca_file   PEM file of the CA that signed the server certificate\n"
"  cert_file PEM client certificate of this machine, issued by the city CA,\n"
"            for servers that ask for one (office machines)\n"
"  key_file  PEM private key of cert_file (default: in cert_file)\n");

static const char cli_usage_login[] =
N_("Usage: quartier login --user LOGIN [--password-stdin]\n"
"\n"
"Logs in (Anmeldung) and saves the session token in\n"
"~/.config/quartier/session (readable only by you).  Other commands use it\n"
"until 'quartier logout' or until it expires.\n"
"\n"
"  --user LOGIN        your login name\n"
"  --password-stdin    read the password as one line from standard input;\n"
"                      without it, a terminal is asked without echo\n");

static const char cli_usage_logout[] =
N_("Usage: quartier logout\n"
"\n"
"Ends the session on the server (the token stops working everywhere) and\n"
"deletes the saved session file.\n");

static const char cli_usage_whoami[] =
N_("Usage: quartier whoami\n"
"\n"
"Shows the account of the saved session: login, name, role and the office\n"
"(Amt) or organisation (Träger) it belongs to.\n");

static const char cli_usage_ref[] =
N_("Usage: quartier ref districts\n"
"       quartier ref quarters [--district NAME|ID]\n"
"       quartier ref offices\n"
"       quartier ref organisations\n"
"\n"
"Lists reference data with the ids other commands expect:\n"
"  districts       city districts (Stadtbezirke)\n"
"  quarters        quarters (Quartiere), optionally of one district\n"
"  offices         offices (Ämter), e.g. Jugendamt, Sozialamt\n"
"  organisations   organisations (Träger): welfare, initiatives, associations...\n"
"\n"
"  --district NAME|ID   district by id or name (case does not matter)\n");

static const char cli_usage_project[] =
N_("Usage: quartier project list [--district NAME|ID] [--quarter ID] [--kind K]\n"
"                             [--status S] [--lead-office ID] [--limit N]\n"
"                             [--after ID] [--all]\n"
"       quartier project show ID\n"
"       quartier project create --name N --kind K --quarter ID [--quarter ID...]\n"
"                               --lead-office ID [--lead-office ID...]\n"
"                               [--carrier ID] [--coordinator ID...]\n"
"                               [--start YYYY-MM-DD] [--end YYYY-MM-DD]\n"
"                               [--description TEXT]\n"
"       quartier project update ID [--version V] [--name N] [--kind K]\n"
"                               [--quarter ID...] [--lead-office ID...]\n"
"                               [--coordinator ID...|--no-coordinators]\n"
"                               [--carrier ID|--no-carrier] [--start D|--no-start]\n"
"                               [--end D|--no-end] [--description TEXT]\n"
"       quartier project transition ID STATUS [--reason TEXT] [--version V]\n"
"\n"
"Quarter projects (Quartiersprojekte).\n"
"\n"
"Kinds (Projektart):\n"
"  comprehensive   umfassende soziale Quartiersentwicklung\n"
"  focused         fokussiertes Projekt im Quartier\n"
"Statuses, in lifecycle order:\n"
"  application (Antrag), assessment (Prüfung), approved (bewilligt),\n"
"  running (laufend), evaluation (Evaluation), then continued (verstetigt)\n"
"  or ended (beendet)\n"
"\n"
"list:\n"
"  --district NAME|ID   district (Stadtbezirk): a number is an id, anything\n"
"                       else a name such as \"Süd\" (case does not matter)\n"
"  --quarter ID         quarter (Quartier)\n"
"  --kind K             project kind, see above\n"
"  --status S           status, see above\n"
"  --lead-office ID     lead office (federführendes Amt)\n"
"  --limit N            projects per page (default 50, at most 500)\n"
"  --after ID           start after this project id (the next page)\n"
"  --all                fetch every page\n"
"create and update:\n"
"  --name N             project name\n"
"  --kind K             project kind\n"
"  --quarter ID         quarter (Quartier; see 'quartier ref quarters'); repeatable\n"
"  --lead-office ID     lead office (federführendes Amt; 'quartier ref offices');\n"
"                       repeatable\n"
"  --carrier ID         carrier of the neighbourhood coordination (Träger;\n"
"                       'quartier ref organisations')\n"
"  --coordinator ID     account of a neighbourhood coordinator\n"
"                       (Quartierskoordination); repeatable\n"
"  --start, --end DATE  start and end (Laufzeit), YYYY-MM-DD\n"
"  --description TEXT   description\n"
"update only (lists given replace the old list as a whole):\n"
"  --version V          the version you read; without it the current version\n"
"                       is fetched first (the server still refuses a change\n"
"                       made on top of someone else's: exit code 5)\n"
"  --no-carrier, --no-start, --no-end, --no-coordinators   clear the value\n"
"transition:\n"
"  STATUS               the new status\n"
"  --reason TEXT        why (kept in the change log)\n"
"  --version V          as for update\n");

static const char cli_usage_account[] =
N_("Usage: quartier account create --login L --name N --role R [--office ID]\n"
"                               [--organisation ID] [--district ID]\n"
"                               [--password-stdin]\n"
"       quartier account list\n"
"       quartier account disable|enable ACCOUNT\n"
"       quartier account role ACCOUNT --role R [--office ID] [--organisation ID]\n"
"                             [--district ID]\n"
"       quartier account rename ACCOUNT --name N\n"
"       quartier account reset-password ACCOUNT [--password-stdin]\n"
"       quartier account revoke-sessions ACCOUNT\n"
"       quartier account lockouts\n"
"       quartier account unlock ACCOUNT\n"
"\n"
"User accounts (Benutzerkonten); admins only.  ACCOUNT is an id or a login.\n"
"disable logs the account out at once and revokes its sessions; enable lets it\n"
"log in again.  role replaces the role and its office, organisation or\n"
"district.  The last enabled admin can be neither disabled nor given another\n"
"role.  reset-password keeps existing sessions: run revoke-sessions as well if\n"
"the old password leaked.  After too many failed logins a login is locked (the\n"
"right password is then refused like a wrong one); lockouts lists the accounts\n"
"with failed logins counted or a lock, unlock lifts the lock.\n"
"\n"
"Roles:\n"
"  admin         city-wide coordination (gesamtstädtische Steuerung), may do all\n"
"  office        staff of one office (Amt); needs --office\n"
"  coordinator   neighbourhood coordination (Quartierskoordination) of a\n"
"                carrier (Träger); needs --organisation\n"
"  district_head district head (Bezirksvorsteher*in): reads all, proposes\n"
"                agenda items from the district; needs --district\n"
"  viewer        read only\n"
"\n"
"  --login L            login name\n"
"  --name N             display name\n"
"  --role R             role, see above\n"
"  --office ID          the office (Amt; 'quartier ref offices')\n"
"  --organisation ID    the carrier organisation (Träger; 'quartier ref organisations')\n"
"  --district ID        the district (Stadtbezirk; 'quartier ref districts')\n"
"  --password-stdin     read the new password as one line from standard input;\n"
"                       without it, a terminal is asked twice without echo\n");

static const char cli_usage_admin[] =
N_("Usage: quartier admin stats [--json]\n"
"       quartier admin person-export PERSON [-o FILE]\n"
"       quartier admin person-erase PERSON --reason TEXT [--json]\n"
"\n"
"Admins only.\n"
"\n"
"stats: the figures of the server you are connected to, the same as its\n"
"Prometheus page: connections, TLS handshakes, failed logins, the database\n"
"pool, the password-hash queue and, per request type, how many were answered,\n"
"how many failed and the mean latency (--json adds every status and the\n"
"latency histogram).\n"
"\n"
"person-export: everything the registry stores about a person (GDPR Art. 15,\n"
"right of access) as one JSON document: the person, its support-group\n"
"memberships with project names, the meetings it was invited to, a linked\n"
"account with its sessions, and the audit entries about it.  The export is\n"
"recorded in the audit log.\n"
"  -o, --output FILE    write it to FILE (mode 0600) instead of standard output\n"
"\n"
"person-erase: erases a person (GDPR Art. 17, right to erasure) in one step:\n"
"function, e-mail, phone and an account link are removed, the name becomes\n"
"\"Person ID (gelöscht)\", and the same data is redacted in the audit log.\n"
"Memberships, meeting participation and decisions stay, under the pseudonym\n"
"(public-task exception, Art. 17(3)(b) and (e)); every replica receives the\n"
"pseudonymised record with its next sync.  This cannot be undone.  A person\n"
"linked to an enabled account is refused: disable the account first.\n"
"Erasing an erased person changes nothing and says so.\n"
"  --reason TEXT        why (e.g. the request it answers); kept in the audit log\n");

static const char cli_usage_audit[] =
N_("Usage: quartier audit [--entity ENTITY] [--id N] [--limit N]\n"
"       quartier audit verify [--anchor POSITION:HASH]\n"
"\n"
"Shows the change log (Änderungsprotokoll), newest first: who changed what\n"
"and when.  Admins see all entries, others those about projects.\n"
"\n"
"  --entity ENTITY   only entries about this kind of record, e.g. project\n"
"  --id N            only entries about the record with this id\n"
"  --limit N         at most N entries (default 50, at most 500)\n"
"\n"
"With --json, each entry carries the record before and after the change.\n"
"\n"
"verify (admins) has the server seal the entries of finished changes into\n"
"the log's hash chain and recompute the whole chain: it prints the number of\n"
"entries checked and the chain's head, or names the first entry that was\n"
"edited, inserted or deleted behind the server's back (exit code 1).\n"
"\n"
"  --anchor POSITION:HASH   a head printed by an earlier verify: the chain\n"
"                           must still hold it (catches a rewritten chain)\n");

static const char cli_usage_person[] =
N_("Usage: quartier person list [--name TEXT] [--office ID] [--organisation ID]\n"
"                            [--limit N] [--after ID] [--all]\n"
"       quartier person show ID\n"
"       quartier person create --name N [--function F] [--office ID|--organisation ID]\n"
"                              [--email E] [--phone P] [--account ID]\n"
"       quartier person update ID [--version V] [--name N] [--function F|--no-function]\n"
"                              [--office ID|--no-office]\n"
"                              [--organisation ID|--no-organisation]\n"
"                              [--email E|--no-email] [--phone P|--no-phone]\n"
"                              [--account ID|--no-account]\n"
"\n"
"Persons (Personen) who sit in support groups: staff of offices (Ämter), of\n"
"organisations (Träger), district heads and civic representatives, with or\n"
"without an account.\n"
"\n"
"Contact data (email, phone) is personal data: the server shows it only to\n"
"admins, to the person itself, to staff of an office leading a project whose\n"
"support group the person is or was in, and to fellow members of a support\n"
"group; to everyone else it shows \"(hidden)\".\n"
"\n"
"Admins and office staff create and update persons; coordinators create\n"
"private persons (no office, no account) for their support groups.  Only\n"
"admins link a person to an account (--account).\n"
"\n"
"list:\n"
"  --name TEXT          part of the name (case does not matter)\n"
"  --office ID          staff of this office ('quartier ref offices')\n"
"  --organisation ID    staff of this organisation ('quartier ref organisations')\n"
"  --limit N, --after ID, --all   paging as for 'quartier project list'\n"
"create and update:\n"
"  --name N             name, 1 to 200 characters\n"
"  --function F         function, e.g. \"Sozialplanerin\"\n"
"  --office ID          the office the person works for, or\n"
"  --organisation ID    the organisation (not both)\n"
"  --email E, --phone P contact data\n"
"  --account ID         the account that is this person (admins only)\n"
"update only:\n"
"  --version V          the version you read (default: the current one)\n"
"  --no-function, --no-office, --no-organisation, --no-email, --no-phone,\n"
"  --no-account         clear the value\n");

static const char cli_usage_group[] =
N_("Usage: quartier group members PROJECT [--on YYYY-MM-DD] [--history]\n"
"       quartier group add PROJECT --person ID --role ROLE [--on-behalf-of ORG]\n"
"                          [--deputy-of PERSON] --from YYYY-MM-DD [--until YYYY-MM-DD]\n"
"       quartier group end MEMBERSHIP_ID --until YYYY-MM-DD\n"
"\n"
"The support group (Projektbegleitgruppe) of a project: dated memberships of\n"
"persons ('quartier person').  A person may have several periods in a group,\n"
"but they must not overlap; both dates are inclusive.  Nothing is deleted:\n"
"ending a membership sets its end date.\n"
"\n"
"Roles:\n"
"  city_staff      area or topic lead of an office (Gebiets-/Themenverantwortliche)\n"
"  district_head   district head (Bezirksvorsteher*in)\n"
"  carrier         carrier of the coordination (Träger der Quartierskoordination)\n"
"  civic           civic representative (gesellschaftliches Engagement)\n"
"\n"
"members:\n"
"  PROJECT              the project id\n"
"  --on DATE            members on this day (default: today)\n"
"  --history            every period, past and future, with whether it is\n"
"                       active on that day\n"
"add (admins, staff of a lead office, the project's coordinators):\n"
"  --person ID          the member\n"
"  --role ROLE          role category, see above\n"
"  --on-behalf-of ORG   organisation the member represents\n"
"  --deputy-of PERSON   the member this one deputises for (Stellvertretung)\n"
"  --from DATE          first day of the membership\n"
"  --until DATE         last day (default: open)\n"
"end:\n"
"  MEMBERSHIP_ID        the ID column of 'quartier group members'\n"
"  --until DATE         last day of the membership\n");

static const char cli_usage_fund[] =
N_("Usage: quartier fund list [--project ID] [--year YYYY] [--limit N] [--after ID] [--all]\n"
"       quartier fund show FUND\n"
"       quartier fund create --project ID [--quarter ID] --year YYYY\n"
"       quartier fund book FUND KIND --amount EUR [--commitment ID] [--corrects ENTRY]\n"
"                          [--applicant TEXT] [--purpose TEXT] [--decided-in TEXT]\n"
"                          [--note TEXT] [--date YYYY-MM-DD]\n"
"       quartier fund ledger FUND [--limit N] [--after ID] [--all]\n"
"\n"
"The quarter fund (Quartiersfonds) of an area (a project, or one of its\n"
"quarters) for a year: an append-only ledger (Buchungen) in euros and cents.\n"
"Entries are never changed or deleted; a mistake is put right by a correction.\n"
"Amounts are written with a point and two decimals, e.g. 125.50 (or whole\n"
"euros, 125), and kept exactly in cents.\n"
"\n"
"Kinds of entries:\n"
"  allocation   money for the fund (Mittelzuweisung)\n"
"  commitment   a grant to an applicant for a purpose (Bewilligung);\n"
"               needs --applicant and --purpose\n"
"  payout       money paid on a commitment (Auszahlung); needs --commitment\n"
"  refund       money paid back on a commitment (Rückzahlung); needs --commitment\n"
"  correction   a signed change of an earlier entry (Korrektur), e.g.\n"
"               --amount -80.00; needs --corrects and --note (the reason)\n"
"Figures: allocated, committed, paid (payouts minus refunds), balance\n"
"(allocated - paid) and available (allocated - committed).  The server refuses\n"
"a payout beyond what remains of its commitment, a refund beyond what was paid,\n"
"and any entry that would make balance or available negative (exit code 5).\n"
"\n"
"Admins and staff of a lead office (federführendes Amt) create funds and book\n"
"every kind; the project's coordinators book commitments, payouts, refunds and\n"
"corrections of those, but no allocations.  Everyone may read.\n"
"\n"
"list:\n"
"  --project ID         funds of this project\n"
"  --year YYYY          funds of this year\n"
"  --limit N, --after ID, --all   paging as for 'quartier project list'\n"
"show:\n"
"  FUND                 the fund id; shows its figures and the whole ledger\n"
"create:\n"
"  --project ID         the project whose area the fund serves\n"
"  --quarter ID         one of the project's quarters (default: the whole project)\n"
"  --year YYYY          the year; one fund per area and year\n"
"book:\n"
"  FUND KIND            the fund id and the kind of entry, see above\n"
"  --amount EUR         the amount, e.g. 125.50 (corrections: a signed change)\n"
"  --commitment ID      payouts and refunds: the commitment's entry id\n"
"  --corrects ENTRY     corrections: the entry corrected\n"
"  --applicant TEXT     commitments: who receives the grant\n"
"  --purpose TEXT       commitments: what for\n"
"  --decided-in TEXT    where it was decided, e.g. \"AGSP 2026-03\"\n"
"  --note TEXT          a note; for corrections the reason\n"
"  --date YYYY-MM-DD    booking date (default: today)\n"
"ledger:\n"
"  FUND                 the fund id; entries in booking order with the\n"
"                       balance after each\n"
"  --limit N            entries per page (default 100, at most 500)\n"
"  --after ID, --all    paging\n");

static const char cli_usage_criteria[] =
N_("Usage: quartier criteria [--version N] [--section S]\n"
"\n"
"Lists the quality criteria (Bewertungskriterien) of the annex of the\n"
"Rahmenkonzeption, with the ids 'quartier assess' expects.  Seven sections:\n"
"1 Ausgangslage/Sozialraumanalyse, 2 Zielsteuerung, 3 Evaluation,\n"
"4 Quartierskoordination (falls vorhanden), 5 Partizipation,\n"
"6 Gesellschaftliches Engagement, 7 Verstetigung; each criterion belongs to\n"
"the column konzept (quality of the concept) or prozess (of the process) and\n"
"is required (a basic requirement for every project) or enhancing\n"
"(quality-enhancing, mainly for comprehensive developments).\n"
"\n"
"The catalogue is versioned; a version never changes, and every assessment\n"
"keeps the version it was made against.\n"
"\n"
"  --version N     this catalogue version (default: the latest)\n"
"  --section S     only section S (1 to 7)\n");

static const char cli_usage_assess[] =
N_("Usage: quartier assess PROJECT --phase PHASE --rate ID=RATING[:NOTE] [--rate ...]\n"
"                       [--file FILE] [--date YYYY-MM-DD] [--summary TEXT]\n"
"                       [--catalogue-version N]\n"
"\n"
"Records a quality assessment (Qualitätsprüfung) of a project against the\n"
"criteria ('quartier criteria'): all ratings at once, as a snapshot that is\n"
"never changed.  Admins and staff of an office leading the project assess;\n"
"the project's coordinators do not.  Prints the assessment with the required\n"
"criteria that are not met.\n"
"\n"
"Phases:\n"
"  application         funding of a new project (Förderfähigkeit)\n"
"  continued_funding   continued funding of a running project (Weiterförderung)\n"
"  running             assessing how a project is carried out (Umsetzung)\n"
"Ratings:\n"
"  met, not_met, na (not applicable; also not_applicable)\n"
"\n"
"A required criterion counts as missing unless it is rated met.  na fulfils\n"
"it only in section 4 (Quartierskoordination, 'falls vorhanden'); in section\n"
"7 the two ways of anchoring (without or with public funding) are\n"
"alternatives: one met suffices.  Criteria not rated count as not met;\n"
"quality-enhancing criteria are never missing.\n"
"\n"
"  PROJECT                  the project id\n"
"  --phase PHASE            see above\n"
"  --rate ID=RATING[:NOTE]  one criterion; repeatable, e.g. --rate 12=not_met:\"noch offen\"\n"
"  --file FILE              ratings from a file ('-': standard input), one\n"
"                           ID=RATING[:NOTE] per line; '#' starts a comment line\n"
"  --date YYYY-MM-DD        the day of the assessment (default: today)\n"
"  --summary TEXT           overall remarks\n"
"  --catalogue-version N    assess against this version (default: the latest)\n");

static const char cli_usage_assessment[] =
N_("Usage: quartier assessment show ID [--ratings]\n"
"       quartier assessment list PROJECT\n"
"\n"
"Quality assessments (Qualitätsprüfungen) recorded with 'quartier assess'.\n"
"\n"
"show:\n"
"  ID           the assessment id; shows the result and the required criteria\n"
"               not met\n"
"  --ratings    also every criterion of the catalogue version with its rating\n"
"list:\n"
"  PROJECT      the project id; its assessments, newest first\n");

static const char cli_usage_meeting[] =
N_("Usage: quartier meeting create --title T --start TIME [--end TIME] [--place P]\n"
"                               [--organiser ID] [--quarter ID...] [--district ID...]\n"
"                               [--project ID...] [--office ID...] [--person ID...]\n"
"       quartier meeting list [--status S] [--organiser ID] [--project ID]\n"
"                             [--from DATE] [--until DATE] [--limit N]\n"
"       quartier meeting show ID\n"
"       quartier meeting open|start|close|approve ID [--version V]\n"
"       quartier meeting attended ID [--office ID...] [--person ID...] [--version V]\n"
"       quartier meeting export-ics [ID...] [filters of list] [--output FILE]\n"
"\n"
"Meetings of the inter-office coordination (ämterübergreifende Kooperation,\n"
"AGSP): the offices' planners, district heads and neighbourhood coordinators.\n"
"\n"
"Lifecycle: draft (Entwurf) -> open (agenda published) -> in_progress\n"
"  (start) -> closed (items not reached go back to the backlog, carried\n"
"  over) -> minutes_approved (approve; read-only from then on).\n"
"\n"
"  --title T            title (1 to 200 characters)\n"
"  --start, --end TIME  'YYYY-MM-DD HH:MM' in local time, or 'YYYY-MM-DDTHH:MMZ' in UTC\n"
"  --place P            where it takes place\n"
"  --organiser ID       the organising office (Amt); office staff: their own\n"
"  --quarter, --district, --project ID   the scope; repeatable\n"
"  --office, --person ID                 invited participants; repeatable\n"
"  --status S           draft, open, in_progress, closed, minutes_approved\n"
"  --from, --until DATE meetings starting in [from, until)\n"
"  --version V          the version you read; without it the current one is used\n"
"attended: records who attended (among the invited), replacing earlier records.\n"
"export-ics: writes an iCalendar file (RFC 5545) of the meetings named, or of\n"
"  those the filters list, with their agendas; to standard output without\n"
"  --output.  Times are in UTC; each meeting keeps its UID across exports.\n");

static const char cli_usage_agenda[] =
N_("Usage: quartier agenda propose --title T (--project ID [--quarter ID] | [--office ID])\n"
"                               [--description TEXT] [--link-project ID...] [--minutes N]\n"
"       quartier agenda backlog [--project ID] [--status S | --all] [--item ID]\n"
"       quartier agenda schedule ITEM (--meeting ID [--position N] | --backlog)\n"
"       quartier agenda outcome MEETING ITEM --kind K [--text T]\n"
"                               [--lead-office ID] [--office ID...] [--due YYYY-MM-DD]\n"
"       quartier agenda export-csv MEETING... [--output FILE]\n"
"\n"
"Agenda items (Tagesordnungspunkte) of the inter-office coordination.\n"
"\n"
"propose: an item from a quarter project (bottom-up, --project; by its\n"
"  coordination or the district head, Bezirksvorsteher*in, of its district)\n"
"  or from an office (top-down, --office; office staff: their own by\n"
"  default).  --minutes is the time asked for (1 to 480).\n"
"backlog: items on no agenda (default), or by --status (backlog, scheduled,\n"
"  concluded) or --all; --item shows one item with its history.\n"
"schedule: the organiser puts an item on a meeting at --position (default:\n"
"  last), moves it to another meeting before it starts, or takes it back\n"
"  to the --backlog.\n"
"outcome: while the meeting is in progress or closed (until the minutes are\n"
"  approved), with --kind:\n"
"    information          Information\n"
"    decision             Beschluss; --text required\n"
"    deferral             vertagt: back to the backlog\n"
"    hand_over            Übergabe to --lead-office (federführend), optionally\n"
"                         with participating --office IDs, due --due YYYY-MM-DD\n"
"export-csv: the agendas and outcomes of the meetings as CSV (RFC 4180).\n");

static const char cli_usage_handover[] =
N_("Usage: quartier handover list [--mine] [--office ID] [--project ID] [--status S]\n"
"                              [--meeting ID] [--limit N]\n"
"       quartier handover ack ID [--version V]\n"
"       quartier handover done ID [--report TEXT] [--version V]\n"
"       quartier handover decline ID --reason TEXT [--version V]\n"
"\n"
"Topics a meeting handed over to the responsible office (Übergaben).\n"
"Status: open -> acknowledged -> done or declined (with a reason).\n"
"\n"
"  --mine        office staff: those addressed to your office (lead or\n"
"                participating); coordinators: those of your projects;\n"
"                district heads: those of projects in your district\n"
"  --office ID   addressed to this office\n"
"  --status S    open, acknowledged, done, declined\n"
"ack, done and decline are for staff of the lead office (and admins).\n");

static const char cli_usage_continuation[] =
N_("Usage: quartier continuation show PROJECT\n"
"       quartier continuation set PROJECT [--version V]\n"
"                          [--funding-ends YYYY-MM-DD|--no-funding-end]\n"
"                          [--summary TEXT|--no-summary]\n"
"                          [--block BLOCK --responsible WHO --tasks TEXT\n"
"                           [--resources TEXT]]... [--no-blocks]\n"
"       quartier continuation due --months N\n"
"\n"
"The continuation plan (Verstetigungsstrategie, chapter 9) of a project: the\n"
"building blocks (Bausteine) that carry on after the funding, who takes\n"
"which tasks with which resources, and when the current funding ends.\n"
"\n"
"Building blocks:\n"
"  city_overall_responsibility   the city takes overall responsibility\n"
"  standing_facility             a standing facility (soziale Regeleinrichtung,\n"
"                                e.g. a Stadtteilhaus) takes defined tasks\n"
"  organised_civic_engagement    organised civic engagement (e.g. a Verein)\n"
"  established_network           an established network with professional staff\n"
"  district_head                 the district head (Bezirksvorsteher*in)\n"
"  city_services                 services of the city administration\n"
"\n"
"Admins and staff of a lead office set plans (status agreed); the project's\n"
"coordinators propose them (status proposed).  Everyone may read.\n"
"\n"
"set (what you leave out is kept from the current plan):\n"
"  --version V            the version you read (default: the current one; the\n"
"                         server refuses a change on top of someone else's)\n"
"  --funding-ends DATE    the day the current funding ends\n"
"  --summary TEXT         the strategy in a few sentences\n"
"  --block BLOCK          a building block, followed by its\n"
"    --responsible WHO    who takes the tasks\n"
"    --tasks TEXT         which tasks\n"
"    --resources TEXT     with which resources\n"
"                         (the blocks given replace all blocks of the plan)\n"
"  --no-funding-end, --no-summary, --no-blocks   clear the value\n"
"due:\n"
"  --months N             projects (neither ended nor continued) whose funding\n"
"                         ends within the next N months (1 to 120) and whose\n"
"                         plan names no building block; the funding end is the\n"
"                         plan's date, else the project's end date\n");

/* xgettext:no-c-format */
static const char cli_usage_goal[] =
N_("Usage: quartier goal list PROJECT [--all]\n"
"       quartier goal show ID\n"
"       quartier goal history ID\n"
"       quartier goal set|propose --project ID --statement TEXT --indicator TEXT\n"
"                             --target N --unit UNIT --due YYYY-MM-DD\n"
"                             [--baseline N] [--note TEXT]\n"
"       quartier goal set|propose ID [--version V] [--statement TEXT] [--indicator TEXT]\n"
"                             [--target N] [--unit UNIT] [--due YYYY-MM-DD]\n"
"                             [--baseline N|--no-baseline] [--note TEXT]\n"
"       quartier goal accept ID [--version V]\n"
"       quartier goal retire ID --reason TEXT [--version V]\n"
"\n"
"Goals of a project (Ziele, Zielsteuerung, chapter 4 of the Rahmenkonzeption):\n"
"SMART — a statement specific to the quarter, a measurable indicator with\n"
"baseline, target value and unit, accepted, realistic and with a due date.\n"
"Goals are adapted during a project: every change is a new version and the\n"
"earlier ones are kept (history).  The newest accepted version counts.\n"
"\n"
"set       admins and staff of a lead office: a new goal (--project) or a new\n"
"          version of goal ID, accepted at once\n"
"propose   the project's coordinators (and the others): the same as a proposal,\n"
"          which counts once the lead office accepts it\n"
"accept    admins, lead office: accept the newest version, a proposal\n"
"retire    admins, lead office: the goal is kept with its history, but changes\n"
"          no more\n"
"list      the goals of a project with their accepted and newest version;\n"
"          --all includes retired goals\n"
"history   every version of a goal, oldest first\n"
"\n"
"  --statement TEXT   the goal                    --indicator TEXT  what is measured\n"
"  --baseline N       the starting value          --target N        the target value\n"
"  --unit UNIT        e.g. Personen, Veranstaltungen, %\n"
"  --due DATE         when it is to be reached    --note TEXT       why set or changed\n"
"  --version V        the newest version you read (default: the current one)\n"
"Figures are exact decimals: 12.5 (or 12,5), at most 4 decimals.\n");

static const char cli_usage_update[] =
N_("Usage: quartier update submit PROJECT --from YYYY-MM-DD --to YYYY-MM-DD --narrative TEXT\n"
"                              [--events TEXT] [--participation TEXT] [--topics TEXT]\n"
"                              [--value GOAL=VALUE[:NOTE]]...\n"
"       quartier update show ID\n"
"       quartier update list [--project ID] [--state S] [--year YYYY] [--limit N]\n"
"       quartier update approve ID [--comment TEXT] [--version V]\n"
"       quartier update return ID --comment TEXT [--version V]\n"
"       quartier update revise ID [--version V] [--from D] [--to D] [--narrative TEXT]\n"
"                              [--events TEXT] [--participation TEXT] [--topics TEXT]\n"
"                              [--value GOAL=VALUE[:NOTE]...|--no-values]\n"
"\n"
"Progress updates (Sachstandsberichte) of the neighbourhood coordination: for a\n"
"reporting period, the actual value of goals' indicators ('quartier goal list')\n"
"and what happened — events held, participation, topics raised in the quarter.\n"
"\n"
"States: submitted -> approved (final) or returned (with a comment) -> revised\n"
"and submitted again.  The project's coordinators submit and revise; staff of\n"
"a lead office (and admins) approve or return.  Nobody approves or returns an\n"
"update they submitted or revised.  Approved updates are read by everyone;\n"
"others by the project's coordination, its lead offices and admins.\n"
"\n"
"  --value GOAL=VALUE[:NOTE]   the actual value of goal GOAL in its unit, e.g.\n"
"                              --value 3=17.5:\"zwei Treffen mehr\"; repeatable\n"
"  --state S                   submitted, approved or returned\n"
"  --year YYYY                 updates whose period overlaps the year\n"
"revise: what you leave out is kept from the update as it stands; values given\n"
"replace all values, --no-values removes them.\n");

static const char cli_usage_report[] =
N_("Usage: quartier report PROJECT --year YYYY [--html] [--output FILE]\n"
"\n"
"The annual report (Jahresbericht) of a project: its goals (the accepted\n"
"versions, how many versions each has, the latest value of the year), the\n"
"approved progress updates whose period overlaps the year, the figures of the\n"
"year's quarter funds (Quartiersfonds) and the continuation plan\n"
"(Verstetigung).  Markdown by default; --html writes a self-contained HTML\n"
"page; --json the assembled data.  The report is written in the language of\n"
"the messages.\n"
"\n"
"  --year YYYY     the year reported on\n"
"  --html          HTML instead of Markdown\n"
"  --output FILE   write to FILE instead of standard output\n");

static const char cli_usage_sync[] =
N_("Usage: quartier sync [--scope SCOPE] [--verify] [--resync]\n"
"\n"
"Sends the changes waiting in the outbox, then brings the local replica of\n"
"the registry up to date: a snapshot the first time (resumed where it\n"
"stopped if interrupted), afterwards only the changes since the last sync.\n"
"The replica is one file per server and account in\n"
"$XDG_DATA_HOME/quartier/ (~/.local/share/quartier/); read commands answer\n"
"from it with --offline.\n"
"\n"
"  --scope SCOPE   what the replica holds: all (default; everything you may\n"
"                  read), project:N, quarter:N, district:N or office:N.\n"
"                  Another scope than the replica's starts it over.\n"
"  --verify        then compare record counts and checksums per type with\n"
"                  the server and report any difference (exit 1)\n"
"  --resync        discard the replica and take a new snapshot\n"
"A progress bar goes to standard error when it is a terminal.\n");

static const char cli_usage_watch[] =
N_("Usage: quartier watch [--scope SCOPE]\n"
"\n"
"Syncs, then stays connected and applies every change the server pushes to\n"
"the replica, printing one line per changed record.  Reconnects with\n"
"growing pauses (1 s to 60 s) when the connection is lost.  Stop it with\n"
"Ctrl-C: the replica is consistent at every moment.\n"
"\n"
"  --scope SCOPE   as for sync\n");

static const char cli_usage_outbox[] =
N_("Usage: quartier outbox [list] [--all]\n"
"       quartier outbox discard N\n"
"       quartier outbox retry N [--rebase]\n"
"\n"
"The outbox holds changes made while the server was unreachable (or whose\n"
"answer was lost); `quartier sync` sends them in order, each exactly once.\n"
"A change based on a version someone else changed meanwhile is refused and\n"
"stays here as conflicted, shown with both versions: yours and the\n"
"server's current record (as of the last sync).\n"
"\n"
"States: queued -> done, or conflicted / failed (kept until you decide).\n"
"  list            entries not yet done (--all: with the done ones)\n"
"  discard N       give the change #N up\n"
"  retry N         send #N again as it is\n"
"  retry N --rebase\n"
"                  apply #N on top of the server's current version (after\n"
"                  a sync): your fields overwrite the other change's\n"
"Works without a connection, except retry.\n");

static const struct cli_command {
	const char *name;
	int (*run)(cli_t *cli, args_t *a);
	const char *usage;
} cli_commands[] = {
	{ "config", cmd_config, cli_usage_config },
	{ "login", cmd_login, cli_usage_login },
	{ "logout", cmd_logout, cli_usage_logout },
	{ "whoami", cmd_whoami, cli_usage_whoami },
	{ "ref", cmd_ref, cli_usage_ref },
	{ "project", cmd_project, cli_usage_project },
	{ "person", cmd_person, cli_usage_person },
	{ "group", cmd_group, cli_usage_group },
	{ "criteria", cmd_criteria, cli_usage_criteria },
	{ "assess", cmd_assess, cli_usage_assess },
	{ "assessment", cmd_assessment, cli_usage_assessment },
	{ "continuation", cmd_continuation, cli_usage_continuation },
	{ "fund", cmd_fund, cli_usage_fund },
	{ "meeting", cmd_meeting, cli_usage_meeting },
	{ "agenda", cmd_agenda, cli_usage_agenda },
	{ "handover", cmd_handover, cli_usage_handover },
	{ "goal", cmd_goal, cli_usage_goal },
	{ "update", cmd_update, cli_usage_update },
	{ "report", cmd_report, cli_usage_report },
	{ "account", cmd_account, cli_usage_account },
	{ "audit", cmd_audit, cli_usage_audit },
	{ "admin", cmd_admin, cli_usage_admin },
	{ "sync", cmd_sync, cli_usage_sync },
	{ "watch", cmd_watch, cli_usage_watch },
	{ "outbox", cmd_outbox, cli_usage_outbox },
};

#define CLI_NCOMMANDS (sizeof(cli_commands) / sizeof(cli_commands[0]))

static const struct cli_command *cli_find_command(const char *name)
{
	size_t i;

	for (i = 0; i < CLI_NCOMMANDS; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

void cli_usage_command(const char *command)
{
	const struct cli_command *c = cli_find_command(command);

	if (c != NULL)
		fputs(_(c->usage), stdout);
	else
		cli_usage_main();
}

static void cli_free(cli_t *cli)
{
	qt_client_free(cli->client);
	qt_store_close(cli->store);
	free(cli->unreachable);
	qt_account_clear(&cli->me);
	free(cli->dir);
	free(cli->config_path);
	free(cli->host);
	free(cli->ca_file);
	free(cli->cert_file);
	free(cli->key_file);
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd = NULL;
	const char *val;
	cli_t cli;
	args_t a;
	int id, rc;

	cli_i18n_init();
	memset(&cli, 0, sizeof(cli));
	args_init(&a, argc - 1, argv + 1);
	for (;;) {
		id = args_next(&a, cli_global_opts, NULL, &val);
		if (id == ARGS_END) {
			rc = cli_usage_error(NULL, _("missing command"));
			goto out;
		}
		if (id == ARGS_ERROR) {
			rc = cli_usage_error(NULL, "%s", a.error);
			goto out;
		}
		if (id == CLI_OPT_VERSION) {
			printf("quartier %s (libquartier %s)\n", QT_CLI_VERSION,
			       QT_LIBRARY_VERSION);
			rc = CLI_EXIT_OK;
			goto out;
		}
		if (id == ARGS_POSITIONAL)
			break;
		cli_global(&cli, id, val);
		if (cli.help) {
			cli_usage_main();
			rc = CLI_EXIT_OK;
			goto out;
		}
	}
	if (strcmp(val, "help") == 0) {
		/* "quartier help project" reads naturally too. */
		id = args_next(&a, NULL, NULL, &val);
		if (id == ARGS_POSITIONAL)
			cli_usage_command(val);
		else
			cli_usage_main();
		rc = CLI_EXIT_OK;
		goto out;
	}
	cmd = cli_find_command(val);
	if (cmd == NULL) {
		rc = cli_usage_error(NULL, _("unknown command '%s'"), val);
		goto out;
	}
	rc = cmd->run(&cli, &a);
	if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) {
		perror(_("quartier: writing output"));
		rc = CLI_EXIT_OTHER;
	}
out:
	cli_free(&cli);
	return rc;
}
