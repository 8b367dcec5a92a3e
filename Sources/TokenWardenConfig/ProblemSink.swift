/// Collects problems while a file is read, so one run reports all of them.
final class ProblemSink {
    private(set) var problems: [ConfigProblem] = []

    func add(_ problem: ConfigProblem) { problems.append(problem) }

    var isEmpty: Bool { problems.isEmpty }
}
