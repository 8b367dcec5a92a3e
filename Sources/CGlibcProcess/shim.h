// Process attributes Swift cannot set itself: prctl(2) is variadic, and Swift imports no variadic C.
#include <sys/prctl.h>

/// Makes this process not dumpable: no core file, and no ptrace or /proc/PID/mem access by other
/// processes of the same user, so the secrets it holds in memory stay in it. Returns prctl's result.
static inline int tokenwarden_forbid_core_dumps(void) {
    return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}
