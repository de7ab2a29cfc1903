/* rcx pdq match: which entries of hash lists are within a Hamming distance of given hashes
 * (docs/REFERRAL.md, "Matching hashes").
 *   rcx pdq match --list FILE [--list FILE...] [--distance N] [--engine auto|index|scan]
 *                 [HASH... | --hashes FILE | - | --image FILE [--dihedral]...]
 *   rcx pdq match --from-db [--as ORG|EMAIL] ...   (the hash lists in the store that the viewer
 *                 may see, instead of or beside --list files; see cli_pdq_list.c)
 * One JSON line per (query, entry) pair within the distance, for each query in turn, nearest first
 * (then in list and line order). Lists are read whole first: a bad line in one is reported with its
 * file and line number and nothing is matched. Images are hashed in memory and discarded. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "referral/referral_hashlist.h"
#include "referral/referral_index.h"
#include "referral/referral_list.h"
#include "referral/referral_pdq.h"
#include "trust/trust.h"
#include "trust/trust_account.h"

/* Below these the lists are scanned rather than indexed: below some 50,000 hashes a scan is as fast
 * as the index, and building the index costs about as much as a hundred brute-force queries
 * (bench/RESULTS.md, "PDQ similarity index"). */
#define INDEX_ENTRIES_MIN 50000u
#define INDEX_QUERIES_MIN 100u

enum engine { ENGINE_AUTO, ENGINE_INDEX, ENGINE_SCAN };

/* One query hash and where it came from. */
struct query {
	struct referral_hash hash;
	const char *file;      /* --hashes FILE, "-" or --image FILE; NULL for a HASH argument */
	uint64_t line;         /* of a hash list; 0 otherwise */
	int quality;           /* of an image, -1 otherwise */
	const char *dihedral;  /* the variant of an image with --dihedral, else NULL */
};

struct queries {
	struct query *v;
	size_t n, cap;
};

static bool queries_add(struct queries *q, const struct query *one)
{
	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct query *v = realloc(q->v, cap * sizeof(*v));
		if (!v)
			return false;
		q->v = v;
		q->cap = cap;
	}
	q->v[q->n++] = *one;
	return true;
}

/* Reports a list's bad lines; true when there were none. */
static bool list_report(const char *path, const struct referral_list *l)
{
	for (size_t i = 0; i < l->n_kept; i++)
		cli_error("pdq match", "%s:%llu: %s", path, (unsigned long long)l->errors[i].line, l->errors[i].reason);
	if (l->n_errors > l->n_kept)
		cli_error("pdq match", "%s: %llu more bad lines", path, (unsigned long long)(l->n_errors - l->n_kept));
	return l->n_errors == 0;
}

/* Reads a list file (lists and --hashes alike); prints what went wrong. */
static int list_load(const char *path, size_t max_entries, struct referral_list **ret)
{
	struct referral_list_options opt = {.max_entries = max_entries ? max_entries : 1}; /* 0 = the default */
	enum rcx_result r = referral_list_read_file(path, &opt, ret);
	if (r == RCX_OK && max_entries == 0 && (*ret)->n) {
		referral_list_free(*ret);
		*ret = NULL;
		r = RCX_ELIMIT;
	}
	if (r == RCX_ELIMIT)
		cli_error("pdq match", "%s: more than %u hashes in all the lists", path, RCX_REFERRAL_LIST_ENTRIES_MAX);
	else if (r != RCX_OK)
		cli_error("pdq match", "%s: %s", path, r == RCX_EIO ? "cannot be read" : rcx_result_message(r));
	if (r != RCX_OK)
		return rcx_result_exit(r);
	if (!list_report(path, *ret))
		return rcx_result_exit(RCX_EPARSE);
	return 0;
}

/* Hashes an image into one query, or eight with dihedral. */
static int image_queries(struct referral_pdq_work **work, const char *path, bool dihedral, struct queries *qs)
{
	char why[REFERRAL_IMAGE_WHY_MAX] = "";
	uint8_t *data = NULL;
	size_t len = 0;
	struct referral_pdq_result res;
	enum rcx_result rc = RCX_ENOMEM;
	if (*work || (*work = referral_pdq_work_new()))
		rc = referral_image_read_file(path, &data, &len, why);
	if (rc == RCX_OK)
		rc = referral_pdq_compute_bytes(*work, data, len, dihedral, &res, why);
	free(data);
	if (rc != RCX_OK) {
		cli_error("pdq match", "%s: %s", path, why[0] ? why : rcx_result_message(rc));
		return rcx_result_exit(rc);
	}
	if (res.quality < REFERRAL_PDQ_QUALITY_MIN)
		cli_error("pdq match", "%s: quality %d is below %d: its matches are unreliable", path, res.quality,
			  REFERRAL_PDQ_QUALITY_MIN);
	for (int v = 0; v < (dihedral ? REFERRAL_PDQ_DIHEDRAL_MAX : 1); v++) {
		struct query q = {res.hash[v], path, 0, res.quality,
				  dihedral ? referral_pdq_dihedral_name((enum referral_pdq_dihedral)v) : NULL};
		if (!queries_add(qs, &q))
			return rcx_result_exit(RCX_ENOMEM);
	}
	return 0;
}

