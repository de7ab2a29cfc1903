/* rcx pdq list: hash lists kept in the store, under the one visibility rule (docs/REFERRAL.md,
 * "Hash lists").
 *   rcx pdq list create NAME --org ORG [--tlp T] [--distribution D] [--group G] [--description TEXT]
 *                       [--recipient ORG|EMAIL]...
 *   rcx pdq list import NAME FILE [--org ORG] [--category C] [--reference R]
 *   rcx pdq list export NAME [--org ORG] [--format csv|pdq] [--as ORG|EMAIL]
 *   rcx pdq list list [--as ORG|EMAIL]
 *   rcx pdq list show NAME [--org ORG] [--as ORG|EMAIL]
 * Without --as the command line is the node operator and sees every list. --org picks the owner
 * when several organisations have a list of that name. An import adds nothing when a line is bad;
 * every bad line is printed as "rcx pdq list: FILE:LINE: reason". Creations and imports are
 * written to the audit log (actor "cli"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/time.h"
#include "referral/referral_hashlist.h"
#include "trust/trust.h"
#include "trust/trust_account.h"
#include "trust/trust_audit.h"

#define CMD "pdq list"

static const char usage[] =
	"usage: rcx pdq list create NAME --org ORG [--tlp T] [--distribution org|group|node|federation]\n"
	"                          [--group G] [--description TEXT] [--recipient ORG|EMAIL]...\n"
	"       rcx pdq list import NAME FILE [--org ORG] [--category C] [--reference R]\n"
	"       rcx pdq list export NAME [--org ORG] [--format csv|pdq] [--as ORG|EMAIL]\n"
	"       rcx pdq list list [--as ORG|EMAIL]\n"
	"       rcx pdq list show NAME [--org ORG] [--as ORG|EMAIL]\n"
	"Hash lists in the store, each with an owner, TLP and distribution (docs/TRUST.md).\n"
	"  import    a list file: text (HASH[,QUALITY[,PATH]] or HASH QUALITY PATH) or CSV with a header\n"
	"            (hash,quality,category,reference,contributed_by,added); nothing is added when a line\n"
	"            is bad. Categories: " REFERRAL_HASHLIST_CATEGORIES ".\n"
	"  export    the entries as CSV (default) or PDQ text (HASH,QUALITY)\n"
	"  --as      only what that organisation or user may see (default: the node operator, all)\n";

struct opts {
	const char *org, *tlp, *dist, *group, *description, *category, *reference, *format, *as;
	const char **recipients;
	size_t n_recipients;
};

/* Parses the options of every subcommand; positional arguments stay in argv[optind..]. */
static int opts_parse(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"org", required_argument, NULL, 'o'},         {"tlp", required_argument, NULL, 't'},
		{"distribution", required_argument, NULL, 'D'}, {"group", required_argument, NULL, 'g'},
		{"description", required_argument, NULL, 'd'}, {"category", required_argument, NULL, 'c'},
		{"reference", required_argument, NULL, 'r'},   {"format", required_argument, NULL, 'f'},
		{"as", required_argument, NULL, 'a'},           {"recipient", required_argument, NULL, 'R'},
		{"help", no_argument, NULL, 'h'},               {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->org = optarg; break;
		case 't': o->tlp = optarg; break;
		case 'D': o->dist = optarg; break;
		case 'g': o->group = optarg; break;
		case 'd': o->description = optarg; break;
		case 'c': o->category = optarg; break;
		case 'r': o->reference = optarg; break;
		case 'f': o->format = optarg; break;
		case 'a': o->as = optarg; break;
		case 'R': o->recipients[o->n_recipients++] = optarg; break;
		case 'h': fputs(usage, stdout); return -1;
		default: fputs(usage, stderr); return 2;
		}
	}
	return 0;
}

/* The visibility of --as into *vis (NULL without --as). */
static enum rcx_result viewer_of(struct store *s, const char *as, struct trust_viewer *v, struct store_visibility *vis,
				 const struct store_visibility **ret_vis)
{
	*ret_vis = NULL;
	if (!as)
		return RCX_OK;
	enum rcx_result r = trust_viewer_named(s, as, v);
	if (r != RCX_OK) {
		cli_error(CMD, "--as %s: %s", as, r == RCX_ENOTFOUND ? "no such organisation or user" : rcx_result_message(r));
		return r;
	}
	trust_store_visibility(v, vis);
	*ret_vis = vis;
	return RCX_OK;
}

