/* Files some harnesses need on disk (the Shadowserver mapping file, the CSV column map, enrichment
 * data): a private temporary directory, written at start-up and removed at exit. The contents are
 * small, synthetic, and ours. */
#pragma once
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Creates $TMPDIR/rcx-fuzz.XXXXXX into buf. */
static inline bool fuzz_files_dir(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	int n = snprintf(buf, size, "%s/rcx-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return n > 0 && (size_t)n < size && mkdtemp(buf) != NULL;
}

static inline bool fuzz_file_write_n(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

static inline bool fuzz_file_write(const char *path, const char *text)
{
	return fuzz_file_write_n(path, text, strlen(text));
}

/* Removes the directory and the files in it (no subdirectories are made). */
static inline void fuzz_files_remove(const char *dir)
{
	if (!*dir)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	char path[512];
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

/* A mapping file in the shape of Shadowserver's intelmq.json: three made-up report types that use the
 * common conversions. The report type is the key and its file_name. */
#define FUZZ_SHADOWSERVER_TYPES 3
static const char *const fuzz_shadowserver_types[FUZZ_SHADOWSERVER_TYPES] = {
	"scan_example", "event4_example", "blocklist_example",
};
static const char fuzz_shadowserver_schema[] =
	"{\n"
	" \"_meta\": {\"date_created\": \"2024-01-01T00:00:00Z\", \"change_log\": [\"fuzz schema\"]},\n"
	" \"scan_example\": {\n"
	"  \"constant_fields\": {\"classification.identifier\": \"example-scan\",\n"
	"   \"classification.taxonomy\": \"vulnerable\", \"classification.type\": \"vulnerable-system\",\n"
	"   \"protocol.application\": \"example\"},\n"
	"  \"feed_name\": \"Example-Scan\", \"file_name\": \"scan_example\",\n"
	"  \"required_fields\": [[\"time.source\", \"timestamp\", \"add_UTC_to_timestamp\"],\n"
	"   [\"source.ip\", \"ip\", \"validate_ip\"], [\"source.port\", \"port\", \"convert_int\"]],\n"
	"  \"optional_fields\": [[\"protocol.transport\", \"protocol\"], [\"source.reverse_dns\", \"hostname\"],\n"
	"   [\"extra.\", \"tag\", \"validate_to_none\"], [\"source.asn\", \"asn\", \"invalidate_zero\"],\n"
	"   [\"source.geolocation.cc\", \"geo\"], [\"source.geolocation.city\", \"city\"],\n"
	"   [\"extra.\", \"naics\", \"invalidate_zero\"], [\"extra.\", \"enabled\", \"convert_bool\"],\n"
	"   [\"extra.\", \"score\", \"convert_float\"], [\"extra.\", \"count\", \"convert_int\"],\n"
	"   [\"extra.source.sector\", \"sector\", \"validate_to_none\"],\n"
	"   [\"extra.\", \"vulns\", \"extract_cve_from_tag\"]]\n"
	" },\n"
	" \"event4_example\": {\n"
	"  \"constant_fields\": {\"classification.identifier\": \"example-bot\",\n"
	"   \"classification.taxonomy\": \"malicious-code\", \"classification.type\": \"infected-system\"},\n"
	"  \"feed_name\": \"Example-Sinkhole-Events\", \"file_name\": \"event4_example\",\n"
	"  \"required_fields\": [[\"time.source\", \"timestamp\", \"add_UTC_to_timestamp\"],\n"
	"   [\"source.ip\", \"src_ip\", \"validate_ip\"]],\n"
	"  \"optional_fields\": [[\"source.port\", \"src_port\", \"convert_int\"],\n"
	"   [\"destination.ip\", \"dst_ip\", \"validate_ip\"], [\"destination.port\", \"dst_port\", \"convert_int\"],\n"
	"   [\"destination.fqdn\", \"http_host\", \"validate_fqdn\"], [\"malware.name\", \"infection\"],\n"
	"   [\"destination.url\", \"http_url\", \"convert_http_host_and_url\", true],\n"
	"   [\"source.geolocation.latitude\", \"latitude\", \"convert_float\"],\n"
	"   [\"extra.\", \"first_seen\", \"convert_date\"], [\"extra.\", \"device_model\", \"validate_to_none\"]]\n"
	" },\n"
	" \"blocklist_example\": {\n"
	"  \"constant_fields\": {\"classification.taxonomy\": \"other\", \"classification.type\": \"blacklist\"},\n"
	"  \"feed_name\": \"Example-Blocklist\", \"file_name\": \"blocklist_example\",\n"
	"  \"required_fields\": [[\"time.source\", \"timestamp\", \"add_UTC_to_timestamp\"]],\n"
	"  \"optional_fields\": [[\"source.ip\", \"ip\", \"validate_ip\"],\n"
	"   [\"source.network\", \"network\", \"validate_network\"], [\"source.asn\", \"asn\", \"invalidate_zero\"],\n"
	"   [\"classification.identifier\", \"reason\"], [\"extra.\", \"source\", \"validate_to_none\"]]\n"
	" }\n"
	"}\n";

/* Column maps for the generic csv format (docs/ingest-csv-map.md): numbered columns with a range,
 * named columns under a header, and a fixed column count with epoch times. */
#define FUZZ_CSV_MAPS 3
static const char *const fuzz_csv_maps[FUZZ_CSV_MAPS] = {
	"# 0: comma, numbered columns\n"
	"delimiter = comma\n"
	"null = NA\n"
	"null = -\n"
	"const classification.type = scanner\n"
	"translate classification.type bot = infected-system\n"
	"column 1 = time.source\n"
	"column 2 = source.ip\n"
	"column 3 = source.port?\n"
	"column 4..-3 = source.as_name\n"
	"column -2 = classification.type\n"
	"column -1 = extra.note\n",

	"# 1: pipe, header with named columns\n"
	"delimiter = pipe\n"
	"header = yes\n"
	"comment = #;\n"
	"trim = no\n"
	"const feed.accuracy = 90\n"
	"const classification.type = malware-distribution\n"
	"column url = source.url\n"
	"column ip = source.ip?\n"
	"column seen = time.source\n"
	"column asn = source.asn\n",

	"# 2: tab, four columns, epoch milliseconds\n"
	"delimiter = tab\n"
	"columns = 4\n"
	"time_format = epoch_ms\n"
	"comment = none\n"
	"column 1 = time.source\n"
	"column 2 = source.fqdn\n"
	"column 3 = destination.ip\n"
	"column 4 = malware.name\n",
};
