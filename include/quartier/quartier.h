/* libquartier: the client library of the Quartier registry.
 *
 * One qt_client_t is one TLS connection to quartierd.  Calls are blocking
 * and typed: each sends one request and waits for its answer.  The library
 * has no global state; a client handle must not be used by two threads at
 * once, but different handles may be used from different threads freely.
 *
 * Errors: every call returns a qt_status_t (see quartier/status.h).  On
 * failure the details (message, offending field, retry hint) are available
 * from qt_client_last_error() until the next call on the same handle.
 *
 * Memory: out-parameters are written only on success.  Strings and arrays
 * inside returned structures belong to the structure and are released by
 * its *_free() function.  Structures passed in are only borrowed for the
 * duration of the call.
 *
 * Signals: the library never raises SIGPIPE (its socket writes use
 * MSG_NOSIGNAL), so applications need not ignore it on its behalf.
 */
#ifndef QUARTIER_QUARTIER_H
#define QUARTIER_QUARTIER_H

#include <stddef.h>
#include <stdint.h>

#include "quartier/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define QT_LIBRARY_VERSION "0.1.0"

typedef struct qt_client qt_client_t;

/* ------------------------------------------------------------ connection */

typedef struct qt_connect_opts {
	const char *host;          /* name or address; verified against the certificate */
	uint16_t port;             /* default 7433 when 0 */
	const char *ca_file;       /* PEM file with the CA that signed the server certificate;
	                            * NULL = the system's default CA store */
	const char *client_name;   /* sent in the handshake; "libquartier" when NULL */
	const char *instance_id;   /* stable id of this installation; random when NULL */
	unsigned timeout_ms;       /* connect and per-call timeout; 10000 when 0 */
	uint32_t protocol_version; /* 0 = the version this library speaks (tests use others) */
} qt_connect_opts_t;

/* Connects, completes TLS (verifying certificate and host name against
 * opts->ca_file) and the protocol handshake.  On success *out is a new
 * handle owned by the caller (release with qt_client_free()).  On failure
 * *out is untouched and, if err_buf is not NULL, a message is written to
 * err_buf (at most err_len bytes, NUL-terminated). */
qt_status_t qt_client_connect(const qt_connect_opts_t *opts, qt_client_t **out,
                              char *err_buf, size_t err_len);

/* Closes the connection and frees the handle; NULL is allowed. */
void qt_client_free(qt_client_t *c);

typedef struct qt_error {
	qt_status_t status;
	const char *message;  /* borrowed from the handle; valid until its next call */
	const char *field;    /* offending field for QT_INVALID_ARGUMENT, or NULL */
	int retryable;        /* the same request may succeed later */
} qt_error_t;

/* The error of the last failed call on c (status QT_OK if it succeeded). */
const qt_error_t *qt_client_last_error(const qt_client_t *c);

/* Values the server announced in its welcome. */
const char *qt_client_server_name(const qt_client_t *c);  /* borrowed */
uint32_t qt_client_max_frame(const qt_client_t *c);

/* Round trip without side effects; keeps idle connections honest. */
qt_status_t qt_ping(qt_client_t *c);

/* Sends n pings back to back without waiting, then reads the n answers
 * (pipelining); succeeds only if every answer arrives in order. */
qt_status_t qt_ping_pipelined(qt_client_t *c, unsigned n);

/* ------------------------------------------------------------ accounts */

typedef enum {
	QT_ROLE_UNSPECIFIED = 0,
	QT_ROLE_ADMIN = 1,
	QT_ROLE_OFFICE = 2,
	QT_ROLE_COORDINATOR = 3,
	QT_ROLE_VIEWER = 4,
} qt_role_t;

/* "admin", "office", "coordinator", "viewer"; static storage. */
const char *qt_role_name(qt_role_t r);
/* Parses a role name; QT_ROLE_UNSPECIFIED if unknown. */
qt_role_t qt_role_parse(const char *s);

