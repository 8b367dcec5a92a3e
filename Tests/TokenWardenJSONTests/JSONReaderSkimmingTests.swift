import Foundation
import Testing
import TokenWardenJSON

/// `skimObject` lets a re-sync find a listed token's id and bytes without building strings: it must
/// find only the top-level field, as written, and refuse what `readObject` refuses.
@Suite struct JSONReaderSkimmingTests {
    /// The text `skimObject` finds for `field` in `object`, and the offset it stops at.
    static func skim(_ object: String, _ field: String = "id") throws -> (found: String?, end: Int) {
        var reader = JSONReader(Array(object.utf8))
        let range = try reader.skimObject(findingField: Array(field.utf8))
        let found = range.map { range in reader.withBytes(in: range) { String(decoding: $0, as: UTF8.self) } }
        return (found, reader.offset)
    }

    @Test(arguments: [
        (#"{"id":17,"name":"a"}"#, "17"),
        (#"{ "name" : "a" , "id" : -17.5e3 }"#, "-17.5e3"),  // as written: the caller compares bytes
        (#"{"type":"PersonalAccessToken","id":"abc-1","attributes":{"id":"inner"}}"#, "abc-1"),
        (#"{"attributes":{"id":"inner"},"id":"outer"}"#, "outer"),  // a nested key of the same name is not the field
        (#"{"id":"ünï"}"#, "ünï"),
        (#"{"id":1,"id":2}"#, "1"),  // the first, as readObject's callers keep it
        (#"{"id":{"a":1}}"#, #"{"a":1}"#),
        (#"{"id":null}"#, "null"),
    ])
    func findsTheTopLevelFieldAsWritten(object: String, expected: String) throws {
        let skimmed = try Self.skim(object)
        #expect(skimmed.found == expected)
        #expect(skimmed.end == object.utf8.count)
    }

    @Test(arguments: [
        #"{}"#, #"{"name":"a"}"#, #"{"ID":1}"#, #"{"i\u0064":1}"#,  // keys are compared byte for byte
        #"{"id":"a\"b"}"#, #"{"id":"\u0031"}"#,  // a string with an escape: the caller decodes instead
        #"{"ids":1,"i":2}"#,
    ])
    func findsNothingWhereTheFieldIsAbsentOrEscaped(object: String) throws {
        #expect(try Self.skim(object).found == nil)
    }

    @Test func anEmptyFieldFindsNothingEvenAnEmptyKey() throws {
        #expect(try Self.skim(#"{"":1}"#, "").found == nil)
    }

    @Test(arguments: [
        #"{"id":1,}"#, #"{"id":1 , }"#,
        // refused, as readObject refuses them
        #"{"id":1"#, #"{"id" 1}"#, #"{id:1}"#, #"{"id":01}"#, #"{"id":1,,"a":2}"#, #"{,}"#, #"{"a":{"b" 1},"id":2}"#,
        #"{"a":"x\u0001"}"#, #"[1]"#, #"{"a":[1,}"#,
    ])
    func refusesWhatReadingTheObjectRefuses(object: String) {
        var skimming = JSONReader(Array(object.utf8))
        var reading = JSONReader(Array(object.utf8))
        // Not `try?`: a skim that finds no field returns nil without throwing.
        let skimmed: Bool
        do {
            _ = try skimming.skimObject(findingField: Array("id".utf8))
            skimmed = true
        } catch {
            skimmed = false
        }
        let read = (try? reading.readObject { reader, _ in try reader.skipValue() }) != nil
        #expect(skimmed == read, "\(object)")
    }

    @Test func aSkimmedObjectCanBeReadAgainFromWhereItStarted() throws {
        var reader = JSONReader(Array(#"[ {"id":3,"name":"x"} ]"#.utf8))
        var names: [String] = []
        try reader.readArray { reader, _ in
            let start = reader.valueStart()
            _ = try reader.skimObject(findingField: Array("id".utf8))
            reader.rewind(to: start)
            try reader.readObject { reader, key in
                if key == "name" { names.append(try reader.readString()) } else { try reader.skipValue() }
            }
        }
        #expect(names == ["x"])
    }

    @Test(arguments: [
        (#"{"data":[{"id":"1","name":"a ] } \" ["},{"id":"2"}],"meta":{"next":{"offset":2}}}"#, true),
        (#"{"data":[[[]]],"meta":1}"#, true),
        (#"{"data":"[","meta":1}"#, true),
        (#"{"data":[{"id":"1"}"#, false),  // unclosed
        (#"{"data":["\"]"#, false),  // the quote is escaped: the string and the array are unclosed
    ])
    func skippingWithoutCheckingStillMatchesBracketsAndQuotes(page: String, closed: Bool) throws {
        var reader = JSONReader(Array(page.utf8))
        var meta: Int?
        let read = Result {
            try reader.readObject { reader, key in
                switch key {
                case "data": try reader.skipUnvalidated()
                case "meta":
                    try reader.skipValue()
                    meta = 1
                default: try reader.skipValue()
                }
            }
        }
        #expect(((try? read.get()) != nil) == closed)
        #expect((meta != nil) == closed)
    }
}
