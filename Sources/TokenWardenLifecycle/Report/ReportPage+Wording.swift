extension ReportPage {
    /// "Listed: the first 1000 of 4312 decisions of this rule (the report lists at most 1000 per
    /// rule; `tokenwarden report --limit N` lists more, `tokenwarden plan --json` has every one)."
    static func cut(listed: Int, of count: Int, cap: Int) -> String {
        "Listed: the first \(listed) of \(count) decisions of this rule (the report lists at most \(cap) per rule; "
            + "`tokenwarden report --limit N` lists more, `tokenwarden plan --json` has every one)."
    }

    /// "No decision is held.", "1 decision is held (…).", "3 decisions are held (…)."
    static func held(_ count: Int) -> String {
        let why = " (a person must act, tokenwarden's own credential, a snooze or exemption)."
        switch count {
        case 0: return "No decision is held."
        case 1: return "1 decision is held" + why
        default: return "\(count) decisions are held" + why
        }
    }
}