/* The owner named by --org (0 without it). */
static enum rcx_result owner_of(struct store *s, const char *org, int64_t *ret_id)
{
	struct store_org o;
	*ret_id = 0;
	if (!org)
		return RCX_OK;
	enum rcx_result r = store_org_get(s, org, &o);
	if (r != RCX_OK) {
		cli_error(CMD, "--org %s: %s", org, r == RCX_ENOTFOUND ? "no such organisation" : rcx_result_message(r));
		return r;
	}
	*ret_id = o.id;
	return RCX_OK;
}

/* The list called name, visible to vis; prints why not. */
static enum rcx_result list_named(struct store *s, const char *name, const char *org, const struct store_visibility *vis,
				  struct store_hashlist *ret)
{
	int64_t owner;
	enum rcx_result r = owner_of(s, org, &owner);
	if (r != RCX_OK)
		return r;
	r = referral_hashlist_find(s, name, owner, vis, ret);
	if (r == RCX_ENOTFOUND)
		cli_error(CMD, "%s: no such hash list", name);
	else if (r == RCX_EEXIST)
		cli_error(CMD, "%s: several organisations have a list of that name; give --org", name);
	else if (r != RCX_OK)
		cli_error(CMD, "%s: %s", name, rcx_result_message(r));
	return r;
}

static void put_key_str(struct rcx_strbuf *b, const char *key, const char *v)
{
	rcx_strbuf_printf(b, ",\"%s\":", key);
	rcx_json_put_string(b, v ? v : "", v ? strlen(v) : 0);
}

/* A sharing group's name by id (groups are few: one listing). */
struct group_name {
	int64_t id;
	char *name;
};

static enum rcx_result group_name_of(void *ctx, const struct store_group *g)
{
	struct group_name *gn = ctx;
	if (g->id == gn->id && !gn->name)
		gn->name = strdup(g->name);
	return RCX_OK;
}

/* Prints a list as one JSON line, with its entry count (and its named recipients when detail).
 * The row's strings and recipient ids live in the store's buffers until its next call: copied
 * first, since the names of owner, group and recipients are looked up here. */
static enum rcx_result print_list(struct store *s, const struct store_hashlist *l, const struct store_visibility *vis,
				  bool detail)
{
	struct rcx_strbuf b = RCX_STRBUF_INIT(0);
	struct store_org o;
	char t[RCX_TIME_BUF];
	size_t n_ids = l->label.n_orgs + l->label.n_users;
	int64_t *ids = malloc((n_ids + 1) * sizeof(*ids));
	if (!ids)
		return RCX_ENOMEM;
	if (l->label.n_orgs)
		memcpy(ids, l->label.orgs, l->label.n_orgs * sizeof(*ids));
	if (l->label.n_users)
		memcpy(ids + l->label.n_orgs, l->label.users, l->label.n_users * sizeof(*ids));
	struct store_hashlist c = *l;
	char *name = strdup(l->name), *desc = l->description ? strdup(l->description) : NULL;
	uint64_t n = 0;
	enum rcx_result r = name ? store_hashlist_entry_count(s, c.id, vis, &n) : RCX_ENOMEM;
	if (r != RCX_OK)
		goto out;
	rcx_strbuf_printf(&b, "{\"id\":%lld", (long long)c.id);
	put_key_str(&b, "name", name);
	if (store_org_get_id(s, c.label.owner_org, &o) == RCX_OK)
		put_key_str(&b, "owner", o.name);
	rcx_strbuf_printf(&b, ",\"tlp\":\"%s\",\"distribution\":\"%s\"", rcx_tlp_name(c.label.tlp),
			  rcx_dist_name(c.label.dist));
	if (c.label.group) {
		struct group_name gn = {c.label.group, NULL};
		if (store_group_list(s, group_name_of, &gn) == RCX_OK && gn.name)
			put_key_str(&b, "group", gn.name);
		free(gn.name);
	}
	if (desc)
		put_key_str(&b, "description", desc);
	rcx_time_format(c.created_us, t);
	put_key_str(&b, "created", t);
	rcx_strbuf_printf(&b, ",\"entries\":%llu", (unsigned long long)n);
	if (detail) {
		rcx_strbuf_puts(&b, ",\"recipient_orgs\":[");
		for (size_t i = 0; i < c.label.n_orgs; i++) {
			if (i)
				rcx_strbuf_putc(&b, ',');
			const char *on = store_org_get_id(s, ids[i], &o) == RCX_OK ? o.name : "?";
			rcx_json_put_string(&b, on, strlen(on));
		}
		rcx_strbuf_puts(&b, "],\"recipient_users\":[");
		for (size_t i = 0; i < c.label.n_users; i++) {
			struct store_user u;
			if (i)
				rcx_strbuf_putc(&b, ',');
			const char *un = store_user_get_id(s, ids[c.label.n_orgs + i], &u) == RCX_OK ? u.email : "?";
			rcx_json_put_string(&b, un, strlen(un));
		}
		rcx_strbuf_putc(&b, ']');
	}
	rcx_strbuf_puts(&b, "}\n");
	r = RCX_OK;
	if (fwrite(b.data, 1, b.len, stdout) != b.len)
		r = RCX_EIO;
out:
	rcx_strbuf_free(&b);
	free(ids);
	free(name);
	free(desc);
	return r;
}

