/* Squid's native access.log: "time elapsed client code/status bytes method URL user hierarchy/peer
 * type", blank-separated (time is epoch seconds with milliseconds). Reports the client (IP, or ANY
 * for a logged host name), the URL (URL and its host; for CONNECT the "host:port" target as DOMAIN
 * or IP) and the peer of the hierarchy field. Common/combined log formats are not read here. */
#include <string.h>

#include "core/text.h"
#include "match/match_reader_impl.h"

enum { F_TIME, F_ELAPSED, F_CLIENT, F_CODE, F_BYTES, F_METHOD, F_URL, F_USER, F_HIER, F_TYPE, F_MAX };

static enum rcx_result squid_line(struct match_parser *p, const struct match_line *l, int64_t *ret_time_us)
{
	const char *f[F_MAX] = {0};
	size_t fl[F_MAX] = {0};
	const char *s = l->data;
	size_t len = l->len, n = 0;
	const char *tok;
	size_t tl;
	while (n < F_MAX && rcx_next_field(&s, &len, &tok, &tl)) {
		f[n] = tok;
		fl[n++] = tl;
	}
	if (n == 0 || (l->len > 0 && l->data[0] == '#'))
		return RCX_ENOTFOUND;
	int64_t t;
	if (n < F_HIER || !match_epoch_parse(f[F_TIME], fl[F_TIME], &t) || !memchr(f[F_CODE], '/', fl[F_CODE]))
		return RCX_EPARSE;
	*ret_time_us = t;
	enum match_obs_kind ck = match_text_host_kind(f[F_CLIENT], fl[F_CLIENT]);
	if (fl[F_CLIENT] != 1 || f[F_CLIENT][0] != '-')
		match_obs_add(p, ck, "client", f[F_CLIENT], fl[F_CLIENT]);
	if (fl[F_METHOD] == 7 && !memcmp(f[F_METHOD], "CONNECT", 7)) {
		const char *h = f[F_URL], *colon = memrchr(h, ':', fl[F_URL]);
		size_t hl = colon ? (size_t)(colon - h) : fl[F_URL];
		if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
			h++;
			hl -= 2;
		}
		enum match_obs_kind k = match_text_host_kind(h, hl);
		if (k != MATCH_OBS_ANY)
			match_obs_add(p, k, "url", h, hl);
	} else if (memmem(f[F_URL], fl[F_URL], "://", 3)) {
		match_obs_add(p, MATCH_OBS_URL, "url", f[F_URL], fl[F_URL]);
		match_text_add_url_host(p, "url", f[F_URL], fl[F_URL]);
	}
	if (n > F_HIER) {
		const char *slash = memchr(f[F_HIER], '/', fl[F_HIER]);
		if (slash) {
			const char *peer = slash + 1;
			size_t pl = fl[F_HIER] - (size_t)(peer - f[F_HIER]);
			enum match_obs_kind k = match_text_host_kind(peer, pl);
			if (k != MATCH_OBS_ANY && (pl != 1 || peer[0] != '-'))
				match_obs_add(p, k, "peer", peer, pl);
		}
	}
	return RCX_OK;
}

const struct match_line_ops match_squid_ops = {.line = squid_line};
