/* Accounts from the command line: rcx init, org, user, apikey, group, audit.
 * Every change is written to the audit log with actor "cli". */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "core/text.h"
#include "core/time.h"
#include "trust/trust.h"
#include "trust/trust_account.h"
#include "trust/trust_audit.h"
#include "trust/trust_org.h"

#define CLI_ACTOR "cli"

/* Reads one line (the password) from stdin into buf; RCX_EINVAL when there is none. */
static enum rcx_result read_password(const char *cmd, char *buf, size_t cap)
{
	if (!fgets(buf, (int)cap, stdin)) {
		cli_error(cmd, "expected the password on standard input");
		return RCX_EINVAL;
	}
	size_t n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	if (n < TRUST_PASSWORD_MIN) {
		cli_error(cmd, "the password needs at least %u characters", TRUST_PASSWORD_MIN);
		return RCX_EINVAL;
	}
	return RCX_OK;
}

/* Writes a change to the audit log; the change itself has already happened, so a failure here is
 * reported loudly and fails the command. */
static int audited(const char *cmd, struct store *s, const char *action, const char *object, json_t *detail)
{
	char *text = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	enum rcx_result r = trust_audit_append(s, CLI_ACTOR, action, object, text);
	free(text);
	if (r != RCX_OK) {
		cli_error(cmd, "the change was made but could not be written to the audit log: %s", rcx_result_message(r));
		return rcx_result_exit(r);
	}
	return 0;
}

static void print_json(json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (t)
		puts(t);
	free(t);
	json_decref(j);
}

static int fail(const char *cmd, enum rcx_result r, const char *what)
{
	cli_error(cmd, "%s: %s", what, rcx_result_message(r));
	return rcx_result_exit(r);
}

/* ---- rcx init ---- */

