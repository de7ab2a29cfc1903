/* Incident notifications (see incident_notify.h): recipients, composition, the RFC 5322 form of
 * a message, SMTP delivery with libcurl, and draining the outbox with backoff.
 *
 * Recipients: an organisation's contacts are a JSON array of {name,email,phone,role}; those with
 * an e-mail address and a role "incident", "24x7" or "soc" are chosen when there are any, else
 * every contact with an address. At most RCX_NOTIFY_RECIPIENTS_MAX addresses for the owner and
 * per country, each once.
 * Memory: the incident's fields are copied before any other store call (a "ret_" row lives only
 * until the next call); a drain copies the due messages (at most RCX_NOTIFY_DRAIN_MAX) first and
 * sends them one by one. */
#include "incident/incident_notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/time.h"
#include "core/tlp.h"
#include "store/store_incident.h"

static const struct incident_notify *installed;

void incident_notify_install(const struct incident_notify *n)
{
	installed = n;
}

const struct incident_notify *incident_notify_installed(void)
{
	return installed;
}

/* ---- recipients ---- */

struct rcpt {
	int64_t org;
	char cc[3];
	char addr[RCX_NOTIFY_ADDRESS_MAX];
};

struct rcpt_set {
	struct rcpt items[RCX_NOTIFY_RECIPIENTS_MAX];
	size_t n;
};

/* A plain address: one '@', no blanks, controls or header syntax, not too long. */
static bool address_ok(const char *a)
{
	size_t len = a ? strlen(a) : 0;
	if (len < 3 || len >= RCX_NOTIFY_ADDRESS_MAX)
		return false;
	const char *at = strchr(a, '@');
	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const char *p = a; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\"\\", *p))
			return false;
	return true;
}

static void rcpt_add(struct rcpt_set *set, int64_t org, const char *cc, const char *addr)
{
	if (!address_ok(addr) || set->n >= RCX_NOTIFY_RECIPIENTS_MAX)
		return;
	for (size_t i = 0; i < set->n; i++)
		if (!strcasecmp(set->items[i].addr, addr))
			return;
	struct rcpt *r = &set->items[set->n++];
	r->org = org;
	snprintf(r->cc, sizeof(r->cc), "%s", cc ? cc : "");
	snprintf(r->addr, sizeof(r->addr), "%s", addr);
}

static bool role_preferred(json_t *c)
{
	const char *role = json_string_value(json_object_get(c, "role"));
	return role && (!strcasecmp(role, "incident") || !strcasecmp(role, "24x7") || !strcasecmp(role, "soc"));
}

/* Adds the chosen contacts of an organisation (contacts JSON text, may be NULL). */
static void contacts_pick(struct rcpt_set *set, int64_t org, const char *cc, const char *contacts)
{
	json_t *arr = contacts ? json_loads(contacts, 0, NULL) : NULL;
	if (!json_is_array(arr)) {
		json_decref(arr);
		return;
	}
	bool preferred = false;
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c)
		if (address_ok(json_string_value(json_object_get(c, "email"))) && role_preferred(c))
			preferred = true;
	json_array_foreach(arr, i, c)
		if (!preferred || role_preferred(c))
			rcpt_add(set, org, cc, json_string_value(json_object_get(c, "email")));
	json_decref(arr);
}

struct cert_find {
	struct rcpt_set *set;
	const char *cc;
	int64_t skip; /* the owner */
};

static enum rcx_result cert_row(void *ctx, const struct store_org *o)
{
	struct cert_find *f = ctx;
	if (o->id != f->skip && o->kind && !strcmp(o->kind, "national-cert") && o->country &&
	    !strcasecmp(o->country, f->cc))
		contacts_pick(f->set, o->id, f->cc, o->contacts);
	return RCX_OK;
}

/* ---- the incident's facts, copied ---- */

struct facts_copy {
	struct incident_notify_facts f;
	char *owned[9];
	char pseudonym[INCIDENT_PSEUDONYM_BUF];
	int64_t owner;
	char owner_cc[3];
};

