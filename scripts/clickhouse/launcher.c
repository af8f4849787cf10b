/* Runs the ClickHouse engine shipped in @chdb/lib-linux-x64-gnu as clickhouse-local: libchdb.so
 * exports clickhouse-local's main as query_stable_v2, and this program passes its own argv through.
 * The library is loaded at run time (path in argv[1]) so the build needs no ClickHouse headers. */
#include <dlfcn.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The layout of chdb's programs/local/chdb.h (stable ABI). */
struct local_result_v2 {
    char *buf;
    size_t len;
    void *vec;
    double elapsed;
    uint64_t rows_read;
    uint64_t bytes_read;
    char *error_message;
};
typedef struct local_result_v2 *(*query_stable_v2_fn)(int argc, char **argv);

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <path to libchdb.so> [clickhouse-local arguments...]\n", argv[0]);
        return 2;
    }
    /* A server whose parent died (a test runner killed with SIGKILL) would run forever holding its
     * ports and memory: the kernel kills it with the parent instead. */
    pid_t parent = getppid();
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) return 2;
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "cannot load %s: %s\n", argv[1], dlerror());
        return 2;
    }
    query_stable_v2_fn query = (query_stable_v2_fn)dlsym(lib, "query_stable_v2");
    if (query == NULL) {
        fprintf(stderr, "%s has no query_stable_v2: %s\n", argv[1], dlerror());
        return 2;
    }
    /* clickhouse-local sees "clickhouse" followed by the caller's arguments. */
    argv[1] = "clickhouse";
    struct local_result_v2 *result = query(argc - 1, argv + 1);
    if (result == NULL) return 1;
    if (result->buf != NULL) fwrite(result->buf, 1, result->len, stdout);
    if (result->error_message != NULL) {
        fprintf(stderr, "%s\n", result->error_message);
        return 1;
    }
    return 0;
}
