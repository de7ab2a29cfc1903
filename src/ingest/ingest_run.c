#include "ingest/ingest_run.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/limits.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "core/time.h"
#include "core/tlp.h"
#include "ingest/ingest.h"

/* ---- dry-run dedup: a set of 64-bit identity fingerprints ----
 * Open addressing with linear probing; 0 marks an empty slot (a zero fingerprint is stored as 1).
 * Grows by doubling at 50% load up to DEDUP_SLOTS_MAX slots; past that, new identities are no
 * longer remembered (counted as new), which bounds memory at 8 bytes × DEDUP_SLOTS_MAX. */
#define DEDUP_SLOTS_MAX (8u * 1024u * 1024u)

struct ingest_dedup {
	uint64_t *slot;
	size_t cap, n;
};

static bool dedup_seen(struct ingest_dedup *d, uint64_t fp)
{
	fp = fp ? fp : 1;
	if (d->n * 2 >= d->cap) {
		if (d->cap >= DEDUP_SLOTS_MAX) {
			for (size_t i = fp & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
				if (d->slot[i] == fp)
					return true;
				if (!d->slot[i])
					return false;
			}
		}
		size_t ncap = d->cap ? d->cap * 2 : 4096;
		uint64_t *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return false;
		for (size_t i = 0; i < d->cap; i++)
			if (d->slot[i])
				for (size_t j = d->slot[i] & (ncap - 1);; j = (j + 1) & (ncap - 1))
					if (!ns[j]) {
						ns[j] = d->slot[i];
						break;
					}
		free(d->slot);
		d->slot = ns;
		d->cap = ncap;
	}
	for (size_t i = fp & (d->cap - 1);; i = (i + 1) & (d->cap - 1)) {
		if (d->slot[i] == fp)
			return true;
		if (!d->slot[i]) {
			d->slot[i] = fp;
			d->n++;
			return false;
		}
	}
}

void ingest_dedup_free(struct ingest_dedup *d)
{
	if (d) {
		free(d->slot);
		free(d);
	}
}

/* ---- the pipeline sink ---- */

struct run {
	struct ingest_sink sink; /* first: the parsers see only this */
	const struct ingest_options *o;
	const struct ingest_format *fmt;
	struct ingest_source src;
	struct ingest_summary sum;
	struct ingest_dedup *dedup;
	struct rcx_arena arena; /* events of the current batch */
	struct rcx_strbuf line; /* --print buffer */
	const char *feed_tlp;   /* default TLP for this feed */
	const char *forced_tlp;
	const char *obs_text;
	int64_t obs_us;
	uint8_t file_id[32];
	bool checkpointing;
	uint64_t resume_line; /* records ending at or before this line were committed by an earlier run */
	uint64_t records_in_batch;
	uint64_t last_line;
	enum rcx_result failure; /* first store failure; stops the run */
	struct event **pending;  /* events of the current record */
	size_t n_pending, cap_pending;
	struct ingest_reader *in;
	uint64_t next_progress;
};

static struct event *sink_event_new(struct ingest_sink *sink)
{
	struct run *r = (struct run *)sink;
	struct event *ev = rcx_arena_alloc(&r->arena, sizeof(*ev));
	event_init(ev, &r->arena);
	if (r->src.feed_name)
		ev->f[EF_FEED_NAME] = r->src.feed_name;
	ev->f[EF_TIME_OBSERVATION] = r->obs_text;
	ev->time_observation_us = r->obs_us;
	return ev;
}

static void finish_event(struct run *r, struct event *ev)
{
	if (!ev->f[EF_CLASSIFICATION_TAXONOMY] || !ev->f[EF_CLASSIFICATION_TYPE])
		event_classify(ev);
	if (r->forced_tlp)
		ev->f[EF_TLP] = r->forced_tlp;
	else if (!ev->f[EF_TLP])
		ev->f[EF_TLP] = r->feed_tlp;
	if (r->o->org)
		ev->f[EF_RCX_ORG] = r->o->org;
	if (r->o->distribution)
		ev->f[EF_RCX_DISTRIBUTION] = r->o->distribution;
	if (r->o->sharing_group)
		ev->f[EF_RCX_SHARING_GROUP] = r->o->sharing_group;
	if (r->o->enrich)
		ingest_enrich_event(r->o->enrich, ev);
	if (r->o->routes && !ev->f[EF_RCX_CONSTITUENCY]) {
		const char *org = ingest_route_event(r->o->routes, ev);
		if (org)
			ev->f[EF_RCX_CONSTITUENCY] = org;
	}
}