static const char *keep(struct facts_copy *fc, size_t slot, const char *s, bool *ok)
{
	if (!s)
		return NULL;
	fc->owned[slot] = strdup(s);
	if (!fc->owned[slot])
		*ok = false;
	return fc->owned[slot];
}

static void facts_free(struct facts_copy *fc)
{
	for (size_t i = 0; i < sizeof(fc->owned) / sizeof(fc->owned[0]); i++)
		free(fc->owned[i]);
}

static enum rcx_result facts_load(struct store *s, const struct incident_notify *n, int64_t id, struct facts_copy *fc)
{
	struct store_incident inc;
	struct store_org o;
	bool ok = true;
	memset(fc, 0, sizeof(*fc));
	enum rcx_result r = store_incident_get(s, id, NULL, &inc);
	if (r != RCX_OK)
		return r;
	struct incident_notify_facts *f = &fc->f;
	f->id = inc.id;
	f->title = keep(fc, 0, inc.title, &ok);
	f->description = keep(fc, 1, inc.description, &ok);
	f->countries = keep(fc, 2, inc.countries, &ok);
	f->sector = keep(fc, 3, inc.sector, &ok);
	f->rsit = keep(fc, 4, inc.rsit, &ok);
	f->severity = keep(fc, 5, inc.severity, &ok);
	f->victim = keep(fc, 6, inc.affected_name, &ok);
	f->tlp = inc.label.tlp;
	f->disclosed = inc.victim_disclosed;
	f->node_name = n->node_name;
	fc->owner = inc.label.owner_org;
	int64_t affected = inc.affected_org;
	/* inc is not used past this point: the lookups below may reuse its memory */
	if (ok && affected && store_org_get_id(s, affected, &o) == RCX_OK)
		f->victim = keep(fc, 7, o.name, &ok);
	if (ok && fc->owner && store_org_get_id(s, fc->owner, &o) == RCX_OK) {
		f->owner_name = keep(fc, 8, o.name, &ok);
		snprintf(fc->owner_cc, sizeof(fc->owner_cc), "%s", o.country ? o.country : "");
	}
	if (!ok) {
		facts_free(fc);
		return RCX_ENOMEM;
	}
	if (f->victim && n->key && incident_pseudonym_make(n->key, f->victim, fc->pseudonym) == RCX_OK)
		f->pseudonym = fc->pseudonym;
	return RCX_OK;
}

/* ---- composition ---- */

static bool tlp_clear_text(enum rcx_tlp tlp)
{
	return tlp == RCX_TLP_CLEAR || tlp == RCX_TLP_GREEN;
}

static void upper_tlp(enum rcx_tlp tlp, char out[16])
{
	snprintf(out, 16, "%s", rcx_tlp_name(tlp));
	for (char *p = out; *p; p++)
		*p = rcx_upper(*p);
}

/* The structured fields every readable message carries. */
static enum rcx_result put_fields(struct rcx_strbuf *b, const struct incident_notify_facts *f)
{
	char tlp[16];
	upper_tlp(f->tlp, tlp);
	return rcx_strbuf_printf(b,
				 "Incident:  #%lld\nTLP:       %s\nCountries: %s\nSector:    %s\nType:      %s\n"
				 "Severity:  %s\n",
				 (long long)f->id, tlp, f->countries ? f->countries : "-", f->sector ? f->sector : "-",
				 f->rsit ? f->rsit : "-", f->severity ? f->severity : "-");
}

/* How a foreign reader may see the victim. */
static const char *victim_for_foreign(const struct incident_notify_facts *f)
{
	if (!f->victim)
		return "unknown";
	if (f->disclosed && tlp_clear_text(f->tlp))
		return f->victim;
	return f->pseudonym ? f->pseudonym : "withheld";
}

