import TokenWardenCLI

/// The `tokenwarden` executable: everything lives in TokenWardenCLI so tests can reach it.
@main
enum Entry {
    static func main() async {
        await TokenWarden.main()
    }
}