typedef struct qt_account {
	int64_t id;
	char *login;
	char *display_name;
	qt_role_t role;
	int64_t office_id;        /* 0 if none */
	int64_t organisation_id;  /* 0 if none */
	int disabled;
} qt_account_t;

/* Frees the strings inside a (not a itself); NULL is allowed. */
void qt_account_clear(qt_account_t *a);

/* Logs in with a password.  On success the connection is authenticated,
 * *token_out receives a new session token (caller frees with free()) and,
 * if acct is not NULL, the account is written to it (clear with
 * qt_account_clear()). */
qt_status_t qt_login(qt_client_t *c, const char *login, const char *password,
                     char **token_out, qt_account_t *acct);

/* Authenticates the connection with a token from an earlier qt_login(). */
qt_status_t qt_resume(qt_client_t *c, const char *token, qt_account_t *acct);

/* Ends the session; the token stops working everywhere. */
qt_status_t qt_logout(qt_client_t *c);

/* The account this connection is logged in as. */
qt_status_t qt_whoami(qt_client_t *c, qt_account_t *acct);

typedef struct qt_account_new {
	const char *login;
	const char *display_name;
	const char *password;
	qt_role_t role;
	int64_t office_id;        /* required for QT_ROLE_OFFICE */
	int64_t organisation_id;  /* required for QT_ROLE_COORDINATOR */
} qt_account_new_t;

/* Creates an account (admins only). */
qt_status_t qt_account_create(qt_client_t *c, const qt_account_new_t *in,
                              qt_account_t *out);

/* Lists accounts (admins only).  *out is a new array of *n entries; free
 * with qt_account_list_free(). */
qt_status_t qt_account_list(qt_client_t *c, qt_account_t **out, size_t *n);
void qt_account_list_free(qt_account_t *list, size_t n);

/* ------------------------------------------------------------ reference data */

typedef enum {
	QT_REF_DISTRICT = 1,
	QT_REF_QUARTER = 2,
	QT_REF_OFFICE = 3,
	QT_REF_ORGANISATION = 4,
} qt_ref_kind_t;

typedef struct qt_ref {
	int64_t id;
	char *name;
	char *short_name;   /* NULL if none */
	int64_t district_id;  /* quarters; 0 otherwise */
	char *org_type;     /* organisations; NULL otherwise */
} qt_ref_t;

/* Lists districts, quarters (optionally of one district; 0 = all), offices
 * or organisations, ordered by id.  Free with qt_ref_list_free(). */
qt_status_t qt_ref_list(qt_client_t *c, qt_ref_kind_t kind, int64_t district_id,
                        qt_ref_t **out, size_t *n);
void qt_ref_list_free(qt_ref_t *list, size_t n);

/* ------------------------------------------------------------ projects */

typedef enum {
	QT_KIND_UNSPECIFIED = 0,
	QT_KIND_COMPREHENSIVE = 1,  /* umfassende soziale Quartiersentwicklung */
	QT_KIND_FOCUSED = 2,        /* fokussiertes Projekt im Quartier */
} qt_project_kind_t;

typedef enum {
	QT_PSTATUS_UNSPECIFIED = 0,
	QT_PSTATUS_APPLICATION = 1,
	QT_PSTATUS_ASSESSMENT = 2,
	QT_PSTATUS_APPROVED = 3,
	QT_PSTATUS_RUNNING = 4,
	QT_PSTATUS_EVALUATION = 5,
	QT_PSTATUS_CONTINUED = 6,
	QT_PSTATUS_ENDED = 7,
} qt_project_status_t;

/* "comprehensive"/"focused"; static storage. */
const char *qt_project_kind_name(qt_project_kind_t k);
qt_project_kind_t qt_project_kind_parse(const char *s);  /* UNSPECIFIED if unknown */
/* "application", "assessment", ...; static storage. */
const char *qt_project_status_name(qt_project_status_t s);
qt_project_status_t qt_project_status_parse(const char *s);  /* UNSPECIFIED if unknown */

