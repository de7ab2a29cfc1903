/* rcx pdq: PDQ perceptual hashes of images (docs/REFERRAL.md).
 *   rcx pdq hash [--dihedral] [--csv] IMAGE...
 * One line per image on stdout, "<64 hex> <quality> <path>" as the reference pdq-photo-hasher
 * prints it (--csv: its comma-separated form); with --dihedral the eight variants' hashes come
 * first, in the order orig rot90 rot180 rot270 flipx flipy flipplus1 flipminus1. An image that
 * cannot be read or decoded is reported on stderr and skipped; the others are still hashed, and the
 * exit status is then non-zero. "-" reads standard input. Images are hashed and discarded. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "referral/referral_pdq.h"

static int pdq_hash(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"dihedral", no_argument, NULL, 'd'},
		{"csv", no_argument, NULL, 'c'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char usage[] =
		"usage: rcx pdq hash [--dihedral] [--csv] IMAGE...\n"
		"Prints <64 hex> <quality> <path> per image (JPEG, PNG, WebP, GIF; - for standard input).\n"
		"  --dihedral  the 8 dihedral variants' hashes first: orig rot90 rot180 rot270 flipx flipy\n"
		"              flipplus1 flipminus1\n"
		"  --csv       comma-separated, as the reference pdq-photo-hasher prints\n"
		"Quality is 0-100; hashes of quality below 50 are unreliable (ignore them for matching).\n";
	bool dihedral = false;
	char sep = ' ';
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': dihedral = true; break;
		case 'c': sep = ','; break;
		default: fputs(usage, c == 'h' ? stdout : stderr); return c == 'h' ? 0 : 2;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return 2;
	}
	struct referral_pdq_work *work = referral_pdq_work_new();
	if (!work) {
		cli_error("pdq hash", "out of memory");
		return rcx_result_exit(RCX_ENOMEM);
	}
	enum rcx_result first_error = RCX_OK;
	for (int i = optind; i < argc; i++) {
		const char *path = argv[i];
		char why[REFERRAL_IMAGE_WHY_MAX];
		uint8_t *data = NULL;
		size_t len = 0;
		struct referral_pdq_result r;
		enum rcx_result rc = referral_image_read_file(path, &data, &len, why);
		if (rc == RCX_OK)
			rc = referral_pdq_compute_bytes(work, data, len, dihedral, &r, why);
		free(data);
		if (rc != RCX_OK) {
			cli_error("pdq hash", "%s: %s", path, why[0] ? why : rcx_result_message(rc));
			if (first_error == RCX_OK)
				first_error = rc;
			continue;
		}
		int n = dihedral ? REFERRAL_PDQ_DIHEDRAL_MAX : 1;
		for (int v = 0; v < n; v++) {
			char hex[REFERRAL_HASH_HEX_LEN + 1];
			referral_hash_format(&r.hash[v], hex);
			printf("%s%c", hex, sep);
		}
		printf("%d%c%s\n", r.quality, sep, path);
	}
	referral_pdq_work_free(work);
	if (fflush(stdout) != 0 && first_error == RCX_OK)
		first_error = RCX_EIO;
	(void)cli;
	return rcx_result_exit(first_error);
}

/* The subcommands of rcx pdq. Add a row per subcommand; its function goes in its own file
 * (cli_pdq_<name>.c) and is declared in cli.h, e.g. {"match", cli_pdq_match, "..."}. */
static const struct {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *help;
} pdq_commands[] = {
	{"hash", pdq_hash, "PDQ hash and quality of images: <64 hex> <quality> <path>"},
	{"match", cli_pdq_match, "list entries within a distance of hashes or images, as JSON lines"},
	{"list", cli_pdq_list, "hash lists in the store: create, import, export, list, show"},
};

static void pdq_usage(FILE *f)
{
	fputs("usage: rcx pdq COMMAND [ARGS]\n\ncommands:\n", f);
	for (size_t i = 0; i < sizeof(pdq_commands) / sizeof(pdq_commands[0]); i++)
		fprintf(f, "  %-8s %s\n", pdq_commands[i].name, pdq_commands[i].help);
	fputs("\nrcx pdq COMMAND --help shows a command's options.\n", f);
}

int cli_pdq(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		pdq_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(pdq_commands) / sizeof(pdq_commands[0]); i++)
		if (!strcmp(argv[1], pdq_commands[i].name))
			return pdq_commands[i].run(cli, argc - 1, argv + 1);
	cli_error("pdq", "unknown command '%s'", argv[1]);
	pdq_usage(stderr);
	return 2;
}