enum rcx_result incident_notify_compose(const struct incident_notify_facts *f, enum incident_notify_kind kind,
					const char *country, char **ret_subject, char **ret_body)
{
	if (!f || kind >= INCIDENT_NOTIFY_KIND_MAX || (kind != INCIDENT_NOTIFY_OWNER && !country))
		return RCX_EINVAL;
	struct rcx_strbuf subj = RCX_STRBUF_INIT(RCX_NOTIFY_MESSAGE_MAX), body = RCX_STRBUF_INIT(RCX_NOTIFY_MESSAGE_MAX);
	const char *owner = f->owner_name ? f->owner_name : "the owning organisation";
	const char *node = f->node_name ? f->node_name : "rcx";
	long long id = (long long)f->id;
	char tlp[16];
	upper_tlp(f->tlp, tlp);
	enum rcx_result r = RCX_OK;
	switch (kind) {
	case INCIDENT_NOTIFY_OWNER: {
		bool text = tlp_clear_text(f->tlp);
		if (text && f->title)
			r = rcx_strbuf_printf(&subj, "[rcx] New incident #%lld: %s", id, f->title);
		else
			r = rcx_strbuf_printf(&subj, "[rcx] New incident #%lld (TLP:%s)", id, tlp);
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body, "A new incident was reported to %s on %s.\n\n", owner, node);
		if (r == RCX_OK)
			r = put_fields(&body, f);
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body, "Affected:  %s\n",
					      !f->victim ? "unknown" : text ? f->victim : f->pseudonym ? f->pseudonym : "withheld");
		if (r == RCX_OK && text)
			r = rcx_strbuf_printf(&body, "\nTitle: %s\n\n%s%s", f->title ? f->title : "",
					      f->description ? f->description : "", f->description ? "\n" : "");
		if (r == RCX_OK && !text)
			r = rcx_strbuf_printf(&body, "\nThe incident is TLP:%s: its text is not sent by e-mail.\n", tlp);
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body, "\nRead and triage it in rcx: rcx incident show %lld\n", id);
		break;
	}
	case INCIDENT_NOTIFY_FOREIGN:
		r = rcx_strbuf_printf(&subj, "[rcx] Incident #%lld of %s concerns %s", id, owner, country);
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body, "%s handles incident #%lld on %s; it concerns your country (%s).\n\n",
					      owner, id, node, country);
		if (r == RCX_OK)
			r = put_fields(&body, f);
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body, "Victim:    %s%s\n", victim_for_foreign(f),
					      f->victim && victim_for_foreign(f) == f->pseudonym ? " (pseudonym)" : "");
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body,
					      "\nThe title, the description and the observables are not sent by e-mail.\n"
					      "Your organisation may read the incident in rcx, where the sharing rules\n"
					      "apply: rcx incident show %lld\n",
					      id);
		break;
	case INCIDENT_NOTIFY_FOREIGN_BLIND:
		r = rcx_strbuf_printf(&subj, "[rcx] An incident concerning %s exists (#%lld at %s)", country, id, owner);
		if (r == RCX_OK)
			r = rcx_strbuf_printf(&body,
					      "%s handles an incident that concerns your country (%s): incident #%lld\n"
					      "on %s.\n\n"
					      "It is not shared with your organisation, so this message says nothing more\n"
					      "about it. To request access, ask %s to share incident #%lld with your\n"
					      "organisation (by naming it as a recipient or through a sharing group).\n",
					      owner, country, id, node, owner, id);
		break;
	default: r = RCX_EINVAL;
	}
	if (r == RCX_OK)
		r = rcx_strbuf_puts(&body, "\n-- \nThis message was sent by rcx, the Regional Cyber Exchange.\n");
	if (r != RCX_OK) {
		rcx_strbuf_free(&subj);
		rcx_strbuf_free(&body);
		return r;
	}
	*ret_subject = rcx_strbuf_steal(&subj);
	*ret_body = rcx_strbuf_steal(&body);
	return *ret_subject && *ret_body ? RCX_OK : RCX_ENOMEM;
}

/* ---- queuing ---- */

static enum rcx_result queue_one(struct store *s, const struct rcpt *to, int64_t id, const char *subject,
				 const char *body)
{
	struct store_outbox_msg m = {.org = to->org, .address = to->addr, .subject = subject, .body = body, .incident = id};
	return store_outbox_put(s, &m, NULL);
}