/* Events are held until their record ends: only then is the record's line known, and a record
 * committed by an earlier run (line <= resume_line) must be skipped as a whole. */
static enum rcx_result sink_emit(struct ingest_sink *sink, struct event *ev)
{
	struct run *r = (struct run *)sink;
	if (r->failure)
		return r->failure;
	if (r->n_pending == r->cap_pending) {
		size_t cap = r->cap_pending ? r->cap_pending * 2 : 16;
		struct event **p = realloc(r->pending, cap * sizeof(*p));
		if (!p)
			return RCX_ENOMEM;
		r->pending = p;
		r->cap_pending = cap;
	}
	r->pending[r->n_pending++] = ev;
	return RCX_OK;
}

static enum rcx_result process_event(struct run *r, struct event *ev)
{
	bool dup;
	finish_event(r, ev);
	if (r->o->dry_run) {
		uint64_t fp = event_fingerprint(ev);
		if (!r->dedup)
			r->dedup = calloc(1, sizeof(*r->dedup));
		dup = r->dedup && dedup_seen(r->dedup, fp);
	} else {
		enum store_put_status st;
		int64_t id;
		enum rcx_result rc = store_event_put(r->o->store, ev, r->o->window_us, &st, &id);
		if (rc != RCX_OK) {
			r->failure = rc;
			return rc;
		}
		dup = st == STORE_PUT_DUPLICATE;
	}
	if (dup)
		r->sum.duplicates++;
	else
		r->sum.events++;
	if (r->o->print) {
		rcx_strbuf_clear(&r->line);
		if (event_to_json(ev, EVENT_JSON_RAW, &r->line) == RCX_OK) {
			rcx_strbuf_putc(&r->line, '\n');
			fwrite(r->line.data, 1, r->line.len, r->o->print);
		}
	}
	return RCX_OK;
}

static enum rcx_result process_pending(struct run *r, uint64_t line)
{
	enum rcx_result rc = RCX_OK;
	bool already = r->checkpointing && line <= r->resume_line;
	for (size_t i = 0; i < r->n_pending && rc == RCX_OK; i++) {
		if (already)
			r->sum.duplicates++;
		else
			rc = process_event(r, r->pending[i]);
	}
	r->n_pending = 0;
	return rc;
}

static void progress(struct run *r, bool last)
{
	if (!r->o->progress)
		return;
	uint64_t done = r->in->bytes_read, size = r->in->size;
	char bar[41];
	unsigned fill = size ? (unsigned)(done * 40 / (size ? size : 1)) : 0;
	if (fill > 40)
		fill = 40;
	memset(bar, '#', fill);
	memset(bar + fill, '.', 40 - fill);
	bar[40] = '\0';
	fprintf(stderr, "\r[%s] %3u%% %llu records, %llu events, %llu quarantined%s", bar,
		size ? (unsigned)(done * 100 / size) : 0, (unsigned long long)r->sum.read,
		(unsigned long long)r->sum.events, (unsigned long long)r->sum.quarantined, last ? "\n" : "");
}

static enum rcx_result checkpoint(struct run *r, bool complete)
{
	if (!r->checkpointing)
		return RCX_OK;
	struct store_checkpoint cp = {
		.records_done = r->last_line > r->resume_line ? r->last_line : r->resume_line,
		.complete = complete,
		.events = r->sum.events,
		.duplicates = r->sum.duplicates,
		.quarantined = r->sum.quarantined,
	};
	return store_checkpoint_put(r->o->store, r->file_id, r->src.path, &cp);
}

/* Commits the batch at a record boundary and starts the next one. */
static enum rcx_result flush(struct run *r)
{
	if (!r->o->dry_run) {
		enum rcx_result rc = checkpoint(r, false);
		if (rc == RCX_OK)
			rc = store_commit(r->o->store);
		if (rc == RCX_OK)
			rc = store_begin(r->o->store);
		if (rc != RCX_OK) {
			r->failure = rc;
			return rc;
		}
	}
	rcx_arena_reset(&r->arena);
	r->records_in_batch = 0;
	return RCX_OK;
}

static enum rcx_result record_done(struct run *r, uint64_t line)
{
	r->sum.read++;
	if (line > r->last_line)
		r->last_line = line;
	/* The record's events are stored (or printed) by now: their memory can go long before the
	 * transaction ends, so memory stays small while commits stay large. */
	if (++r->records_in_batch % RCX_INGEST_ARENA_RECORDS == 0)
		rcx_arena_reset(&r->arena);
	if (r->records_in_batch >= RCX_INGEST_BATCH)
		return flush(r);
	if (r->o->progress && r->sum.read >= r->next_progress) {
		r->next_progress = r->sum.read + 65536;
		progress(r, false);
	}
	return RCX_OK;
}