typedef struct qt_project {
	int64_t id;
	int64_t version;
	char *name;
	qt_project_kind_t kind;
	qt_project_status_t status;
	int64_t *quarter_ids;      size_t n_quarter_ids;
	char **quarter_names;      size_t n_quarter_names;
	int64_t *lead_office_ids;  size_t n_lead_office_ids;
	char **lead_office_names;  size_t n_lead_office_names;
	int64_t carrier_id;        /* 0 if none */
	char *carrier_name;        /* NULL if none */
	int64_t *coordinator_ids;  size_t n_coordinator_ids;
	char *start_date;          /* "YYYY-MM-DD" or NULL */
	char *end_date;            /* "YYYY-MM-DD" or NULL */
	char *description;         /* NULL if none */
	char *district_names;      /* comma separated, NULL if none */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
} qt_project_t;

/* Frees everything inside p (not p itself); NULL is allowed. */
void qt_project_clear(qt_project_t *p);

typedef struct qt_project_new {
	const char *name;
	qt_project_kind_t kind;
	const int64_t *quarter_ids;      size_t n_quarter_ids;      /* at least one */
	const int64_t *lead_office_ids;  size_t n_lead_office_ids;  /* at least one */
	int64_t carrier_id;              /* 0 = none */
	const int64_t *coordinator_ids;  size_t n_coordinator_ids;
	const char *start_date;          /* NULL = none */
	const char *end_date;            /* NULL = none */
	const char *description;         /* NULL = none */
} qt_project_new_t;

qt_status_t qt_project_create(qt_client_t *c, const qt_project_new_t *in,
                              qt_project_t *out);

qt_status_t qt_project_get(qt_client_t *c, int64_t id, qt_project_t *out);

typedef struct qt_project_filter {
	int64_t district_id;        /* 0 = any */
	const char *district;       /* district name, case-insensitive; NULL = any */
	int64_t quarter_id;         /* 0 = any */
	qt_project_kind_t kind;     /* UNSPECIFIED = any */
	qt_project_status_t status; /* UNSPECIFIED = any */
	int64_t lead_office_id;     /* 0 = any */
	uint32_t page_size;         /* 0 = server default (50); at most 500 */
	int64_t after_id;           /* keyset paging; 0 = from the start */
} qt_project_filter_t;

/* One page of projects in ascending id order.  *out is a new array of *n
 * projects (free with qt_project_list_free()); *next_after_id is the value
 * to pass as after_id for the next page, or 0 when there is none. */
qt_status_t qt_project_list(qt_client_t *c, const qt_project_filter_t *f,
                            qt_project_t **out, size_t *n,
                            int64_t *next_after_id);
void qt_project_list_free(qt_project_t *list, size_t n);

/* A partial update: only members marked set are sent. */
typedef struct qt_project_patch {
	int64_t id;
	int64_t expected_version;   /* the version the caller read; stale -> QT_CONFLICT */
	const char *name;           /* NULL = unchanged */
	qt_project_kind_t kind;     /* UNSPECIFIED = unchanged */
	int set_quarter_ids;        const int64_t *quarter_ids;     size_t n_quarter_ids;
	int set_lead_office_ids;    const int64_t *lead_office_ids; size_t n_lead_office_ids;
	int set_coordinator_ids;    const int64_t *coordinator_ids; size_t n_coordinator_ids;
	int set_carrier_id;         int64_t carrier_id;             /* 0 clears */
	const char *start_date;     /* NULL = unchanged, "" = clear */
	const char *end_date;       /* NULL = unchanged, "" = clear */
	const char *description;    /* NULL = unchanged */
} qt_project_patch_t;

qt_status_t qt_project_update(qt_client_t *c, const qt_project_patch_t *patch,
                              qt_project_t *out);

/* Moves a project along its lifecycle; an invalid transition is refused
 * with QT_FAILED_PRECONDITION and the reason. */
