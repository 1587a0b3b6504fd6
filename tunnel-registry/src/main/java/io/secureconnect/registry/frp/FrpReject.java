package io.secureconnect.registry.frp;

/** An frp plugin operation refused: answered {@code {"reject": true, "reject_reason": ...}} and nothing changed. */
class FrpReject extends RuntimeException {

    FrpReject(String reason) {
        super(reason, null, false, false);
    }
}
