/* Incident notifications by e-mail: what is queued when (a new incident → the owning CERT's
 * contacts; an incident that touches another country → that country's national CERT), what a
 * message may say (the trust rule decides; the victim only as a pseudonym; no free text leaves
 * in clear), the RFC 5322 form of a message, and delivery over SMTP (libcurl) with retries.
 *
 * Queuing joins the caller's store transaction (the change that causes it), so a message is
 * queued exactly when its change commits. Sending happens later, outside any transaction
 * (incident_notify_drain); a failure is recorded on the message and retried with backoff, a
 * message is never dropped. Library code: results, no printing. The trust rule and the audit log
 * live in the trust module, which this one may not use: the program layer hands in the rule as
 * a callback (struct incident_notify) and audits what is sent (the drain's on_sent callback). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/label.h"
#include "core/result.h"
#include "incident/incident_pseudonym.h"
#include "store/store.h"
#include "store/store_outbox.h"

/* What queuing needs from the program layer. */
struct incident_notify {
	/* May organisation org read incident id (the one visibility rule)? */
	bool (*may_see)(void *ctx, struct store *s, int64_t org, int64_t id);
	void *ctx;
	const struct incident_pseudonym_key *key; /* the federation key; NULL = the victim is "withheld" */
	const char *node_name;                    /* how messages name this node; NULL = "rcx" */
};

/* The notifier incident_case.c calls (installed once at start by the program layer, before any
 * thread runs; NULL = queue nothing, e.g. in tests of other things). */
void incident_notify_install(const struct incident_notify *n);
const struct incident_notify *incident_notify_installed(void);

/* Queues the messages of new incident id: to the owning organisation's contacts, and to the
 * national CERT(s) of every listed country other than the owner's. Joins the caller's
 * transaction. Recipients without an e-mail address are skipped (not an error). */
enum rcx_result incident_notify_created(struct store *s, const struct incident_notify *n, int64_t id);
/* Queues the message to the national CERT(s) of country, which incident id now touches.
 * Joins the caller's transaction. */
enum rcx_result incident_notify_cross_border(struct store *s, const struct incident_notify *n, int64_t id,
					     const char *country);

/* ---- composition (pure, for the tests and the queue) ---- */

/* What a message may be built from: copies of the incident's fields the caller made. */
struct incident_notify_facts {
	int64_t id;
	const char *owner_name;   /* the owning organisation */
	const char *title, *description;
	const char *countries, *sector, *rsit, *severity;
	enum rcx_tlp tlp;
	const char *victim;       /* the affected party's name; NULL = unknown */
	bool disclosed;           /* the owner lifted the pseudonym */
	const char *pseudonym;    /* the victim's pseudonym; NULL = none (no key configured) */
	const char *node_name;
};

/* Whom a message is for. */
enum incident_notify_kind {
	INCIDENT_NOTIFY_OWNER,         /* the owning CERT: a new incident */
	INCIDENT_NOTIFY_FOREIGN,       /* another country's CERT that may read the incident */
	INCIDENT_NOTIFY_FOREIGN_BLIND, /* another country's CERT that may not: existence only */
	INCIDENT_NOTIFY_KIND_MAX
};

/* Subject and body (UTF-8, malloc'd) of a message about f for a recipient of kind; country is
 * the recipient's country (NULL for the owner). Free text (title, description) and the victim's
 * name appear only in owner messages of TLP CLEAR or GREEN incidents. A foreign message carries
 * no free text (it may name the victim or its domain in any spelling) and names the victim by
 * pseudonym (by name only when disclosed and CLEAR or GREEN); a blind one only says the
 * incident exists. */
enum rcx_result incident_notify_compose(const struct incident_notify_facts *f, enum incident_notify_kind kind,
					const char *country, char **ret_subject, char **ret_body);

/* The RFC 5322 message of m from `from` (Date at now_us, Message-ID, From, To, Subject encoded
 * per RFC 2047 when not ASCII, MIME text/plain UTF-8 quoted-printable, CRLF lines), malloc'd.
 * RCX_EINVAL when an address holds CR, LF, '<' or '>'. */
enum rcx_result incident_notify_message(const char *from, const struct store_outbox_msg *m, int64_t now_us,
					char **ret_text);

/* ---- delivery ---- */

/* SMTP settings ([smtp] of the configuration). */
struct incident_smtp {
	char *url;      /* smtp://host:port (smtps:// for implicit TLS) */
	char *from;     /* envelope and header sender */
	char *user;     /* NULL = no authentication */
	char *password; /* read from password_file */
	bool starttls;  /* require STARTTLS */
};

/* Reads [smtp] host, port (25), from, user, password_file, starttls (yes/no), tls (yes = smtps).
 * RCX_ENOTFOUND when there is no [smtp] host; RCX_ECONFIG with *ret_why (malloc'd) when a value
 * or the password file does not read. */
enum rcx_result incident_smtp_load(struct rcx_config *cfg, struct incident_smtp *ret_smtp, char **ret_why);
void incident_smtp_free(struct incident_smtp *smtp);

/* Called after a message was delivered and marked sent (the program layer audits it). */
typedef enum rcx_result (*incident_notify_sent_cb)(void *ctx, const struct store_outbox_msg *m);

struct incident_notify_summary {
	uint64_t sent, failed, pending;
};

/* Sends the pending messages due at now_us (all pending ones with retry_all), at most
 * RCX_NOTIFY_DRAIN_MAX per call: each delivered one is marked sent (then on_sent, may be NULL),
 * each failure recorded with the error and the next try after a backoff (incident_notify_backoff).
 * RCX_OK when every attempt succeeded; RCX_EIO when some failed (the summary says how many). */
enum rcx_result incident_notify_drain(struct store *s, const struct incident_smtp *smtp, int64_t now_us,
				      bool retry_all, incident_notify_sent_cb on_sent, void *ctx,
				      struct incident_notify_summary *ret_summary);
/* The wait before the next try after `attempts` failures: RCX_NOTIFY_BACKOFF_BASE_US doubled per
 * failure, at most RCX_NOTIFY_BACKOFF_MAX_US. */
int64_t incident_notify_backoff(int64_t attempts);