/* Queues one message per recipient of set, composed per organisation (kind decided per org). */
static enum rcx_result queue_set(struct store *s, const struct incident_notify *n, const struct facts_copy *fc,
				 const struct rcpt_set *set, bool owner)
{
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; r == RCX_OK && i < set->n; i++) {
		const struct rcpt *to = &set->items[i];
		enum incident_notify_kind kind = INCIDENT_NOTIFY_OWNER;
		if (!owner)
			kind = n->may_see && n->may_see(n->ctx, s, to->org, fc->f.id) ? INCIDENT_NOTIFY_FOREIGN
										  : INCIDENT_NOTIFY_FOREIGN_BLIND;
		char *subject = NULL, *body = NULL;
		r = incident_notify_compose(&fc->f, kind, owner ? NULL : to->cc, &subject, &body);
		if (r == RCX_OK)
			r = queue_one(s, to, fc->f.id, subject, body);
		free(subject);
		free(body);
	}
	return r;
}

static enum rcx_result queue_country(struct store *s, const struct incident_notify *n, const struct facts_copy *fc,
				     const char *cc)
{
	struct rcpt_set *set = calloc(1, sizeof(*set));
	if (!set)
		return RCX_ENOMEM;
	struct cert_find find = {set, cc, fc->owner};
	enum rcx_result r = store_org_list(s, cert_row, &find);
	if (r == RCX_OK)
		r = queue_set(s, n, fc, set, false);
	free(set);
	return r;
}

enum rcx_result incident_notify_created(struct store *s, const struct incident_notify *n, int64_t id)
{
	struct facts_copy fc;
	struct store_org o;
	if (!n)
		return RCX_OK;
	enum rcx_result r = facts_load(s, n, id, &fc);
	if (r != RCX_OK)
		return r;
	struct rcpt_set *set = calloc(1, sizeof(*set));
	if (!set) {
		facts_free(&fc);
		return RCX_ENOMEM;
	}
	if (fc.owner && store_org_get_id(s, fc.owner, &o) == RCX_OK)
		contacts_pick(set, fc.owner, fc.owner_cc, o.contacts);
	r = queue_set(s, n, &fc, set, true);
	free(set);
	/* every listed country other than the owner's */
	const char *c = fc.f.countries;
	while (r == RCX_OK && c && *c) {
		const char *end = strchr(c, ',');
		size_t len = end ? (size_t)(end - c) : strlen(c);
		char cc[3] = "";
		if (len == 2) {
			memcpy(cc, c, 2);
			if (strcasecmp(cc, fc.owner_cc))
				r = queue_country(s, n, &fc, cc);
		}
		c = end ? end + 1 : NULL;
	}
	facts_free(&fc);
	return r;
}

enum rcx_result incident_notify_cross_border(struct store *s, const struct incident_notify *n, int64_t id,
					     const char *country)
{
	struct facts_copy fc;
	if (!n)
		return RCX_OK;
	if (!country || strlen(country) != 2)
		return RCX_EINVAL;
	enum rcx_result r = facts_load(s, n, id, &fc);
	if (r != RCX_OK)
		return r;
	if (strcasecmp(country, fc.owner_cc))
		r = queue_country(s, n, &fc, country);
	facts_free(&fc);
	return r;
}

/* ---- the RFC 5322 message ---- */

static bool header_ok(const char *s)
{
	return s && !strpbrk(s, "\r\n<>");
}

static bool ascii_printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* Subject as is when printable ASCII, else RFC 2047 encoded words (base64, at most 39 bytes of
 * UTF-8 each: lines stay under 78 characters; never splitting a character), folded one per line. */