int cli_init(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"org", required_argument, NULL, 'o'}, {"country", required_argument, NULL, 'c'},
		{"admin", required_argument, NULL, 'a'}, {"kind", required_argument, NULL, 'k'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *org = NULL, *country = NULL, *admin = NULL, *kind = "national-cert";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		case 'c': country = optarg; break;
		case 'a': admin = optarg; break;
		case 'k': kind = optarg; break;
		default:
			fputs("usage: rcx init --org NAME --country CC --admin EMAIL [--kind KIND]  (password on stdin)\n",
			      c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (!org || !country || !admin) {
		cli_error("init", "--org, --country and --admin are required");
		return 2;
	}
	char pw[TRUST_PASSWORD_MAX + 2];
	if (read_password("init", pw, sizeof(pw)) != RCX_OK)
		return 2;
	struct store *s = NULL;
	if (cli_store_open(cli, false, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	int status = 0;
	uint64_t users = 0;
	enum rcx_result r = trust_count_users(s, &users);
	if (r == RCX_OK && users > 0) {
		cli_error("init", "%s is already initialised (it has users); use rcx user add", cli->db_path);
		status = rcx_result_exit(RCX_EEXIST);
		goto out;
	}
	int64_t org_id = 0, user_id = 0;
	struct store_org existing;
	if (r == RCX_OK && store_org_get(s, org, &existing) == RCX_OK) {
		org_id = existing.id;
	} else if (r == RCX_OK) {
		struct trust_org_spec spec = {.name = org, .country = country, .kind = kind};
		char *why = NULL;
		r = trust_org_add(s, &spec, &org_id, &why);
		if (r != RCX_OK) {
			cli_error("init", "%s", why ? why : rcx_result_message(r));
			free(why);
			status = rcx_result_exit(r);
			goto out;
		}
	}
	if (r == RCX_OK) {
		char *why = NULL;
		r = trust_user_add(s, admin, NULL, org_id, TRUST_ROLE_ADMIN, pw, &user_id, &why);
		if (r != RCX_OK) {
			cli_error("init", "%s", why ? why : rcx_result_message(r));
			free(why);
			status = rcx_result_exit(r);
			goto out;
		}
	}
	if (r != RCX_OK) {
		status = fail("init", r, "cannot initialise");
		goto out;
	}
	status = audited("init", s, "init", "", json_pack("{s:s, s:s, s:s}", "org", org, "country", country, "admin", admin));
	if (status == 0)
		print_json(json_pack("{s:I, s:I}", "org", (json_int_t)org_id, "admin", (json_int_t)user_id));
out:
	memset(pw, 0, sizeof(pw));
	store_close(s);
	return status;
}

/* ---- rcx org ---- */

static json_t *org_json(const struct store_org *o, struct store *s)
{
	json_t *j = json_pack("{s:I, s:s, s:s?, s:s?, s:s?}", "id", (json_int_t)o->id, "name", o->name, "country",
			      o->country, "kind", o->kind, "sector", o->sector);
	json_t *contacts = o->contacts ? json_loads(o->contacts, 0, NULL) : NULL;
	json_object_set_new(j, "contacts", contacts ? contacts : json_array());
	if (o->created_us > 0) {
		char t[RCX_TIME_BUF];
		rcx_time_format(o->created_us, t);
		json_object_set_new(j, "created", json_string(t));
	}
	(void)s;
	if (o->parent > 0)
		json_object_set_new(j, "parent", json_integer(o->parent));
	return j;
}

static enum rcx_result print_org(void *ctx, const struct store_org *o)
{
	print_json(org_json(o, ctx));
	return RCX_OK;
}

/* "Name <mail@example.org> +385 1 000" → {"name","email","phone"}; a JSON array text (malloc'd), or
 * NULL when an argument does not have that shape. */
static char *contacts_from_args(const char *const *args, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++) {
		const char *lt = strchr(args[i], '<'), *gt = lt ? strchr(lt, '>') : NULL;
		if (!lt || !gt || gt == lt + 1) {
			json_decref(arr);
			return NULL;
		}
		const char *name = args[i];
		size_t name_len = (size_t)(lt - name);
		rcx_trim(&name, &name_len);
		const char *phone = gt + 1;
		size_t phone_len = strlen(phone);
		rcx_trim(&phone, &phone_len);
		json_t *c = json_object();
		if (name_len)
			json_object_set_new(c, "name", json_stringn(name, name_len));
		json_object_set_new(c, "email", json_stringn(lt + 1, (size_t)(gt - lt - 1)));
		if (phone_len)
			json_object_set_new(c, "phone", json_stringn(phone, phone_len));
		json_array_append_new(arr, c);
	}
	char *t = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	return t;
}

int cli_org(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"country", required_argument, NULL, 'c'}, {"kind", required_argument, NULL, 'k'},
		{"sector", required_argument, NULL, 's'},  {"parent", required_argument, NULL, 'p'},
		{"contact", required_argument, NULL, 'C'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx org add NAME --country CC --kind KIND [--sector NIS2-SECTOR] [--parent ORG]\n"
		"                        [--contact 'NAME <EMAIL> [PHONE]']...\n"
		"       rcx org set NAME [--country CC] [--kind KIND] [--sector S] [--parent ORG] [--contact ...]\n"
		"       rcx org list\n"
		"KIND: national-cert, sectoral-cert, law-enforcement, oes, regional-hub, other\n";
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	struct trust_org_spec spec = {0};
	const char *contacts[32];
	size_t n_contacts = 0;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': spec.country = optarg; break;
		case 'k': spec.kind = optarg; break;
		case 's': spec.sector = optarg; break;
		case 'p': spec.parent = optarg; break;
		case 'C':
			if (n_contacts == sizeof(contacts) / sizeof(contacts[0])) {
				cli_error("org", "at most %zu contacts", n_contacts);
				return 2;
			}
			contacts[n_contacts++] = optarg;
			break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	char *contacts_json = NULL;
	if (n_contacts > 0) {
		contacts_json = contacts_from_args(contacts, n_contacts);
		if (!contacts_json) {
			cli_error("org", "--contact takes 'NAME <EMAIL> [PHONE]'");
			return 2;
		}
		spec.contacts = contacts_json;
	}
	bool list = !strcmp(sub, "list");
	if (!list && (strcmp(sub, "add") && strcmp(sub, "set"))) {
		fputs(usage, stderr);
		return 2;
	}
	if (!list && optind != argc - 1) {
		cli_error("org", "expected one organisation name");
		return 2;
	}
	struct store *s = NULL;
	if (cli_store_open(cli, list, &s) != RCX_OK) {
		free(contacts_json);
		return rcx_result_exit(RCX_ESTORE);
	}
	int status = 0;
	if (list) {
		enum rcx_result r = store_org_list(s, print_org, s);
		if (r != RCX_OK)
			status = fail("org", r, "cannot list organisations");
		store_close(s);
		return status;
	}
	spec.name = argv[optind];
	char *why = NULL;
	int64_t id = 0;
	enum rcx_result r = !strcmp(sub, "add") ? trust_org_add(s, &spec, &id, &why) : trust_org_set(s, &spec, &id, &why);
	free(contacts_json);
	if (r != RCX_OK) {
		cli_error("org", "%s", why ? why : rcx_result_message(r));
		free(why);
		store_close(s);
		return rcx_result_exit(r);
	}
	char object[64];
	snprintf(object, sizeof(object), "org:%lld", (long long)id);
	status = audited("org", s, !strcmp(sub, "add") ? "org.add" : "org.update", object,
			 json_pack("{s:s, s:s?, s:s?, s:s?, s:s?}", "name", spec.name, "country", spec.country, "kind",
				   spec.kind, "sector", spec.sector, "parent", spec.parent));
	struct store_org o;
	if (status == 0 && store_org_get_id(s, id, &o) == RCX_OK)
		print_json(org_json(&o, s));
	store_close(s);
	return status;
}

/* ---- rcx user ---- */

static enum rcx_result print_user(void *ctx, const struct store_user *u)
{
	(void)ctx;
	print_json(json_pack("{s:I, s:s, s:s?, s:I, s:s, s:b}", "id", (json_int_t)u->id, "email", u->email, "name",
			     u->name, "org", (json_int_t)u->org, "role", trust_role_name((enum trust_role)u->role),
			     "disabled", u->disabled));
	return RCX_OK;
}

int cli_user(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"org", required_argument, NULL, 'o'}, {"role", required_argument, NULL, 'r'},
		{"name", required_argument, NULL, 'n'}, {"disable", no_argument, NULL, 'd'},
		{"enable", no_argument, NULL, 'e'},    {"password", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx user add EMAIL --org NAME --role admin|analyst|reporter|readonly [--name NAME]\n"
		"                          (password on stdin)\n"
		"       rcx user set EMAIL [--role ROLE] [--name NAME] [--disable|--enable] [--password]\n"
		"       rcx user list [--org NAME]\n";
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1], *org = NULL, *role = NULL, *name = NULL;
	int disable = -1;
	bool password = false;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': org = optarg; break;
		case 'r': role = optarg; break;
		case 'n': name = optarg; break;
		case 'd': disable = 1; break;
		case 'e': disable = 0; break;
		case 'p': password = true; break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	bool list = !strcmp(sub, "list"), add = !strcmp(sub, "add"), set = !strcmp(sub, "set");
	if (!list && !add && !set) {
		fputs(usage, stderr);
		return 2;
	}
	if (!list && optind != argc - 1) {
		cli_error("user", "expected one e-mail address");
		return 2;
	}
	enum trust_role rl = TRUST_ROLE_READONLY;
	if (role && trust_role_parse(role, &rl) != RCX_OK) {
		cli_error("user", "unknown role '%s' (admin, analyst, reporter, readonly)", role);
		return 2;
	}
	if (add && (!org || !role)) {
		cli_error("user", "--org and --role are required");
		return 2;
	}
	char pw[TRUST_PASSWORD_MAX + 2] = "";
	if ((add || password) && read_password("user", pw, sizeof(pw)) != RCX_OK)
		return 2;
	struct store *s = NULL;
	if (cli_store_open(cli, list, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	int status = 0;
	struct store_org o = {0};
	enum rcx_result r = RCX_OK;
	if (org && (r = store_org_get(s, org, &o)) != RCX_OK) {
		status = fail("user", r, org);
		goto out;
	}
	if (list) {
		r = store_user_list(s, org ? o.id : 0, print_user, NULL);
		if (r != RCX_OK)
			status = fail("user", r, "cannot list users");
		goto out;
	}
	const char *email = argv[optind];
	char *why = NULL;
	int64_t id = 0;
	if (add) {
		r = trust_user_add(s, email, name, o.id, rl, pw, &id, &why);
	} else {
		struct trust_user_change ch = {
			.role = role ? (int)rl : -1, .name = name, .disabled = disable, .password = password ? pw : NULL,
		};
		r = trust_user_set(s, email, &ch, &id, &why);
	}
	if (r != RCX_OK) {
		cli_error("user", "%s", why ? why : rcx_result_message(r));
		free(why);
		status = rcx_result_exit(r);
		goto out;
	}
	char object[64];
	snprintf(object, sizeof(object), "user:%lld", (long long)id);
	status = audited("user", s, add ? "user.add" : "user.update", object,
			 json_pack("{s:s, s:s?, s:s?, s:b}", "email", email, "role", role, "org", org, "password_changed",
				   add || password));
	struct store_user u;
	if (status == 0 && store_user_get_id(s, id, &u) == RCX_OK)
		print_user(NULL, &u);
out:
	memset(pw, 0, sizeof(pw));
	store_close(s);
	return status;
}

/* ---- rcx apikey ---- */

static enum rcx_result print_key(void *ctx, const struct store_apikey *k)
{
	(void)ctx;
	char created[RCX_TIME_BUF];
	rcx_time_format(k->created_us, created);
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)k->id, "prefix", k->prefix, "label",
			      k->label ? k->label : "", "created", created, "revoked", k->revoked);
	if (k->expires_us > 0) {
		char t[RCX_TIME_BUF];
		rcx_time_format(k->expires_us, t);
		json_object_set_new(j, "expires", json_string(t));
	}
	print_json(j);
	return RCX_OK;
}

int cli_apikey(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"label", required_argument, NULL, 'l'}, {"expires", required_argument, NULL, 'x'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx apikey create EMAIL [--label TEXT] [--expires DURATION]\n"
				    "       rcx apikey list EMAIL\n"
				    "       rcx apikey revoke EMAIL PREFIX\n";
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1], *label = "", *expires = NULL;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': label = optarg; break;
		case 'x': expires = optarg; break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	bool create = !strcmp(sub, "create"), list = !strcmp(sub, "list"), revoke = !strcmp(sub, "revoke");
	int want = revoke ? 2 : 1;
	if ((!create && !list && !revoke) || argc - optind != want) {
		fputs(usage, stderr);
		return 2;
	}
	int64_t expires_us = 0;
	if (expires) {
		int64_t d;
		if (rcx_duration_parse(expires, strlen(expires), &d) != RCX_OK || d <= 0) {
			cli_error("apikey", "--expires: '%s' is not a duration (e.g. 90d)", expires);
			return 2;
		}
		expires_us = rcx_time_now() + d;
	}
	struct store *s = NULL;
	if (cli_store_open(cli, list, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	int status = 0;
	struct store_user u;
	enum rcx_result r = store_user_get(s, argv[optind], &u);
	if (r != RCX_OK) {
		status = fail("apikey", r, argv[optind]);
		goto out;
	}
	int64_t user = u.id;
	if (list) {
		r = store_apikey_list(s, user, print_key, NULL);
		if (r != RCX_OK)
			status = fail("apikey", r, "cannot list keys");
		goto out;
	}
	char object[64];
	if (create) {
		char key[TRUST_APIKEY_LEN];
		int64_t id = 0;
		r = trust_apikey_create(s, user, label, expires_us, key, &id);
		if (r != RCX_OK) {
			status = fail("apikey", r, "cannot create the key");
			goto out;
		}
		snprintf(object, sizeof(object), "apikey:%lld", (long long)id);
		status = audited("apikey", s, "apikey.create", object,
				 json_pack("{s:I, s:s}", "user", (json_int_t)user, "label", label));
		if (status == 0) {
			puts(key);
			if (!cli->quiet)
				fputs("rcx apikey: this key is shown once; store it now.\n", stderr);
		}
		memset(key, 0, sizeof(key));
		goto out;
	}
	struct store_apikey k;
	r = store_apikey_get(s, argv[optind + 1], &k);
	if (r != RCX_OK || k.user != user) {
		status = fail("apikey", RCX_ENOTFOUND, argv[optind + 1]);
		goto out;
	}
	int64_t kid = k.id;
	r = store_apikey_revoke(s, kid);
	if (r != RCX_OK) {
		status = fail("apikey", r, "cannot revoke");
		goto out;
	}
	snprintf(object, sizeof(object), "apikey:%lld", (long long)kid);
	status = audited("apikey", s, "apikey.revoke", object, json_pack("{s:I}", "user", (json_int_t)user));
out:
	store_close(s);
	return status;
}

/* ---- rcx group ---- */

static enum rcx_result print_member(void *ctx, int64_t id)
{
	json_array_append_new(ctx, json_integer(id));
	return RCX_OK;
}

static json_t *group_json(const struct store_group *g)
{
	return json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)g->id, "name", g->name, "description",
			 g->description ? g->description : "", "owner", (json_int_t)g->owner_org);
}