/* Writes a change to the audit log as the other command-line changes are (actor "cli"); the change
 * has happened, so a failure here is reported and fails the command. */
static enum rcx_result audited(struct store *s, const char *action, int64_t id, const char *name, size_t added)
{
	char object[48];
	struct rcx_strbuf d = RCX_STRBUF_INIT(0);
	snprintf(object, sizeof(object), "hashlist:%lld", (long long)id);
	enum rcx_result r = rcx_strbuf_printf(&d, "{\"added\":%zu,\"name\":", added);
	if (r == RCX_OK)
		r = rcx_json_put_string(&d, name, strlen(name));
	if (r == RCX_OK)
		r = rcx_strbuf_putc(&d, '}');
	if (r == RCX_OK)
		r = trust_audit_append(s, "cli", action, object, d.data);
	rcx_strbuf_free(&d);
	if (r != RCX_OK)
		cli_error(CMD, "the change was made but could not be written to the audit log: %s", rcx_result_message(r));
	return r;
}

/* Resolves --recipient values: an e-mail address is a user (RED), anything else an organisation. */
static enum rcx_result recipients_of(struct store *s, const struct opts *o, int64_t *orgs, size_t *n_orgs,
				    int64_t *users, size_t *n_users)
{
	*n_orgs = *n_users = 0;
	for (size_t i = 0; i < o->n_recipients; i++) {
		const char *v = o->recipients[i];
		enum rcx_result r;
		if (strchr(v, '@')) {
			struct store_user u;
			if ((r = store_user_get(s, v, &u)) == RCX_OK)
				users[(*n_users)++] = u.id;
		} else {
			struct store_org org;
			if ((r = store_org_get(s, v, &org)) == RCX_OK)
				orgs[(*n_orgs)++] = org.id;
		}
		if (r != RCX_OK) {
			cli_error(CMD, "--recipient %s: %s", v,
				  r == RCX_ENOTFOUND ? "no such organisation or user" : rcx_result_message(r));
			return r;
		}
	}
	return RCX_OK;
}

