/* Shared by the libFuzzer harnesses: a check that aborts with a message (so libFuzzer records the
 * input as a crash), and small helpers. Harnesses must not print on success: the fuzzer runs them
 * millions of times. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Aborts when cond is false, naming the harness check that failed. */
#define FUZZ_CHECK(cond, ...) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "fuzz check failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__); \
			fputc('\n', stderr); \
			abort(); \
		} \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Lines in s[0..len): newline-terminated ones plus a last one without a newline. */
static inline uint64_t fuzz_count_lines(const char *s, size_t len)
{
	uint64_t n = 0;
	for (const char *p = s, *end = s + len; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	return n;
}

/* Prints s[0..len) to stderr with control and non-ASCII bytes escaped (for check messages). */
static inline void fuzz_dump(const char *label, const char *s, size_t len)
{
	fprintf(stderr, "%s (%zu bytes): \"", label, len);
	for (size_t i = 0; i < len && i < 4096; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs(len > 4096 ? "\"...\n" : "\"\n", stderr);
}