static enum rcx_result collect_group(void *ctx, const struct store_group *g)
{
	json_array_append_new(ctx, group_json(g));
	return RCX_OK;
}

/* Prints every group with its members (ids): first the groups, then one members query each. */
static enum rcx_result print_groups(struct store *s)
{
	json_t *all = json_array();
	enum rcx_result r = store_group_list(s, collect_group, all);
	size_t i;
	json_t *g;
	json_array_foreach(all, i, g) {
		if (r != RCX_OK)
			break;
		json_t *members = json_array();
		json_object_set_new(g, "members", members);
		r = store_group_members(s, (int64_t)json_integer_value(json_object_get(g, "id")), print_member, members);
		if (r == RCX_OK)
			print_json(json_incref(g));
	}
	json_decref(all);
	return r;
}

int cli_group(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"owner", required_argument, NULL, 'o'}, {"description", required_argument, NULL, 'd'},
		{"add", required_argument, NULL, 'a'},   {"remove", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static const char usage[] = "usage: rcx group add NAME --owner ORG [--description TEXT] [--add ORG]...\n"
				    "       rcx group member NAME [--add ORG]... [--remove ORG]...\n"
				    "       rcx group list\n"
				    "       rcx group show NAME\n";
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1], *owner = NULL, *description = "";
	const char *changes[64];
	bool adds[64];
	size_t n_changes = 0;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': owner = optarg; break;
		case 'd': description = optarg; break;
		case 'a':
		case 'r':
			if (n_changes == 64) {
				cli_error("group", "at most 64 member changes at once");
				return 2;
			}
			adds[n_changes] = c == 'a';
			changes[n_changes++] = optarg;
			break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	bool list = !strcmp(sub, "list"), add = !strcmp(sub, "add"), member = !strcmp(sub, "member"),
	     show = !strcmp(sub, "show");
	if (!(list || add || member || show) || (!list && argc - optind != 1) || (add && !owner)) {
		fputs(usage, stderr);
		return 2;
	}
	struct store *s = NULL;
	if (cli_store_open(cli, list || show, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	int status = 0;
	enum rcx_result r;
	if (list) {
		r = print_groups(s);
		if (r != RCX_OK)
			status = fail("group", r, "cannot list groups");
		goto out;
	}
	const char *name = argv[optind];
	struct store_group g;
	int64_t gid = 0;
	if (add) {
		struct store_org o;
		if ((r = store_org_get(s, owner, &o)) != RCX_OK) {
			status = fail("group", r, owner);
			goto out;
		}
		struct store_group ng = {.name = name, .description = description, .owner_org = o.id,
					 .created_us = rcx_time_now()};
		int64_t owner_id = o.id;
		if ((r = store_group_add(s, &ng, &gid)) != RCX_OK) {
			status = fail("group", r, name);
			goto out;
		}
		/* the owner is a member of its own group */
		if ((r = store_group_member_set(s, gid, owner_id, true)) != RCX_OK) {
			status = fail("group", r, name);
			goto out;
		}
		char object[64];
		snprintf(object, sizeof(object), "group:%lld", (long long)gid);
		if ((status = audited("group", s, "group.add", object, json_pack("{s:s, s:s}", "name", name, "owner", owner))))
			goto out;
	} else {
		if ((r = store_group_get(s, name, &g)) != RCX_OK) {
			status = fail("group", r, name);
			goto out;
		}
		gid = g.id;
	}
	for (size_t i = 0; i < n_changes; i++) {
		struct store_org o;
		if ((r = store_org_get(s, changes[i], &o)) != RCX_OK) {
			status = fail("group", r, changes[i]);
			goto out;
		}
		int64_t oid = o.id;
		if ((r = store_group_member_set(s, gid, oid, adds[i])) != RCX_OK) {
			status = fail("group", r, changes[i]);
			goto out;
		}
		char object[64];
		snprintf(object, sizeof(object), "group:%lld", (long long)gid);
		if ((status = audited("group", s, adds[i] ? "group.member.add" : "group.member.remove", object,
				      json_pack("{s:I, s:s}", "org", (json_int_t)oid, "org_name", changes[i]))))
			goto out;
	}
	if ((r = store_group_get(s, name, &g)) == RCX_OK) {
		json_t *j = group_json(&g);
		json_t *members = json_array();
		if ((r = store_group_members(s, gid, print_member, members)) != RCX_OK) {
			json_decref(members);
			json_decref(j);
			status = fail("group", r, name);
			goto out;
		}
		json_object_set_new(j, "members", members);
		print_json(j);
	}
out:
	store_close(s);
	return status;
}

/* ---- rcx audit ---- */

static enum rcx_result print_audit(void *ctx, const struct store_audit *e)
{
	(void)ctx;
	char t[RCX_TIME_BUF], h[65];
	rcx_time_format(e->time_us, t);
	for (int i = 0; i < 32; i++)
		snprintf(h + 2 * i, 3, "%02x", e->hash[i]);
	json_t *detail = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
	print_json(json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s}", "seq", (json_int_t)e->seq, "time", t, "actor",
			     e->actor ? e->actor : "", "action", e->action ? e->action : "", "object",
			     e->object ? e->object : "", "detail", detail ? detail : json_object(), "hash", h));
	return RCX_OK;
}