static enum rcx_result sink_record_end(struct ingest_sink *sink, uint64_t line)
{
	struct run *r = (struct run *)sink;
	if (r->failure)
		return r->failure;
	enum rcx_result rc = process_pending(r, line);
	if (rc != RCX_OK)
		return rc;
	return record_done(r, line);
}

static enum rcx_result sink_reject(struct ingest_sink *sink, uint64_t line, const char *reason, const char *raw,
				   size_t raw_len, size_t raw_total)
{
	struct run *r = (struct run *)sink;
	if (r->failure)
		return r->failure;
	/* events a parser emitted before giving up on the record are dropped with it */
	r->n_pending = 0;
	bool already = r->checkpointing && line <= r->resume_line;
	if (!already) {
		r->sum.quarantined++;
		if (!r->o->dry_run) {
			/* parsers quote input in their reasons: make it text once, for every reader of quarantine */
			char why[INGEST_ERROR_MAX];
			rcx_utf8_clean(why, sizeof(why), reason, strlen(reason));
			struct store_quarantine q = {
				.file = r->src.path,
				.line = line,
				.feed = r->src.feed_name,
				.reason = why,
				.raw = raw,
				.raw_len = raw_len < RCX_QUARANTINE_RAW_MAX ? raw_len : RCX_QUARANTINE_RAW_MAX,
				.raw_total = raw_total > raw_len ? raw_total : raw_len,
				.time_us = r->obs_us,
			};
			enum rcx_result rc = store_quarantine_put(r->o->store, &q);
			if (rc != RCX_OK) {
				r->failure = rc;
				return rc;
			}
		}
	}
	return record_done(r, line);
}


static enum rcx_result hash_fd(crypto_generichash_state *st, int fd, uint8_t *buf)
{
	for (;;) {
		ssize_t n = read(fd, buf, RCX_READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return RCX_EIO;
		if (n == 0)
			return RCX_OK;
		crypto_generichash_update(st, buf, (size_t)n);
	}
}

/* The file's identity for checkpoints: its content plus how it is read. */
static enum rcx_result file_identity(const char *path, const struct run *r, uint8_t ret_id[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return RCX_EIO;
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, 32);
	const char *parts[] = {r->fmt->name, r->src.report_type ? r->src.report_type : "",
			       r->src.feed_name ? r->src.feed_name : "", r->src.map_path ? r->src.map_path : ""};
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		crypto_generichash_update(&st, (const uint8_t *)parts[i], strlen(parts[i]) + 1);
	uint8_t *buf = malloc(RCX_READ_CHUNK);
	if (!buf) {
		close(fd);
		return RCX_ENOMEM;
	}
	enum rcx_result rc = hash_fd(&st, fd, buf);
	close(fd);
	/* a corrected column map makes the same file a different ingest */
	if (rc == RCX_OK && r->src.map_path) {
		int mfd = open(r->src.map_path, O_RDONLY | O_CLOEXEC);
		if (mfd >= 0) {
			rc = hash_fd(&st, mfd, buf);
			close(mfd);
		}
	}
	free(buf);
	if (rc == RCX_OK)
		crypto_generichash_final(&st, ret_id, 32);
	return rc;
}

static const char *feed_tlp_for(const struct ingest_options *o, const struct ingest_format *fmt, const char *feed)
{
	char section[RCX_FIELD_NAME_MAX + 8];
	snprintf(section, sizeof(section), "feed %s", feed ? feed : fmt->name);
	const char *v = rcx_config_get(o->config, section, "tlp");
	enum rcx_tlp t;
	if (v && rcx_tlp_parse(v, strlen(v), &t) == RCX_OK)
		return rcx_tlp_name(t);
	snprintf(section, sizeof(section), "feed %s", fmt->name);
	v = rcx_config_get(o->config, section, "tlp");
	if (v && rcx_tlp_parse(v, strlen(v), &t) == RCX_OK)
		return rcx_tlp_name(t);
	return rcx_tlp_name(fmt->tlp);
}

enum rcx_result ingest_run_file(const struct ingest_options *o, const char *path, struct ingest_dedup **dedup,
				struct ingest_summary *sum, char **ret_error)
{
	struct ingest_reader in;
	struct run r;
	char *error = NULL;
	enum rcx_result rc;

