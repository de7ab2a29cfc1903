/* The one result type of rcx. Every fallible function returns an enum rcx_result;
 * the program layer maps it once to an exit code (rcx_result_exit) and the HTTP
 * layer once to a status and a JSON error body. */
#pragma once

enum rcx_result {
	RCX_OK = 0,
	RCX_EINVAL,       /* caller passed something meaningless */
	RCX_EPARSE,       /* input is not in the expected format */
	RCX_ELIMIT,       /* a named limit from limits.h was exceeded */
	RCX_ENOMEM,       /* allocation failed */
	RCX_EIO,          /* reading or writing a file failed */
	RCX_ENOTFOUND,    /* the named object does not exist */
	RCX_EEXIST,       /* the object already exists */
	RCX_EDENIED,      /* the caller may not do or see this */
	RCX_ESTORE,       /* the store (database) failed */
	RCX_ECONFIG,      /* the configuration is invalid */
	RCX_EUNSUPPORTED, /* a feature or format that is not implemented */
	RCX_RESULT_MAX
};

/* Stable machine code, e.g. "parse_error"; never NULL. */
const char *rcx_result_code(enum rcx_result r);
/* Short human message, e.g. "input could not be parsed"; never NULL. */
const char *rcx_result_message(enum rcx_result r);
/* Process exit code for a result: 0 for RCX_OK, distinct small codes otherwise. */
int rcx_result_exit(enum rcx_result r);
