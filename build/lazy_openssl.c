/*
 * The resolver behind the lazy OpenSSL stubs that build.rs generates.
 *
 * A stub's first call lands here with the function's number: load its library by soname
 * (once), look the function up, and publish it in the table the stubs jump through. The
 * lock makes concurrent first calls from worker threads safe; it is never taken again for
 * that function. The stubs are hidden, so the libraries' own calls never reach them, and
 * loading a library cannot re-enter this function.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

#include "lazy_openssl_symbols.h"

extern void *jwtctl_lazy_table[];

static pthread_mutex_t lazy_lock = PTHREAD_MUTEX_INITIALIZER;
static void *lazy_handles[2];

/* Without OpenSSL nothing can go on: say so on one line, as every other error does. */
__attribute__((noreturn)) static void lazy_fail(const char *what, const char *detail) {
    fprintf(stderr, "error: cannot load OpenSSL: %s: %s\n", what, detail ? detail : "unknown");
    fflush(stderr);
    _exit(1);
}

__attribute__((visibility("hidden"))) void *jwtctl_lazy_resolve(unsigned index) {
    if (index >= LAZY_FUNCTIONS) {
        lazy_fail("bad stub number", NULL);
    }
    pthread_mutex_lock(&lazy_lock);
    void *function = __atomic_load_n(&jwtctl_lazy_table[index], __ATOMIC_ACQUIRE);
    if (function == NULL) {
        unsigned lib = index < LAZY_CRYPTO_FUNCTIONS ? 0 : 1;
        if (lazy_handles[lib] == NULL) {
            lazy_handles[lib] = dlopen(LAZY_SONAMES[lib], RTLD_NOW | RTLD_LOCAL);
            if (lazy_handles[lib] == NULL) {
                lazy_fail(LAZY_SONAMES[lib], dlerror());
            }
        }
        const char *name = LAZY_NAMES + LAZY_OFFSETS[index];
        function = dlsym(lazy_handles[lib], name);
        if (function == NULL) {
            lazy_fail(name, dlerror());
        }
        __atomic_store_n(&jwtctl_lazy_table[index], function, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&lazy_lock);
    return function;
}