	memset(&r, 0, sizeof(r));
	rc = ingest_reader_open(&in, path);
	if (rc != RCX_OK) {
		error = rcx_strdup_printf("%s: %s", path, rc == RCX_ENOTFOUND ? "no such file" : strerror(errno));
		goto out_noreader;
	}
	r.in = &in;
	if (o->format) {
		r.fmt = ingest_format_find(o->format);
		if (!r.fmt) {
			rc = RCX_EUNSUPPORTED;
			error = rcx_strdup_printf("unknown format '%s'", o->format);
			goto out;
		}
	} else {
		/* Peek at the head without consuming it: a separate small read of the file. */
		char head[4096];
		size_t hn = 0;
		if (strcmp(path, "-") != 0) {
			int fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd >= 0) {
				ssize_t n = read(fd, head, sizeof(head));
				hn = n > 0 ? (size_t)n : 0;
				close(fd);
			}
		}
		r.fmt = ingest_format_detect(path, head, hn);
		if (!r.fmt) {
			rc = RCX_EUNSUPPORTED;
			error = rcx_strdup_printf("%s: cannot tell the format; give --format", path);
			goto out;
		}
	}
	r.o = o;
	r.dedup = *dedup;
	r.sink.event_new = sink_event_new;
	r.sink.emit = sink_emit;
	r.sink.reject = sink_reject;
	r.sink.record_end = sink_record_end;
	r.src.path = path;
	r.src.feed_name = o->feed_name ? o->feed_name : r.fmt->feed_name;
	r.src.report_type = o->report_type;
	r.src.map_path = o->map_path;
	r.src.config = o->config;
	char parse_error[INGEST_ERROR_MAX] = "";
	r.src.error = parse_error;
	r.feed_tlp = feed_tlp_for(o, r.fmt, o->feed_name);
	if (o->tlp) {
		enum rcx_tlp t;
		if (rcx_tlp_parse(o->tlp, strlen(o->tlp), &t) != RCX_OK) {
			rc = RCX_EINVAL;
			error = rcx_strdup_printf("unknown TLP label '%s' (clear, green, amber, amber+strict, red)", o->tlp);
			goto out;
		}
		r.forced_tlp = rcx_tlp_name(t);
	}
	r.obs_us = rcx_time_now() / 1000000 * 1000000;
	char obs[RCX_TIME_BUF];
	rcx_time_format(r.obs_us, obs);
	r.obs_text = obs;

	if (!o->dry_run) {
		if (strcmp(path, "-") != 0) {
			rc = file_identity(path, &r, r.file_id);
			if (rc != RCX_OK) {
				error = rcx_strdup_printf("%s: cannot read", path);
				goto out;
			}
			struct store_checkpoint cp;
			rc = store_checkpoint_get(o->store, r.file_id, &cp);
			if (rc == RCX_OK)
				r.resume_line = cp.complete ? UINT64_MAX : cp.records_done;
			else if (rc != RCX_ENOTFOUND)
				goto store_fail;
			r.checkpointing = true;
		}
		rc = store_begin(o->store);
		if (rc != RCX_OK)
			goto store_fail;
	}
	rc = r.fmt->parse(&r.src, &in, &r.sink);
	if (rc == RCX_OK && r.n_pending) /* a parser that did not end its last record */
		rc = sink_record_end(&r.sink, in.lineno);
	if (rc == RCX_OK && r.failure)
		rc = r.failure;
	if (!o->dry_run) {
		if (rc == RCX_OK && r.resume_line != UINT64_MAX)
			rc = checkpoint(&r, true);
		if (rc == RCX_OK) {
			rc = store_commit(o->store);
		} else {
			store_rollback(o->store);
		}
		if (rc != RCX_OK && !error && (rc == RCX_ESTORE || r.failure))
			goto store_fail;
	}
	if (rc != RCX_OK && !error)
		error = rcx_strdup_printf("%s: %s (format %s)", path, parse_error[0] ? parse_error : rcx_result_message(rc),
			       r.fmt->name);
	progress(&r, true);
	goto out;
store_fail:
	error = rcx_strdup_printf("%s: the store failed: %s", path, rcx_result_message(rc));
out:
	ingest_reader_close(&in);
out_noreader:
	*dedup = r.dedup;
	sum->read += r.sum.read;
	sum->events += r.sum.events;
	sum->duplicates += r.sum.duplicates;
	sum->quarantined += r.sum.quarantined;
	rcx_arena_free(&r.arena);
	rcx_strbuf_free(&r.line);
	free(r.pending);
	if (error) {
		if (ret_error)
			*ret_error = error;
		else
			free(error);
	}
	return rc;
}
