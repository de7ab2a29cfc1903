#include "core/result.h"

static const struct {
	const char *code;
	const char *message;
	int exit_code;
} results[RCX_RESULT_MAX] = {
	[RCX_OK] = {"ok", "success", 0},
	[RCX_EINVAL] = {"invalid_argument", "invalid argument", 2},
	[RCX_EPARSE] = {"parse_error", "input could not be parsed", 3},
	[RCX_ELIMIT] = {"limit_exceeded", "a size or count limit was exceeded", 4},
	[RCX_ENOMEM] = {"out_of_memory", "out of memory", 5},
	[RCX_EIO] = {"io_error", "input/output error", 6},
	[RCX_ENOTFOUND] = {"not_found", "not found", 7},
	[RCX_EEXIST] = {"already_exists", "already exists", 8},
	[RCX_EDENIED] = {"denied", "permission denied", 9},
	[RCX_ESTORE] = {"store_error", "database error", 10},
	[RCX_ECONFIG] = {"config_error", "invalid configuration", 11},
	[RCX_EUNSUPPORTED] = {"unsupported", "not supported", 12},
};

const char *rcx_result_code(enum rcx_result r)
{
	return (unsigned)r < RCX_RESULT_MAX ? results[r].code : "unknown";
}

const char *rcx_result_message(enum rcx_result r)
{
	return (unsigned)r < RCX_RESULT_MAX ? results[r].message : "unknown error";
}

int rcx_result_exit(enum rcx_result r)
{
	return (unsigned)r < RCX_RESULT_MAX ? results[r].exit_code : 1;
}