/* A JSON string of any bytes (invalid UTF-8 read as Latin-1). */
static void put_str(struct rcx_strbuf *b, const char *key, const char *s)
{
	size_t len = strlen(s);
	rcx_strbuf_printf(b, ",\"%s\":", key);
	if (rcx_utf8_valid(s, len)) {
		rcx_json_put_string(b, s, len);
		return;
	}
	char *clean = malloc(len * 2 + 1);
	if (clean) {
		size_t n = rcx_utf8_clean(clean, len * 2 + 1, s, len);
		rcx_json_put_string(b, clean, n);
	}
	free(clean);
}

struct lists {
	const char **path;
	struct referral_list **l;
	size_t *first; /* global id of each list's first entry */
	size_t n;
};

static void print_match(struct rcx_strbuf *b, const struct query *q, const struct lists *ls,
			const struct referral_hash *all, const struct referral_match *m)
{
	size_t li = ls->n - 1;
	while (li > 0 && ls->first[li] > m->id)
		li--;
	const struct referral_list *l = ls->l[li];
	const struct referral_list_entry *e = &l->entries[m->id - ls->first[li]];
	char hex[REFERRAL_HASH_HEX_LEN + 1];
	referral_hash_format(&q->hash, hex);
	rcx_strbuf_printf(b, "{\"query\":\"%s\"", hex);
	if (q->file && q->dihedral) {
		put_str(b, "image", q->file);
		rcx_strbuf_printf(b, ",\"dihedral\":\"%s\",\"query_quality\":%d", q->dihedral, q->quality);
	} else if (q->file && q->quality >= 0) {
		put_str(b, "image", q->file);
		rcx_strbuf_printf(b, ",\"query_quality\":%d", q->quality);
	} else if (q->file) {
		put_str(b, "query_file", q->file);
		rcx_strbuf_printf(b, ",\"query_line\":%llu", (unsigned long long)q->line);
	}
	referral_hash_format(&all[m->id], hex);
	rcx_strbuf_printf(b, ",\"hash\":\"%s\",\"distance\":%u", hex, m->distance);
	put_str(b, "list", ls->path[li]);
	rcx_strbuf_printf(b, ",\"line\":%llu", (unsigned long long)e->line);
	if (e->quality >= 0)
		rcx_strbuf_printf(b, ",\"quality\":%d", e->quality);
	const struct {
		const char *key, *v;
	} meta[] = {{"category", e->category}, {"reference", e->reference}, {"contributed_by", e->contributed_by},
		    {"added", e->added}, {"path", e->path}};
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++)
		if (meta[i].v)
			put_str(b, meta[i].key, meta[i].v);
	rcx_strbuf_puts(b, "}\n");
}

