/* The store's incidents: reports and cases with their sharing label, timeline entries,
 * observables, linked events and NIS2 reporting stages. One sub-table of struct store_ops
 * (store_ops.incident), implemented by store_sqlite_incident.c and store_mem_incident.c and held
 * to tests/unit/test_store_incident.c.
 *
 * Visibility: every read that returns an incident or anything of one takes a struct
 * store_visibility (NULL = the node operator) and behaves as if an invisible incident did not
 * exist: RCX_ENOTFOUND for a single one, absent from lists, not counted. The store knows only
 * names (status, stage, kind) as text; what they mean is the incident module's business. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "core/label.h"
#include "core/result.h"
#include "store/store.h"

/* An incident row. Strings are NULL when unset. */
struct store_incident {
	int64_t id;
	const char *receipt;          /* public receipt code (unique); required */
	const char *title;            /* required */
	const char *description;
	int64_t reporter;             /* user who reported it; 0 = anonymous or outside */
	const char *reporter_contact; /* how to reach an anonymous reporter */
	int64_t affected_org;         /* member organisation affected; 0 = unknown or not a member */
	const char *affected_name;    /* free-text name of an affected party that is not a member */
	const char *countries;        /* ISO 3166-1 codes, comma-separated ("RS,HR") */
	const char *sector;           /* eu-nis-sector-and-subsectors sector */
	const char *subsector;
	const char *rsit;             /* RSIT classification type */
	const char *severity;         /* low, medium, high, critical */
	const char *status;           /* workflow status name; required */
	const char *status_reason;
	int64_t assignee;             /* user; 0 = nobody */
	int64_t aware_us;             /* when the affected party became aware; 0 = unknown */
	int64_t loss_amount;          /* estimated financial loss, whole currency units; -1 = unknown */
	const char *loss_currency;    /* ISO 4217 code */
	bool cross_border;
	bool victim_disclosed;        /* the owner lifted the pseudonym for this incident */
	int64_t merged_into;          /* the surviving incident when this one is a duplicate; 0 = none */
	struct rcx_label label;       /* owner, creator, TLP, distribution, group, recipients */
	int64_t created_us, updated_us; /* 0 = now on put */
};

/* Filters of incident_query and incident_count. Zero-initialised means "no filter". */
struct store_incident_filter {
	const char *status;      /* this status only */
	const char *country;     /* incidents whose countries include this code */
	int64_t overdue_at_us;   /* only incidents with a stage due at or before this time and not submitted */
	int64_t after_id;        /* cursor: ids above this */
	uint64_t limit;          /* 0 = no limit; counts ignore it */
	const struct store_visibility *vis; /* NULL = everything (the node operator) */
};

/* One timeline entry. kind: note, status, stage, assignment, merge, disclosure. */
struct store_incident_entry {
	int64_t id;
	int64_t incident;
	const char *kind;
	int64_t author;  /* user; 0 = the command line, the system or an anonymous reporter */
	int64_t time_us; /* 0 = now on add */
	const char *text;
};

/* An observable found in an incident's text; (incident, kind, value) is unique. */
struct store_incident_observable {
	int64_t incident;
	const char *kind;  /* ip, cidr, domain, url, email, md5, sha1, sha256 */
	const char *value; /* canonical (refanged) */
	int64_t entry;     /* timeline entry it came from; 0 = the description */
};

/* A reporting stage: pending while submitted_us is 0. (incident, stage) is unique. */
struct store_incident_stage {
	int64_t incident;
	const char *stage;
	int64_t due_us;       /* 0 = no deadline */
	int64_t submitted_us; /* 0 = not submitted */
};

typedef enum rcx_result (*store_incident_cb)(void *ctx, const struct store_incident *inc);
typedef enum rcx_result (*store_incident_entry_cb)(void *ctx, const struct store_incident_entry *e);
typedef enum rcx_result (*store_incident_observable_cb)(void *ctx, const struct store_incident_observable *o);
typedef enum rcx_result (*store_incident_stage_cb)(void *ctx, const struct store_incident_stage *st);

