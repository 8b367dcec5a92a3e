import TokenWardenCore
import TokenWardenProviders

extension Configuration {
    /// The HTTP limits `[daemon] request_timeout` asks for.
    public var httpPolicy: HTTPPolicy { .standard(requestTimeout: Double(daemon.requestTimeout.seconds)) }
}
