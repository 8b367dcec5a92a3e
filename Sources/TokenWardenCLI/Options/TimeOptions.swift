import ArgumentParser

/// `--local-time` of the commands that print times for people.
struct TimeOptions: ParsableArguments {
    @Flag(help: "Print times in the host's time zone (TZ honoured) instead of UTC; --json stays UTC.")
    var localTime = false

    var human: HumanTime { HumanTime(localTime: localTime) }
}
