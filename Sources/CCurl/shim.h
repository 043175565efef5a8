// Typed wrappers for libcurl's variadic calls, which Swift cannot import, and for the few macros
// that do not come through as constants. A system-library target cannot hold .c files, so every
// wrapper is `static inline`.
#ifndef PIPE_CCURL_SHIM_H
#define PIPE_CCURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*pipe_curl_data_callback)(char *buffer, size_t size, size_t count, void *userdata);
typedef int (*pipe_curl_xferinfo_callback)(void *userdata, curl_off_t dltotal, curl_off_t dlnow,
                                           curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode pipe_curl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_blob(CURL *handle, CURLoption option, struct curl_blob *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_data_callback(CURL *handle, CURLoption option,
                                                           pipe_curl_data_callback value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode pipe_curl_easy_setopt_xferinfo_callback(CURL *handle, pipe_curl_xferinfo_callback value) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, value);
}

typedef int (*pipe_curl_seek_callback)(void *userdata, curl_off_t offset, int origin);

static inline CURLcode pipe_curl_easy_setopt_seek_callback(CURL *handle, pipe_curl_seek_callback value) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, value);
}

static const int pipe_curl_seekfunc_ok = CURL_SEEKFUNC_OK;
static const int pipe_curl_seekfunc_fail = CURL_SEEKFUNC_FAIL;
static const int pipe_curl_seekfunc_cantseek = CURL_SEEKFUNC_CANTSEEK;

static inline CURLcode pipe_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode pipe_curl_easy_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode pipe_curl_easy_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLMcode pipe_curl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    return curl_multi_setopt(handle, option, value);
}

static inline curl_version_info_data *pipe_curl_version_info(void) {
    return curl_version_info(CURLVERSION_NOW);
}

static const size_t pipe_curl_writefunc_pause = CURL_WRITEFUNC_PAUSE;
static const size_t pipe_curl_readfunc_pause = CURL_READFUNC_PAUSE;
static const size_t pipe_curl_readfunc_abort = CURL_READFUNC_ABORT;
static const int pipe_curlpause_cont = CURLPAUSE_CONT;
static const long pipe_curl_global_default = CURL_GLOBAL_DEFAULT;
static const long pipe_curl_http_version_1_1 = CURL_HTTP_VERSION_1_1;
static const long pipe_curl_http_version_2tls = CURL_HTTP_VERSION_2TLS;
static const long pipe_curl_http_version_2_prior_knowledge = CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
static const long pipe_curl_sslversion_tlsv1_2 = CURL_SSLVERSION_TLSv1_2;
static const long pipe_curl_version_http2 = CURL_VERSION_HTTP2;

#endif