static int list_create(struct store *s, const char *name, const struct opts *o)
{
	struct store_hashlist l = {.name = name, .description = o->description};
	l.label.tlp = RCX_TLP_AMBER;
	l.label.dist = o->group ? RCX_DIST_GROUP : RCX_DIST_NODE;
	if (!o->org) {
		cli_error(CMD, "create: --org ORG is required (the owner)");
		return 2;
	}
	if (!referral_hashlist_text_valid(name, RCX_HASHLIST_NAME_MAX) ||
	    (o->description && !referral_hashlist_text_valid(o->description, RCX_HASHLIST_DESCRIPTION_MAX))) {
		cli_error(CMD, "create: the name (at most %u bytes) and description (%u) are UTF-8 text without control"
			       " characters", RCX_HASHLIST_NAME_MAX, RCX_HASHLIST_DESCRIPTION_MAX);
		return 2;
	}
	if (o->tlp && rcx_tlp_parse(o->tlp, strlen(o->tlp), &l.label.tlp) != RCX_OK) {
		cli_error(CMD, "--tlp: clear, green, amber, amber+strict or red");
		return 2;
	}
	if (o->dist && rcx_dist_parse(o->dist, strlen(o->dist), &l.label.dist) != RCX_OK) {
		cli_error(CMD, "--distribution: org, group, node or federation");
		return 2;
	}
	if ((l.label.dist == RCX_DIST_GROUP) != (o->group != NULL)) {
		cli_error(CMD, "--group goes with --distribution group, and the group distribution needs --group");
		return 2;
	}
	enum rcx_result r = owner_of(s, o->org, &l.label.owner_org);
	if (r != RCX_OK)
		return rcx_result_exit(r);
	if (o->group) {
		struct store_group g;
		if ((r = store_group_get(s, o->group, &g)) != RCX_OK) {
			cli_error(CMD, "--group %s: %s", o->group,
				  r == RCX_ENOTFOUND ? "no such sharing group" : rcx_result_message(r));
			return rcx_result_exit(r);
		}
		l.label.group = g.id;
	}
	int64_t *ids = calloc(o->n_recipients * 2 + 1, sizeof(*ids));
	if (!ids)
		return rcx_result_exit(RCX_ENOMEM);
	size_t n_orgs, n_users;
	int64_t id = 0;
	r = recipients_of(s, o, ids, &n_orgs, ids + o->n_recipients, &n_users);
	if (r == RCX_OK) {
		l.label.orgs = ids;
		l.label.n_orgs = n_orgs;
		l.label.users = ids + o->n_recipients;
		l.label.n_users = n_users;
		r = store_hashlist_put(s, &l, &id);
		if (r == RCX_EEXIST)
			cli_error(CMD, "%s: %s already has a list of that name", name, o->org);
		else if (r != RCX_OK)
			cli_error(CMD, "create %s: %s", name, rcx_result_message(r));
	}
	free(ids);
	struct store_hashlist got;
	if (r == RCX_OK)
		r = audited(s, "hashlist.create", id, name, 0);
	if (r == RCX_OK && (r = store_hashlist_get(s, id, NULL, &got)) == RCX_OK)
		r = print_list(s, &got, NULL, true);
	return rcx_result_exit(r);
}

static int list_import(struct store *s, const char *name, const char *path, const struct opts *o)
{
	if (o->category && !referral_hashlist_category_valid(o->category)) {
		cli_error(CMD, "--category: one of " REFERRAL_HASHLIST_CATEGORIES);
		return 2;
	}
	if (o->reference && !referral_hashlist_text_valid(o->reference, RCX_REFERRAL_FIELD_MAX)) {
		cli_error(CMD, "--reference: UTF-8 text without control characters, at most %u bytes", RCX_REFERRAL_FIELD_MAX);
		return 2;
	}
	struct store_hashlist l;
	enum rcx_result r = list_named(s, name, o->org, NULL, &l);
	if (r != RCX_OK)
		return rcx_result_exit(r);
	struct referral_list *file = NULL;
	r = referral_list_read_file(path, NULL, &file);
	if (r != RCX_OK) {
		cli_error(CMD, "%s: %s", path, r == RCX_EIO ? "cannot be read" : rcx_result_message(r));
		return rcx_result_exit(r);
	}
	struct referral_hashlist_import *io = calloc(1, sizeof(*io));
	if (!io) {
		referral_list_free(file);
		return rcx_result_exit(RCX_ENOMEM);
	}
	io->category = o->category;
	io->reference = o->reference;
	r = referral_hashlist_import(s, &l, file, io);
	if (r == RCX_EPARSE) {
		for (size_t i = 0; i < io->n_kept; i++)
			cli_error(CMD, "%s:%llu: %s", path, (unsigned long long)io->errors[i].line, io->errors[i].reason);
		if (io->n_errors > io->n_kept)
			cli_error(CMD, "%s: %llu more bad lines", path, (unsigned long long)(io->n_errors - io->n_kept));
		cli_error(CMD, "%s: nothing imported", path);
	} else if (r != RCX_OK) {
		cli_error(CMD, "%s: %s", path, rcx_result_message(r));
	} else if ((r = audited(s, "hashlist.import", l.id, name, io->added)) == RCX_OK) {
		printf("{\"read\":%zu,\"added\":%zu,\"duplicates\":%zu}\n", io->read, io->added, io->read - io->added);
	}
	free(io);
	referral_list_free(file);
	return rcx_result_exit(r);
}