static enum rcx_result put_subject(struct rcx_strbuf *b, const char *subject)
{
	size_t len = strlen(subject);
	if (ascii_printable(subject) && len <= 900)
		return rcx_strbuf_printf(b, "Subject: %s\r\n", subject);
	enum rcx_result r = rcx_strbuf_puts(b, "Subject:");
	for (size_t i = 0; r == RCX_OK && i < len;) {
		size_t n = len - i < 39 ? len - i : 39;
		while (n > 0 && i + n < len && ((unsigned char)subject[i + n] & 0xC0) == 0x80)
			n--; /* back off to a character boundary */
		if (n == 0)
			n = len - i < 39 ? len - i : 39;
		r = rcx_strbuf_puts(b, i ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?");
		if (r == RCX_OK)
			r = rcx_base64_put(b, (const uint8_t *)subject + i, n);
		if (r == RCX_OK)
			r = rcx_strbuf_puts(b, "?=");
		i += n;
	}
	return r == RCX_OK ? rcx_strbuf_puts(b, "\r\n") : r;
}

/* Quoted-printable (RFC 2045) of UTF-8 text with LF or CRLF lines: output lines of at most 76
 * characters, CRLF, trailing blanks and a leading '.' encoded. */
static enum rcx_result put_qp(struct rcx_strbuf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	enum rcx_result r = RCX_OK;
	for (const char *p = text; r == RCX_OK && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '\r' && p[1] == '\n')
			continue;
		if (c == '\n') {
			r = rcx_strbuf_puts(b, "\r\n");
			col = 0;
			continue;
		}
		bool line_end = p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n');
		bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !line_end);
		if (c == '.' && col == 0)
			literal = false;
		char tok[4] = {(char)c, 0, 0, 0};
		size_t n = 1;
		if (!literal) {
			tok[0] = '=';
			tok[1] = hex[c >> 4];
			tok[2] = hex[c & 15];
			n = 3;
		}
		if (col + n > 75) {
			r = rcx_strbuf_puts(b, "=\r\n");
			col = 0;
			if (r == RCX_OK && c == '.') { /* now at a line start */
				tok[0] = '=', tok[1] = '2', tok[2] = 'E';
				n = 3;
			}
		}
		if (r == RCX_OK)
			r = rcx_strbuf_append(b, tok, n);
		col += n;
	}
	return r;
}

static enum rcx_result put_date(struct rcx_strbuf *b, int64_t now_us)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t t = (time_t)(now_us / 1000000);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return RCX_EINVAL;
	return rcx_strbuf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
				 months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

enum rcx_result incident_notify_message(const char *from, const struct store_outbox_msg *m, int64_t now_us,
					char **ret_text)
{
	if (!m || !address_ok(from) || !address_ok(m->address) || !header_ok(from) || !header_ok(m->address) ||
	    !m->subject || !m->body)
		return RCX_EINVAL;
	struct rcx_strbuf b = RCX_STRBUF_INIT(RCX_NOTIFY_MESSAGE_MAX);
	uint8_t rnd[8];
	char rhex[17];
	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(rhex, sizeof(rhex), rnd, sizeof(rnd));
	enum rcx_result r = put_date(&b, now_us);
	if (r == RCX_OK)
		r = rcx_strbuf_printf(&b, "Message-ID: <rcx.%lld.%s%s>\r\nFrom: %s\r\nTo: %s\r\n", (long long)m->id, rhex,
				      strchr(from, '@'), from, m->address);
	if (r == RCX_OK)
		r = put_subject(&b, m->subject);
	if (r == RCX_OK)
		r = rcx_strbuf_puts(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
					"Content-Transfer-Encoding: quoted-printable\r\nAuto-Submitted: auto-generated\r\n");
	if (r == RCX_OK && m->incident)
		r = rcx_strbuf_printf(&b, "X-Rcx-Incident: %lld\r\n", (long long)m->incident);
	if (r == RCX_OK)
		r = rcx_strbuf_puts(&b, "\r\n");
	if (r == RCX_OK)
		r = put_qp(&b, m->body);
	if (r == RCX_OK && (b.len < 2 || strcmp(b.data + b.len - 2, "\r\n")))
		r = rcx_strbuf_puts(&b, "\r\n");
	if (r != RCX_OK) {
		rcx_strbuf_free(&b);
		return r;
	}
	*ret_text = rcx_strbuf_steal(&b);
	return *ret_text ? RCX_OK : RCX_ENOMEM;
}