int cli_audit(struct cli *cli, int argc, char **argv)
{
	static const char usage[] = "usage: rcx audit verify\n       rcx audit list [--after SEQ] [--limit N]\n";
	static const struct option longopts[] = {
		{"after", required_argument, NULL, 'a'}, {"limit", required_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	int64_t after = 0, limit = 0;
	int c;
	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		const char *a = optarg;
		switch (c) {
		case 'a':
		case 'l':
			if (rcx_parse_i64(a, strlen(a), c == 'a' ? &after : &limit) != RCX_OK || after < 0 || limit < 0) {
				cli_error("audit", "'%s' is not a non-negative number", a);
				return 2;
			}
			break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	bool verify = !strcmp(argv[1], "verify");
	if ((!verify && strcmp(argv[1], "list")) || optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	struct store *s = NULL;
	if (cli_store_open(cli, true, &s) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	int status = 0;
	if (!verify) {
		enum rcx_result r = store_audit_list(s, after, (uint64_t)limit, print_audit, NULL);
		if (r != RCX_OK)
			status = fail("audit", r, "cannot read the audit log");
		store_close(s);
		return status;
	}
	struct trust_audit_report rep;
	enum rcx_result r = trust_audit_verify(s, &rep);
	store_close(s);
	if (r != RCX_OK)
		return fail("audit", r, "cannot read the audit log");
	char head[65];
	for (int i = 0; i < 32; i++)
		snprintf(head + 2 * i, 3, "%02x", rep.head[i]);
	json_t *j = json_pack("{s:b, s:I, s:s}", "ok", rep.problem == TRUST_AUDIT_OK, "entries",
			      (json_int_t)rep.entries, "head", head);
	if (rep.problem != TRUST_AUDIT_OK) {
		json_object_set_new(j, "problem", json_string(trust_audit_problem_name(rep.problem)));
		json_object_set_new(j, "seq", json_integer(rep.seq));
		json_object_set_new(j, "expected_seq", json_integer(rep.expected_seq));
		cli_error("audit", "the audit log is not intact: entry %lld is %s (expected seq %lld there)",
			  (long long)rep.seq, trust_audit_problem_name(rep.problem), (long long)rep.expected_seq);
		status = 1;
	}
	print_json(j);
	return status;
}
