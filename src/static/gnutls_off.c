// SPDX-License-Identifier: Apache-2.0
/*
 * ig links libmicrohttpd.a (Makefile: a start loads no shared library but
 * libc). It is Debian's, built with HTTPS through
 * GnuTLS, whose static build needs libraries Debian ships only shared
 * (p11-kit, libunistring). ig serves /metrics over plain HTTP and never
 * asks libmicrohttpd for TLS (no MHD_USE_TLS), so the TLS entry points are
 * never reached: here they fail, and the library's start-up calls
 * (gnutls_global_init) succeed doing nothing. Generated list: the symbols
 * "make static" found undefined.
 */
#include <stdlib.h>

#define TLS_OFF (-1250)   /* GNUTLS_E_UNIMPLEMENTED_FEATURE */

int gnutls_global_init(void) { return 0; }
void gnutls_global_deinit(void) {}
const char *gnutls_strerror(int err) { (void)err; return "TLS is not built into ig-static"; }
void *gnutls_session_get_ptr(void *s) { (void)s; return NULL; }
void gnutls_session_set_ptr(void *s, void *p) { (void)s; (void)p; }
void *(*gnutls_malloc)(size_t) = malloc;
long gnutls_alpn_set_protocols(void) { return TLS_OFF; }
long gnutls_bye(void) { return TLS_OFF; }
long gnutls_certificate_allocate_credentials(void) { return TLS_OFF; }
long gnutls_certificate_free_credentials(void) { return TLS_OFF; }
long gnutls_certificate_server_set_request(void) { return TLS_OFF; }
long gnutls_certificate_set_dh_params(void) { return TLS_OFF; }
long gnutls_certificate_set_retrieve_function2(void) { return TLS_OFF; }
long gnutls_certificate_set_retrieve_function3(void) { return TLS_OFF; }
long gnutls_certificate_set_x509_key_mem(void) { return TLS_OFF; }
long gnutls_certificate_set_x509_key_mem2(void) { return TLS_OFF; }
long gnutls_certificate_set_x509_trust_mem(void) { return TLS_OFF; }
long gnutls_cipher_get(void) { return TLS_OFF; }
long gnutls_credentials_set(void) { return TLS_OFF; }
long gnutls_deinit(void) { return TLS_OFF; }
long gnutls_dh_params_deinit(void) { return TLS_OFF; }
long gnutls_dh_params_import_pkcs3(void) { return TLS_OFF; }
long gnutls_dh_params_init(void) { return TLS_OFF; }
long gnutls_handshake(void) { return TLS_OFF; }
long gnutls_init(void) { return TLS_OFF; }
long gnutls_priority_deinit(void) { return TLS_OFF; }
long gnutls_priority_init(void) { return TLS_OFF; }
long gnutls_priority_set(void) { return TLS_OFF; }
long gnutls_protocol_get_version(void) { return TLS_OFF; }
long gnutls_psk_allocate_server_credentials(void) { return TLS_OFF; }
long gnutls_psk_free_server_credentials(void) { return TLS_OFF; }
long gnutls_psk_set_server_credentials_function(void) { return TLS_OFF; }
long gnutls_record_check_pending(void) { return TLS_OFF; }
long gnutls_record_get_direction(void) { return TLS_OFF; }
long gnutls_record_recv(void) { return TLS_OFF; }
long gnutls_record_send(void) { return TLS_OFF; }
long gnutls_transport_set_int2(void) { return TLS_OFF; }