static int nearest_first(const void *a, const void *b)
{
	const struct referral_match *x = a, *y = b;
	if (x->distance != y->distance)
		return x->distance < y->distance ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Answers every query against all (the lists' hashes end to end); prints as it goes. */
static int match_all(const struct queries *qs, const struct lists *ls, const struct referral_hash *all, size_t n,
		     unsigned distance, enum engine engine)
{
	struct referral_index *idx = NULL;
	bool use_index = engine == ENGINE_INDEX ||
			 (engine == ENGINE_AUTO && n >= INDEX_ENTRIES_MIN && qs->n >= INDEX_QUERIES_MIN);
	if (use_index) {
		enum rcx_result r = referral_index_build(all, NULL, n, NULL, &idx);
		if (r != RCX_OK) {
			cli_error("pdq match", "building the index: %s", rcx_result_message(r));
			return rcx_result_exit(r);
		}
	}
	struct referral_matches m = {0};
	struct rcx_strbuf out = RCX_STRBUF_INIT(0);
	enum rcx_result r = RCX_OK;
	for (size_t i = 0; i < qs->n && r == RCX_OK; i++) {
		m.n = 0;
		r = idx ? referral_index_query(idx, &qs->v[i].hash, distance, &m)
			: referral_hashes_scan(all, n, &qs->v[i].hash, distance, &m);
		if (m.n > 1)
			qsort(m.v, m.n, sizeof(m.v[0]), nearest_first);
		for (size_t j = 0; j < m.n && r == RCX_OK; j++)
			print_match(&out, &qs->v[i], ls, all, &m.v[j]);
		if (out.len >= 64 * 1024 || i + 1 == qs->n) {
			if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
				r = RCX_EIO;
			rcx_strbuf_clear(&out);
		}
	}
	if (r == RCX_OK && fflush(stdout) != 0)
		r = RCX_EIO;
	if (r != RCX_OK)
		cli_error("pdq match", "%s", rcx_result_message(r));
	rcx_strbuf_free(&out);
	referral_matches_free(&m);
	referral_index_free(idx);
	return rcx_result_exit(r);
}

/* Loads the store's hash lists that --as (default: the node operator) may see; prints errors. */
static int db_lists(struct cli *cli, const char *as, struct store **ret_store, struct referral_hashlist_set *set)
{
	struct trust_viewer viewer;
	struct store_visibility vis;
	if (cli_store_open(cli, true, ret_store) != RCX_OK)
		return rcx_result_exit(RCX_ESTORE);
	enum rcx_result r = as ? trust_viewer_named(*ret_store, as, &viewer) : RCX_OK;
	if (r != RCX_OK) {
		cli_error("pdq match", "--as %s: %s", as,
			  r == RCX_ENOTFOUND ? "no such organisation or user" : rcx_result_message(r));
		return rcx_result_exit(r);
	}
	if (as)
		trust_store_visibility(&viewer, &vis);
	r = referral_hashlist_load_visible(*ret_store, as ? &vis : NULL, RCX_REFERRAL_LIST_ENTRIES_MAX, set);
	if (r != RCX_OK) {
		cli_error("pdq match", "the store's hash lists: %s", r == RCX_ELIMIT ? "too many entries" : rcx_result_message(r));
		return rcx_result_exit(r);
	}
	return 0;
}

static const char usage[] =
	"usage: rcx pdq match --list FILE [--list FILE...] [--distance N] [--engine auto|index|scan]\n"
	"                     [HASH... | --hashes FILE | - | --image FILE [--dihedral]...]\n"
	"       rcx pdq match --from-db [--as ORG|EMAIL] [--list FILE...] ... (the same queries)\n"
	"Prints one JSON line per list entry within distance N (default 31, 0-256) of each query hash.\n"
	"  --list FILE     a hash list: text (HASH[,QUALITY[,PATH]] or HASH QUALITY PATH a line) or CSV with\n"
	"                  a header (hash,quality,category,reference,contributed_by,added)\n"
	"  --hashes FILE   query hashes from a list file; - reads one from standard input\n"
	"  --image FILE    hash an image (not kept) and match it; --dihedral: its 8 rotations and flips too\n"
	"  --engine E      index (build the similarity index), scan (brute force), auto (by size)\n"
	"  --from-db       also every hash list in the store (rcx pdq list) that --as may see (default: all)\n"
	"Exit status 0 whether or not anything matched.\n";

int cli_pdq_match(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"list", required_argument, NULL, 'l'},   {"distance", required_argument, NULL, 'd'},
		{"hashes", required_argument, NULL, 'H'}, {"image", required_argument, NULL, 'i'},
		{"dihedral", no_argument, NULL, 'D'},     {"engine", required_argument, NULL, 'e'},
		{"from-db", no_argument, NULL, 'F'},      {"as", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	bool from_db = false;
	const char *as = NULL;
	struct store *store = NULL;
	struct referral_hashlist_set set = {0};
	const char **list_paths = calloc((size_t)argc + 1, sizeof(char *)), **hash_files = calloc((size_t)argc + 1,
											      sizeof(char *));
	const char **images = calloc((size_t)argc + 1, sizeof(char *));
	size_t n_lists = 0, n_hash_files = 0, n_images = 0;
	int64_t distance = 31;
	bool dihedral = false;
	enum engine engine = ENGINE_AUTO;
	int c, status = 0;
	struct lists ls = {0};
	struct queries qs = {0};
	struct referral_hash *all = NULL;
	struct referral_pdq_work *work = NULL;
	if (!list_paths || !hash_files || !images) {
		status = rcx_result_exit(RCX_ENOMEM);
		goto out;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': list_paths[n_lists++] = optarg; break;
		case 'H': hash_files[n_hash_files++] = optarg; break;
		case 'i': images[n_images++] = optarg; break;
		case 'D': dihedral = true; break;
		case 'F': from_db = true; break;
		case 'a': as = optarg; break;
		case 'd':
			if (rcx_parse_i64(optarg, strlen(optarg), &distance) != RCX_OK || distance < 0 ||
			    distance > REFERRAL_HASH_BITS) {
				cli_error("pdq match", "--distance: an integer 0 to %d", REFERRAL_HASH_BITS);
				status = 2;
				goto out;
			}
			break;
		case 'e':
			if (!strcmp(optarg, "auto") || !strcmp(optarg, "index") || !strcmp(optarg, "scan")) {
				engine = optarg[0] == 'a' ? ENGINE_AUTO : optarg[0] == 'i' ? ENGINE_INDEX : ENGINE_SCAN;
				break;
			}
			cli_error("pdq match", "--engine: auto, index or scan");
			status = 2;
			goto out;
		case 'h': fputs(usage, stdout); goto out;
		default: fputs(usage, stderr); status = 2; goto out;
		}
	}
	if ((n_lists == 0 && !from_db) || (as && !from_db) || (optind == argc && n_hash_files == 0 && n_images == 0) ||
	    (dihedral && n_images == 0)) {
		fputs(usage, stderr);
		status = 2;
		goto out;
	}
	/* the queries: HASH arguments, list files, images */
	for (int i = optind; i < argc; i++) {
		struct query q = {.quality = -1};
		if (!strcmp(argv[i], "-")) {
			hash_files[n_hash_files++] = "-";
			continue;
		}
		if (referral_hash_parse(argv[i], strlen(argv[i]), &q.hash) != RCX_OK) {
			cli_error("pdq match", "'%s' is not a hash (64 hex digits)", argv[i]);
			status = 2;
			goto out;
		}
		if (!queries_add(&qs, &q)) {
			status = rcx_result_exit(RCX_ENOMEM);
			goto out;
		}
	}
	/* --from-db: the visible lists of the store, matched after the --list files */
	if (from_db && (status = db_lists(cli, as, &store, &set)))
		goto out;
	size_t n_src = n_lists + set.n;
	/* the lists, each read whole and checked before anything is matched */
	if (!(ls.path = calloc(n_src + n_hash_files, sizeof(*ls.path))) ||
	    !(ls.l = calloc(n_src + n_hash_files, sizeof(*ls.l))) || !(ls.first = calloc(n_src + 1, sizeof(*ls.first)))) {
		status = rcx_result_exit(RCX_ENOMEM);
		goto out;
	}
	size_t total = 0;
	for (size_t i = 0; i < n_src + n_hash_files; i++) {
		bool query_file = i >= n_src;
		if (i >= n_lists && !query_file) { /* a store list: handed over from the set */
			ls.path[i] = set.names[i - n_lists];
			ls.l[i] = set.files[i - n_lists];
			set.files[i - n_lists] = NULL;
		} else {
			ls.path[i] = query_file ? hash_files[i - n_src] : list_paths[i];
			size_t later = i < n_lists ? set.entries : 0; /* the store's entries come after */
			if ((status = list_load(ls.path[i], RCX_REFERRAL_LIST_ENTRIES_MAX - total - later, &ls.l[i])))
				goto out;
		}
		if (!query_file) {
			ls.first[i] = total;
			ls.n++;
		}
		total += ls.l[i]->n;
		for (size_t j = 0; query_file && j < ls.l[i]->n; j++) {
			struct query q = {ls.l[i]->hashes[j], ls.path[i], ls.l[i]->entries[j].line, -1, NULL};
			if (!queries_add(&qs, &q)) {
				status = rcx_result_exit(RCX_ENOMEM);
				goto out;
			}
		}
	}
	for (size_t i = 0; i < n_images; i++) {
		int st = image_queries(&work, images[i], dihedral, &qs);
		if (st && !status)
			status = st; /* the other images are still matched */
	}
	size_t n = ls.n ? ls.first[ls.n - 1] + ls.l[ls.n - 1]->n : 0; /* list entries (query files come after) */
	if (!(all = malloc((n ? n : 1) * sizeof(*all)))) {
		status = rcx_result_exit(RCX_ENOMEM);
		goto out;
	}
	for (size_t i = 0; i < ls.n; i++)
		if (ls.l[i]->n)
			memcpy(all + ls.first[i], ls.l[i]->hashes, ls.l[i]->n * sizeof(*all));
	int st = match_all(&qs, &ls, all, n, (unsigned)distance, engine);
	if (st)
		status = st;
out:
	for (size_t i = 0; ls.l && i < n_lists + set.n + n_hash_files; i++)
		referral_list_free(ls.l[i]);
	referral_hashlist_set_free(&set); /* after the lists: their names were the paths */
	store_close(store);
	free(ls.path);
	free(ls.l);
	free(ls.first);
	free(qs.v);
	free(all);
	referral_pdq_work_free(work);
	free(list_paths);
	free(hash_files);
	free(images);
	(void)cli;
	return status;
}
