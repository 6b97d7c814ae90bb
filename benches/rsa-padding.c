/* PSS against PKCS #1 v1.5 verification in OpenSSL itself, on one prepared EVP_PKEY_verify
 * context each (as jwtctl's prepared RS and PS paths use them): how far PS256 can get
 * against `openssl speed rsa2048`, which times a PKCS #1 v1.5 verify (see BENCHMARKS.md).
 *
 *   cc -O2 benches/rsa-padding.c -o rsa-padding -lcrypto && ./rsa-padding
 */
#include <stdio.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void setup(EVP_PKEY_CTX *ctx, int pss) {
    EVP_PKEY_CTX_set_rsa_padding(ctx, pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING);
    if (pss) {
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256());
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST);
    }
    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256());
}

int main(void) {
    EVP_PKEY *key = EVP_RSA_gen(2048);
    unsigned char digest[32] = {1, 2, 3}, sig[512];
    const int n = 40000;
    for (int pss = 0; pss < 2; pss++) {
        size_t len = sizeof sig;
        EVP_PKEY_CTX *sign = EVP_PKEY_CTX_new(key, NULL);
        EVP_PKEY_sign_init(sign);
        setup(sign, pss);
        EVP_PKEY_sign(sign, sig, &len, digest, sizeof digest);
        EVP_PKEY_CTX *verify = EVP_PKEY_CTX_new(key, NULL);
        EVP_PKEY_verify_init(verify);
        setup(verify, pss);
        int ok = 0;
        double t = now();
        for (int i = 0; i < n; i++)
            ok += EVP_PKEY_verify(verify, sig, len, digest, sizeof digest) == 1;
        t = now() - t;
        printf("%-12s %6.0f verifies/s (%d of %d verified)\n", pss ? "PSS" : "PKCS #1 v1.5", n / t, ok, n);
        EVP_PKEY_CTX_free(sign);
        EVP_PKEY_CTX_free(verify);
    }
    EVP_PKEY_free(key);
    return 0;
}