/* ---- SMTP ---- */

static bool yes(const char *v)
{
	return v && (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"));
}

static char *read_password(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, RCX_NOTIFY_PASSWORD_MAX + 1);
	size_t n = buf ? fread(buf, 1, RCX_NOTIFY_PASSWORD_MAX, f) : 0;
	fclose(f);
	if (!buf)
		return NULL;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

enum rcx_result incident_smtp_load(struct rcx_config *cfg, struct incident_smtp *ret_smtp, char **ret_why)
{
	const char *host = rcx_config_get(cfg, "smtp", "host");
	const char *port = rcx_config_get(cfg, "smtp", "port");
	const char *from = rcx_config_get(cfg, "smtp", "from");
	const char *user = rcx_config_get(cfg, "smtp", "user");
	const char *pwfile = rcx_config_path(cfg, "smtp", "password_file");
	int64_t p = 25;
	if (!host || !*host)
		return RCX_ENOTFOUND;
	const char *bad = NULL;
	if (strpbrk(host, "/@ \t"))
		bad = "[smtp] host: a host name or address";
	else if (port && (rcx_parse_i64(port, strlen(port), &p) != RCX_OK || p <= 0 || p > 65535))
		bad = "[smtp] port: a number from 1 to 65535";
	else if (!from || !address_ok(from))
		bad = "[smtp] from: the sender's e-mail address is required";
	else if (user && !pwfile)
		bad = "[smtp] user needs password_file";
	if (bad) {
		if (ret_why)
			*ret_why = strdup(bad);
		return RCX_ECONFIG;
	}
	struct incident_smtp c = {0};
	bool v6 = strchr(host, ':') != NULL;
	if (asprintf(&c.url, "%s://%s%s%s:%lld", yes(rcx_config_get(cfg, "smtp", "tls")) ? "smtps" : "smtp",
		     v6 ? "[" : "", host, v6 ? "]" : "", (long long)p) < 0)
		c.url = NULL;
	c.from = strdup(from);
	c.user = user ? strdup(user) : NULL;
	c.password = pwfile ? read_password(pwfile) : NULL;
	c.starttls = yes(rcx_config_get(cfg, "smtp", "starttls"));
	if (!c.url || !c.from || (user && !c.user) || (pwfile && !c.password)) {
		bool pw = pwfile && !c.password && c.url && c.from;
		incident_smtp_free(&c);
		if (pw) {
			if (ret_why && asprintf(ret_why, "[smtp] password_file: cannot read %s", pwfile) < 0)
				*ret_why = NULL;
			return RCX_ECONFIG;
		}
		return RCX_ENOMEM;
	}
	*ret_smtp = c;
	return RCX_OK;
}

void incident_smtp_free(struct incident_smtp *smtp)
{
	if (!smtp)
		return;
	free(smtp->url);
	free(smtp->from);
	free(smtp->user);
	if (smtp->password) {
		sodium_memzero(smtp->password, strlen(smtp->password));
		free(smtp->password);
	}
	memset(smtp, 0, sizeof(*smtp));
}

struct upload {
	const char *p;
	size_t left;
};

static size_t upload_read(char *buf, size_t size, size_t nitems, void *ud)
{
	struct upload *u = ud;
	size_t n = size * nitems < u->left ? size * nitems : u->left;
	memcpy(buf, u->p, n);
	u->p += n;
	u->left -= n;
	return n;
}

/* Delivers message to `to`; on failure *ret_error (malloc'd) says why. */
static enum rcx_result smtp_send(const struct incident_smtp *c, const char *to, const char *message, char **ret_error)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	char from[RCX_NOTIFY_ADDRESS_MAX + 2], rcpt[RCX_NOTIFY_ADDRESS_MAX + 2];
	snprintf(from, sizeof(from), "<%s>", c->from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	CURL *h = curl_easy_init();
	struct curl_slist *rcpts = curl_slist_append(NULL, rcpt);
	if (!h || !rcpts) {
		curl_easy_cleanup(h);
		curl_slist_free_all(rcpts);
		return RCX_ENOMEM;
	}
	struct upload u = {message, strlen(message)};
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpts);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(h, CURLOPT_READDATA, &u);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, RCX_NOTIFY_SMTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, RCX_NOTIFY_SMTP_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	if (c->starttls)
		curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (c->user) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, c->password ? c->password : "");
	}
	CURLcode cc = curl_easy_perform(h);
	long code = 0;
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	curl_slist_free_all(rcpts);
	if (cc == CURLE_OK)
		return RCX_OK;
	if (ret_error && asprintf(ret_error, "smtp %ld: %s", code, errbuf[0] ? errbuf : curl_easy_strerror(cc)) < 0)
		*ret_error = NULL;
	return RCX_EIO;
}

