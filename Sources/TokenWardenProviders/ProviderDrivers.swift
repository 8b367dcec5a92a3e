import TokenWardenCore

/// Makes the driver for a configured provider.
public enum ProviderDrivers {
    /// `pageSize`: tokens asked for per listing page; nil keeps each API's own default (12d Synergy
    /// lists in one answer and has none).
    public static func make(
        for provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient, pageSize: Int? = nil
    ) throws -> any ProviderDriver {
        switch provider.kind {
        case .planningCenter:
            pageSize.map { PlanningCenterDriver(provider: provider, credential: credential, http: http, pageSize: $0) }
                ?? PlanningCenterDriver(provider: provider, credential: credential, http: http)
        case .sailPoint:
            try pageSize.map { try SailPointDriver(provider: provider, credential: credential, http: http, pageSize: $0) }
                ?? SailPointDriver(provider: provider, credential: credential, http: http)
        case .cryptlex:
            try pageSize.map { try CryptlexDriver(provider: provider, credential: credential, http: http, pageSize: $0) }
                ?? CryptlexDriver(provider: provider, credential: credential, http: http)
        case .synergy: try SynergyDriver(provider: provider, credential: credential, http: http)
        case .awx, .aap:
            try pageSize.map { try AWXDriver(provider: provider, credential: credential, http: http, pageSize: $0, api: api(provider.kind)) }
                ?? AWXDriver(provider: provider, credential: credential, http: http, api: api(provider.kind))
        }
    }

    /// AWX/Tower's controller API, or AAP 2.5+'s platform gateway.
    static func api(_ kind: ProviderKind) -> AWXDriver.API { kind == .aap ? .gateway : .controller }
}