static int list_export(struct store *s, const char *name, const struct opts *o, const struct store_visibility *vis)
{
	enum referral_list_format fmt = REFERRAL_LIST_CSV;
	if (o->format && !strcmp(o->format, "pdq"))
		fmt = REFERRAL_LIST_TEXT;
	else if (o->format && strcmp(o->format, "csv")) {
		cli_error(CMD, "--format: csv or pdq");
		return 2;
	}
	struct store_hashlist l;
	enum rcx_result r = list_named(s, name, o->org, vis, &l);
	if (r != RCX_OK)
		return rcx_result_exit(r);
	struct referral_list *file = NULL;
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	r = referral_hashlist_export(s, l.id, vis, &file);
	if (r == RCX_OK)
		r = referral_list_write(file, fmt, &out);
	if (r == RCX_OK && out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
		r = RCX_EIO;
	if (r != RCX_OK)
		cli_error(CMD, "export %s: %s", name, rcx_result_message(r));
	rcx_strbuf_free(&out);
	referral_list_free(file);
	return rcx_result_exit(r);
}

/* Ids of the visible lists (printed afterwards: printing calls the store). */
struct id_list {
	int64_t *v;
	size_t n, cap;
};

static enum rcx_result collect_id(void *ctx, const struct store_hashlist *l)
{
	struct id_list *ids = ctx;
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		int64_t *v = realloc(ids->v, cap * sizeof(*v));
		if (!v)
			return RCX_ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = l->id;
	return RCX_OK;
}

static int list_list(struct store *s, const struct store_visibility *vis)
{
	struct id_list ids = {0};
	struct store_hashlist_filter flt = {.vis = vis};
	enum rcx_result r = store_hashlist_query(s, &flt, collect_id, &ids);
	for (size_t i = 0; i < ids.n && r == RCX_OK; i++) {
		struct store_hashlist l;
		r = store_hashlist_get(s, ids.v[i], vis, &l);
		if (r == RCX_OK)
			r = print_list(s, &l, vis, false);
	}
	free(ids.v);
	if (r != RCX_OK)
		cli_error(CMD, "%s", rcx_result_message(r));
	return rcx_result_exit(r);
}

int cli_pdq_list(struct cli *cli, int argc, char **argv)
{
	struct opts o = {0};
	struct trust_viewer viewer;
	struct store_visibility vis_buf;
	const struct store_visibility *vis = NULL;
	struct store *s = NULL;
	int status;
	if (argc < 2) {
		fputs(usage, stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	if (!(o.recipients = calloc((size_t)argc + 1, sizeof(*o.recipients))))
		return rcx_result_exit(RCX_ENOMEM);
	status = opts_parse(argc - 1, argv + 1, &o);
	int npos = argc - 1 - optind; /* positional arguments after the subcommand */
	char **pos = argv + 1 + optind;
	if (status) {
		status = status < 0 ? 0 : status;
		goto out;
	}
	bool writes = !strcmp(sub, "create") || !strcmp(sub, "import");
	static const struct {
		const char *name;
		int args;
	} subs[] = {{"create", 1}, {"import", 2}, {"export", 1}, {"list", 0}, {"show", 1}};
	size_t k = 0;
	while (k < sizeof(subs) / sizeof(subs[0]) && strcmp(sub, subs[k].name))
		k++;
	if (k == sizeof(subs) / sizeof(subs[0]) || npos != subs[k].args || (writes && o.as)) {
		if (k == sizeof(subs) / sizeof(subs[0]))
			cli_error(CMD, "unknown command '%s'", sub);
		fputs(usage, stderr);
		status = 2;
		goto out;
	}
	if (cli_store_open(cli, !writes, &s) != RCX_OK) {
		status = rcx_result_exit(RCX_ESTORE);
		goto out;
	}
	enum rcx_result r = viewer_of(s, o.as, &viewer, &vis_buf, &vis);
	if (r != RCX_OK) {
		status = rcx_result_exit(r);
		goto out;
	}
	switch (k) {
	case 0: status = list_create(s, pos[0], &o); break;
	case 1: status = list_import(s, pos[0], pos[1], &o); break;
	case 2: status = list_export(s, pos[0], &o, vis); break;
	case 3: status = list_list(s, vis); break;
	default: {
		struct store_hashlist l;
		r = list_named(s, pos[0], o.org, vis, &l);
		if (r == RCX_OK)
			r = print_list(s, &l, vis, true);
		status = rcx_result_exit(r);
	}
	}
	if (fflush(stdout) != 0 && !status)
		status = rcx_result_exit(RCX_EIO);
out:
	store_close(s);
	free(o.recipients);
	return status;
}