/* Rows handed to callbacks live during the call; "ret_" rows until the next store call. */
struct store_incident_ops {
	/* Stores a new incident with its label: RCX_EINVAL without receipt, title or status or with a
	 * bad label (store_label_check), RCX_ENOTFOUND when its group or a recipient does not exist,
	 * RCX_EEXIST when the receipt is taken; nothing is stored then. */
	enum rcx_result (*put)(struct store *s, const struct store_incident *inc, int64_t *ret_id);
	/* Replaces everything of inc->id but id, receipt, reporter, label and created_us;
	 * updated_us 0 = now. RCX_ENOTFOUND for an unknown id. */
	enum rcx_result (*update)(struct store *s, const struct store_incident *inc);
	/* The incident id if vis admits it, else RCX_ENOTFOUND. */
	enum rcx_result (*get)(struct store *s, int64_t id, const struct store_visibility *vis,
			       struct store_incident *ret_inc);
	/* The incident with this receipt code (the code is the reporter's proof; no viewer). */
	enum rcx_result (*get_receipt)(struct store *s, const char *receipt, struct store_incident *ret_inc);
	/* Visible incidents matching flt, ascending by id. */
	enum rcx_result (*query)(struct store *s, const struct store_incident_filter *flt, store_incident_cb cb,
				 void *ctx);
	/* How many incidents query would return without a limit. */
	enum rcx_result (*count)(struct store *s, const struct store_incident_filter *flt, uint64_t *ret_n);
	/* The label of an incident (recipient lists ascending), as event_label_get. */
	enum rcx_result (*label_get)(struct store *s, int64_t id, struct rcx_label *ret_label);
	/* Appends a timeline entry to an existing incident (RCX_ENOTFOUND otherwise). */
	enum rcx_result (*entry_add)(struct store *s, const struct store_incident_entry *e, int64_t *ret_id);
	/* The timeline of a visible incident and of every incident merged into it (transitively),
	 * by time then id. */
	enum rcx_result (*entries)(struct store *s, int64_t id, const struct store_visibility *vis,
				   store_incident_entry_cb cb, void *ctx);
	/* Records an observable; one already recorded for the incident is kept (RCX_OK). */
	enum rcx_result (*observable_add)(struct store *s, const struct store_incident_observable *o);
	/* Observables of a visible incident and of those merged into it, by kind then value. */
	enum rcx_result (*observables)(struct store *s, int64_t id, const struct store_visibility *vis,
				       store_incident_observable_cb cb, void *ctx);
	/* Sets a stage's due and submitted times (creating it). */
	enum rcx_result (*stage_put)(struct store *s, const struct store_incident_stage *st);
	/* Stages of a visible incident, by name. */
	enum rcx_result (*stages)(struct store *s, int64_t id, const struct store_visibility *vis,
				  store_incident_stage_cb cb, void *ctx);
	/* Links an event to an incident (again is fine); both must exist (RCX_ENOTFOUND). */
	enum rcx_result (*event_link)(struct store *s, int64_t id, int64_t event);
	/* Event ids linked to a visible incident, ascending (the events keep their own labels). */
	enum rcx_result (*events)(struct store *s, int64_t id, const struct store_visibility *vis, store_id_cb cb,
				  void *ctx);
};

/* The implementations (store_ops.incident of the sqlite and mem stores). */
extern const struct store_incident_ops store_sqlite_incident_ops;
extern const struct store_incident_ops store_mem_incident_ops;

/* The incident table of a store, and one wrapper per operation (callers use these). */
static inline const struct store_incident_ops *store_incident_ops_of(struct store *s)
{
	return store_ops_of(s)->incident;
}
static inline enum rcx_result store_incident_put(struct store *s, const struct store_incident *inc, int64_t *ret_id)
{
	return store_incident_ops_of(s)->put(s, inc, ret_id);
}
static inline enum rcx_result store_incident_update(struct store *s, const struct store_incident *inc)
{
	return store_incident_ops_of(s)->update(s, inc);
}
static inline enum rcx_result store_incident_get(struct store *s, int64_t id, const struct store_visibility *vis,
						 struct store_incident *ret_inc)
{
	return store_incident_ops_of(s)->get(s, id, vis, ret_inc);
}
static inline enum rcx_result store_incident_get_receipt(struct store *s, const char *receipt,
							 struct store_incident *ret_inc)
{
	return store_incident_ops_of(s)->get_receipt(s, receipt, ret_inc);
}
static inline enum rcx_result store_incident_query(struct store *s, const struct store_incident_filter *flt,
						   store_incident_cb cb, void *ctx)
{
	return store_incident_ops_of(s)->query(s, flt, cb, ctx);
}
static inline enum rcx_result store_incident_count(struct store *s, const struct store_incident_filter *flt,
						   uint64_t *ret_n)
{
	return store_incident_ops_of(s)->count(s, flt, ret_n);
}
static inline enum rcx_result store_incident_label_get(struct store *s, int64_t id, struct rcx_label *ret_label)
{
	return store_incident_ops_of(s)->label_get(s, id, ret_label);
}
static inline enum rcx_result store_incident_entry_add(struct store *s, const struct store_incident_entry *e,
						       int64_t *ret_id)
{
	return store_incident_ops_of(s)->entry_add(s, e, ret_id);
}
static inline enum rcx_result store_incident_entries(struct store *s, int64_t id, const struct store_visibility *vis,
						     store_incident_entry_cb cb, void *ctx)
{
	return store_incident_ops_of(s)->entries(s, id, vis, cb, ctx);
}
static inline enum rcx_result store_incident_observable_add(struct store *s,
							    const struct store_incident_observable *o)
{
	return store_incident_ops_of(s)->observable_add(s, o);
}
static inline enum rcx_result store_incident_observables(struct store *s, int64_t id,
							 const struct store_visibility *vis,
							 store_incident_observable_cb cb, void *ctx)
{
	return store_incident_ops_of(s)->observables(s, id, vis, cb, ctx);
}
static inline enum rcx_result store_incident_stage_put(struct store *s, const struct store_incident_stage *st)
{
	return store_incident_ops_of(s)->stage_put(s, st);
}
static inline enum rcx_result store_incident_stages(struct store *s, int64_t id, const struct store_visibility *vis,
						    store_incident_stage_cb cb, void *ctx)
{
	return store_incident_ops_of(s)->stages(s, id, vis, cb, ctx);
}
static inline enum rcx_result store_incident_event_link(struct store *s, int64_t id, int64_t event)
{
	return store_incident_ops_of(s)->event_link(s, id, event);
}
static inline enum rcx_result store_incident_events(struct store *s, int64_t id, const struct store_visibility *vis,
						    store_id_cb cb, void *ctx)
{
	return store_incident_ops_of(s)->events(s, id, vis, cb, ctx);
}
