#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A shell-style name pattern from a policy file (`ci-*`, `deploy-bot`, `build-??`, `[a-c]*`).
/// Matching is libc's `fnmatch(3)`, the same rules admins know from their shell; no flags.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String

    public init(_ pattern: String) { self.pattern = pattern }

    public func matches(_ text: String) -> Bool { fnmatch(pattern, text, 0) == 0 }

    public var description: String { pattern }
}
