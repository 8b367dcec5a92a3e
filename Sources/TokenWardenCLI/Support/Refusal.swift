/// A command refusing what it was asked, with the reason an admin can act on (exit 1): the token
/// is tokenwarden's own credential, no rule says where a new secret goes, and the like.
struct Refusal: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
