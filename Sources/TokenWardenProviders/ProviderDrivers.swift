import TokenWardenCore

/// Makes the driver for a configured provider.
public enum ProviderDrivers {
    public static func make(for provider: ProviderConfig, credential: Credential, http: ProviderHTTPClient) throws -> any ProviderDriver {
        switch provider.kind {
        case .planningCenter: PlanningCenterDriver(provider: provider, credential: credential, http: http)
        case .sailPoint: try SailPointDriver(provider: provider, credential: credential, http: http)
        case .cryptlex: try CryptlexDriver(provider: provider, credential: credential, http: http)
        case .synergy: try SynergyDriver(provider: provider, credential: credential, http: http)
        case .awx: try AWXDriver(provider: provider, credential: credential, http: http)
        case .aap: try AWXDriver(provider: provider, credential: credential, http: http, api: .gateway)
        }
    }
}