qt_status_t qt_project_transition(qt_client_t *c, int64_t id,
                                  int64_t expected_version,
                                  qt_project_status_t to, const char *reason,
                                  qt_project_t *out);

/* ------------------------------------------------------------ audit */

typedef struct qt_audit_entry {
	int64_t id;
	int64_t at;           /* unix seconds */
	int64_t account_id;   /* 0 for the system */
	char *action;         /* e.g. "project.update" */
	char *entity;
	int64_t entity_id;
	char *before_json;    /* NULL if none */
	char *after_json;     /* NULL if none */
} qt_audit_entry_t;

/* Newest first.  entity may be NULL (all), entity_id 0 (all), limit 0 =
 * server default.  Admins see all entries, others those about projects. */
qt_status_t qt_audit_list(qt_client_t *c, const char *entity, int64_t entity_id,
                          uint32_t limit, qt_audit_entry_t **out, size_t *n);
void qt_audit_list_free(qt_audit_entry_t *list, size_t n);

/* ------------------------------------------------------------ people */

typedef struct qt_person {
	int64_t id;
	int64_t version;
	char *name;
	char *function;           /* NULL if none */
	int64_t office_id;        /* 0 if none */
	char *office_name;        /* NULL if none */
	int64_t organisation_id;  /* 0 if none; never together with office_id */
	char *organisation_name;  /* NULL if none */
	int64_t account_id;       /* the account that is this person; 0 if none */
	/* Contact data is personal data.  The server sends it only to admins,
	 * to the person itself, to staff of an office leading a project whose
	 * support group the person is or was in, and to fellow members of a
	 * support group.  contact_visible says whether it was sent: when 0,
	 * email and phone are NULL whatever is stored. */
	int contact_visible;
	char *email;              /* NULL if none or not visible */
	char *phone;              /* NULL if none or not visible */
	int64_t created_at;       /* unix seconds */
	int64_t updated_at;       /* unix seconds */
} qt_person_t;

/* Frees everything inside p (not p itself); NULL is allowed. */
void qt_person_clear(qt_person_t *p);

typedef struct qt_person_new {
	const char *name;          /* 1..200 characters */
	const char *function;      /* NULL = none */
	int64_t office_id;         /* 0 = none */
	int64_t organisation_id;   /* 0 = none; not together with office_id */
	const char *email;         /* NULL = none */
	const char *phone;         /* NULL = none */
	int64_t account_id;        /* 0 = none; linking an account is for admins */
} qt_person_new_t;

/* Admins and office staff create persons; coordinators create private
 * (civic) persons without office or account for their support groups. */
qt_status_t qt_person_create(qt_client_t *c, const qt_person_new_t *in, qt_person_t *out);

qt_status_t qt_person_get(qt_client_t *c, int64_t id, qt_person_t *out);

typedef struct qt_person_filter {
	const char *name;          /* part of the name, case-insensitive; NULL = any */
	int64_t office_id;         /* 0 = any */
	int64_t organisation_id;   /* 0 = any */
	uint32_t page_size;        /* 0 = server default (50); at most 500 */
	int64_t after_id;          /* keyset paging; 0 = from the start */
} qt_person_filter_t;

/* One page of persons in ascending id order (free with
 * qt_person_list_free()); *next_after_id is 0 when there is no more. */
qt_status_t qt_person_list(qt_client_t *c, const qt_person_filter_t *f, qt_person_t **out,
                           size_t *n, int64_t *next_after_id);
void qt_person_list_free(qt_person_t *list, size_t n);

/* A partial update (admins and office staff). */
typedef struct qt_person_patch {
	int64_t id;
	int64_t expected_version;  /* stale -> QT_CONFLICT */
	const char *name;          /* NULL = unchanged */
	const char *function;      /* NULL = unchanged, "" = clear */
	int set_office_id;         int64_t office_id;        /* 0 clears */
	int set_organisation_id;   int64_t organisation_id;  /* 0 clears */
	const char *email;         /* NULL = unchanged, "" = clear */
	const char *phone;         /* NULL = unchanged, "" = clear */
	int set_account_id;        int64_t account_id;       /* 0 clears; admins only */
} qt_person_patch_t;