/* ---- draining the outbox ---- */

int64_t incident_notify_backoff(int64_t attempts)
{
	int64_t wait = RCX_NOTIFY_BACKOFF_BASE_US;
	for (int64_t i = 1; i < attempts && wait < RCX_NOTIFY_BACKOFF_MAX_US; i++)
		wait *= 2;
	return wait < RCX_NOTIFY_BACKOFF_MAX_US ? wait : RCX_NOTIFY_BACKOFF_MAX_US;
}

struct due {
	struct store_outbox_msg *m; /* strings owned */
	size_t n, cap;
};

static enum rcx_result due_row(void *ctx, const struct store_outbox_msg *m)
{
	struct due *d = ctx;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct store_outbox_msg *p = realloc(d->m, cap * sizeof(*p));
		if (!p)
			return RCX_ENOMEM;
		d->m = p;
		d->cap = cap;
	}
	struct store_outbox_msg c = *m;
	c.address = strdup(m->address);
	c.subject = strdup(m->subject);
	c.body = strdup(m->body);
	c.last_error = NULL;
	if (!c.address || !c.subject || !c.body) {
		free((char *)c.address);
		free((char *)c.subject);
		free((char *)c.body);
		return RCX_ENOMEM;
	}
	d->m[d->n++] = c;
	return RCX_OK;
}

static void due_free(struct due *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free((char *)d->m[i].address);
		free((char *)d->m[i].subject);
		free((char *)d->m[i].body);
	}
	free(d->m);
}

enum rcx_result incident_notify_drain(struct store *s, const struct incident_smtp *smtp, int64_t now_us,
				      bool retry_all, incident_notify_sent_cb on_sent, void *ctx,
				      struct incident_notify_summary *ret_summary)
{
	struct incident_notify_summary sum = {0};
	struct due d = {0};
	if (!smtp || !smtp->url || !smtp->from)
		return RCX_EINVAL;
	if (!now_us)
		now_us = rcx_time_now();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return RCX_ENOMEM;
	enum rcx_result r = store_outbox_list(s, 0, RCX_NOTIFY_DRAIN_MAX, true, retry_all ? 0 : now_us, due_row, &d);
	for (size_t i = 0; r == RCX_OK && i < d.n; i++) {
		struct store_outbox_msg *m = &d.m[i];
		char *text = NULL, *error = NULL;
		enum rcx_result sr = incident_notify_message(smtp->from, m, now_us, &text);
		if (sr == RCX_OK)
			sr = smtp_send(smtp, m->address, text, &error);
		else
			error = strdup("the message could not be composed (bad address?)");
		free(text);
		if (sr == RCX_OK) {
			sum.sent++;
			r = store_outbox_sent(s, m->id, rcx_time_now());
			if (r == RCX_OK && on_sent)
				r = on_sent(ctx, m);
		} else {
			sum.failed++;
			r = store_outbox_failed(s, m->id, error ? error : rcx_result_message(sr),
						now_us + incident_notify_backoff(m->attempts + 1));
		}
		free(error);
	}
	due_free(&d);
	curl_global_cleanup();
	if (r == RCX_OK)
		r = store_outbox_pending(s, &sum.pending);
	if (r != RCX_OK)
		return r;
	*ret_summary = sum;
	return sum.failed ? RCX_EIO : RCX_OK;
}
