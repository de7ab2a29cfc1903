#include "core/taxonomy.h"

#include <string.h>
#include <strings.h>

#include "core/text.h"

/* Current RSIT (MISP "rsit" taxonomy) types, plus the IntelMQ types outside RSIT
 * (blacklist, dga-domain, malware, proxy, tor, unknown), which IntelMQ files under "other"
 * or "malicious-code". */
static const struct {
	const char *type;
	const char *taxonomy;
} types[] = {
	{"spam", "abusive-content"},
	{"harmful-speech", "abusive-content"},
	{"violence", "abusive-content"},
	{"infected-system", "malicious-code"},
	{"c2-server", "malicious-code"},
	{"malware-distribution", "malicious-code"},
	{"malware-configuration", "malicious-code"},
	{"malware", "malicious-code"},
	{"scanner", "information-gathering"},
	{"sniffing", "information-gathering"},
	{"social-engineering", "information-gathering"},
	{"ids-alert", "intrusion-attempts"},
	{"brute-force", "intrusion-attempts"},
	{"exploit", "intrusion-attempts"},
	{"privileged-account-compromise", "intrusions"},
	{"unprivileged-account-compromise", "intrusions"},
	{"application-compromise", "intrusions"},
	{"system-compromise", "intrusions"},
	{"burglary", "intrusions"},
	{"dos", "availability"},
	{"ddos", "availability"},
	{"misconfiguration", "availability"},
	{"sabotage", "availability"},
	{"outage", "availability"},
	{"unauthorised-information-access", "information-content-security"},
	{"unauthorised-information-modification", "information-content-security"},
	{"data-loss", "information-content-security"},
	{"data-leak", "information-content-security"},
	{"unauthorised-use-of-resources", "fraud"},
	{"copyright", "fraud"},
	{"masquerade", "fraud"},
	{"phishing", "fraud"},
	{"weak-crypto", "vulnerable"},
	{"ddos-amplifier", "vulnerable"},
	{"potentially-unwanted-accessible", "vulnerable"},
	{"information-disclosure", "vulnerable"},
	{"vulnerable-system", "vulnerable"},
	{"other", "other"},
	{"undetermined", "other"},
	{"blacklist", "other"},
	{"dga-domain", "other"},
	{"proxy", "other"},
	{"tor", "other"},
	{"unknown", "other"},
	{"test", "test"},
};

/* Older spellings → current type. */
static const struct {
	const char *from;
	const char *to;
} type_aliases[] = {
	{"unauthorized-use-of-resources", "unauthorised-use-of-resources"},
	{"unauthorized-information-access", "unauthorised-information-access"},
	{"unauthorized-information-modification", "unauthorised-information-modification"},
	{"botnet drone", "infected-system"},
	{"infected system", "infected-system"},
	{"ransomware", "infected-system"},
	{"c&c", "c2-server"},
	{"c2server", "c2-server"},
	{"malware configuration", "malware-configuration"},
	{"malware distribution", "malware-distribution"},
	{"compromised", "system-compromise"},
	{"backdoor", "system-compromise"},
	{"defacement", "unauthorised-information-modification"},
	{"leak", "data-leak"},
	{"vulnerable service", "vulnerable-system"},
	{"vulnerable client", "vulnerable-system"},
	{"vulnerable-service", "vulnerable-system"},
	{"vulnerable-client", "vulnerable-system"},
	{"ids alert", "ids-alert"},
	{"brute force", "brute-force"},
	{"dropzone", "other"},
	{"application-compromise", "application-compromise"},
	{"account-compromise", "unprivileged-account-compromise"},
	{"scanning", "scanner"},
	{"spammer", "spam"},
	{"harmful speech", "harmful-speech"},
	{"social engineering", "social-engineering"},
	{"unauthorised-use", "unauthorised-use-of-resources"},
	{"ddos amplifier", "ddos-amplifier"},
	{"information disclosure", "information-disclosure"},
	{"weak crypto", "weak-crypto"},
	{"potentially unwanted accessible", "potentially-unwanted-accessible"},
};

static const char *const taxonomies[] = {
	"abusive-content", "malicious-code", "information-gathering", "intrusion-attempts", "intrusions",
	"availability", "information-content-security", "fraud", "vulnerable", "other", "test",
};

/* eCSIRT / ENISA and IntelMQ 1.x spellings of the taxonomy. */
static const struct {
	const char *from;
	const char *to;
} taxonomy_aliases[] = {
	{"abusive content", "abusive-content"},
	{"malicious code", "malicious-code"},
	{"information gathering", "information-gathering"},
	{"intrusion attempts", "intrusion-attempts"},
	{"information content security", "information-content-security"},
	{"information security", "information-content-security"},
	{"vulnerability", "vulnerable"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int eq(const char *a, const char *s, size_t len)
{
	/* first letter before anything else: this runs for every event */
	return rcx_lower(a[0]) == rcx_lower(s[0]) && !strncasecmp(a, s, len) && a[len] == '\0';
}

const char *rcx_taxonomy_type_canonical(const char *s, size_t len)
{
	if (len == 0)
		return NULL;
	for (size_t i = 0; i < COUNT(types); i++)
		if (eq(types[i].type, s, len))
			return types[i].type;
	for (size_t i = 0; i < COUNT(type_aliases); i++)
		if (eq(type_aliases[i].from, s, len))
			return type_aliases[i].to;
	return NULL;
}

const char *rcx_taxonomy_canonical(const char *s, size_t len)
{
	if (len == 0)
		return NULL;
	for (size_t i = 0; i < COUNT(taxonomies); i++)
		if (eq(taxonomies[i], s, len))
			return taxonomies[i];
	for (size_t i = 0; i < COUNT(taxonomy_aliases); i++)
		if (eq(taxonomy_aliases[i].from, s, len))
			return taxonomy_aliases[i].to;
	return NULL;
}

const char *rcx_taxonomy_of_type(const char *type)
{
	for (size_t i = 0; i < COUNT(types); i++)
		if (!strcmp(types[i].type, type))
			return types[i].taxonomy;
	return NULL;
}

const char *rcx_taxonomy_type_at(size_t i)
{
	return i < COUNT(types) ? types[i].type : NULL;
}
