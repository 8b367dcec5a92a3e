import CGlibcProcess
import TokenWardenCLI

/// The `tokenwarden` executable: everything lives in TokenWardenCLI so tests can reach it.
@main
enum Entry {
    static func main() async {
        // Before any credential is read: a core dump or a debugger attached by the same user would
        // otherwise see every secret the process holds (the unit also sets LimitCORE=0).
        _ = tokenwarden_forbid_core_dumps()
        await TokenWarden.main()
    }
}