qt_status_t qt_person_update(qt_client_t *c, const qt_person_patch_t *patch, qt_person_t *out);

/* ------------------------------------------------------------ support groups */

/* Role categories in a support group (Projektbegleitgruppe). */
typedef enum {
	QT_MEMBER_UNSPECIFIED = 0,
	QT_MEMBER_CITY_STAFF = 1,     /* area/topic lead of an office */
	QT_MEMBER_DISTRICT_HEAD = 2,  /* Bezirksvorsteher*in */
	QT_MEMBER_CARRIER = 3,        /* carrier of the coordination (Träger) */
	QT_MEMBER_CIVIC = 4,          /* civic representative */
} qt_member_role_t;

/* "city_staff", "district_head", "carrier", "civic"; static storage. */
const char *qt_member_role_name(qt_member_role_t r);
qt_member_role_t qt_member_role_parse(const char *s);  /* UNSPECIFIED if unknown */

/* One period of a person in the support group of a project; both dates
 * are inclusive. */
typedef struct qt_membership {
	int64_t id;
	int64_t project_id;
	int64_t person_id;
	qt_member_role_t role;
	int64_t on_behalf_of_id;   /* organisation represented; 0 if none */
	char *on_behalf_of_name;   /* NULL if none */
	int64_t deputy_of_id;      /* person deputised for; 0 if none */
	char *deputy_of_name;      /* NULL if none */
	char *start_date;          /* "YYYY-MM-DD" */
	char *end_date;            /* "YYYY-MM-DD", or NULL while open */
	int active;                /* the period contains the day asked (or today) */
	qt_person_t person;        /* the member; contact data as for qt_person_get() */
	int64_t created_at;        /* unix seconds */
	int64_t updated_at;        /* unix seconds */
} qt_membership_t;

/* Frees everything inside m (not m itself); NULL is allowed. */
void qt_membership_clear(qt_membership_t *m);

typedef struct qt_membership_new {
	int64_t project_id;        /* the group is the project's */
	int64_t person_id;
	qt_member_role_t role;
	int64_t on_behalf_of_id;   /* 0 = none */
	int64_t deputy_of_id;      /* 0 = none; a member of the same group */
	const char *start_date;    /* required, YYYY-MM-DD */
	const char *end_date;      /* NULL = open */
} qt_membership_new_t;

/* Adds a period; one overlapping another period of the same person in
 * the group is refused with QT_INVALID_ARGUMENT (field start_date).
 * Admins, staff of a lead office and the project's coordinators. */
qt_status_t qt_membership_add(qt_client_t *c, const qt_membership_new_t *in,
                              qt_membership_t *out);

/* Sets the end date of a membership (inclusive, not before its start);
 * nothing is deleted.  out may be NULL. */
qt_status_t qt_membership_end(qt_client_t *c, int64_t id, const char *end_date,
                              qt_membership_t *out);

typedef struct qt_group {
	int64_t project_id;
	char *on_date;             /* the day "active" refers to, YYYY-MM-DD */
	qt_membership_t *members;  /* by role, person name and start */
	size_t n_members;
} qt_group_t;

/* Frees everything inside g (not g itself); NULL is allowed. */
void qt_group_clear(qt_group_t *g);

/* The members of the support group of a project on a day (on_date NULL =
 * today), or with include_history every period, past and future, each
 * marked active or not on that day.  Clear *out with qt_group_clear(). */
qt_status_t qt_group_members(qt_client_t *c, int64_t project_id, const char *on_date,
                             int include_history, qt_group_t *out);

#ifdef __cplusplus
}
#endif

#endif
