package io.secureconnect.bench;

import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;

/** Unary answers of async stubs, reported to an {@link OpenLoop.AsyncCall}'s {@code done}. */
final class Observers {

    private Observers() {
    }

    /** Reports the end of one call to {@code done}: null when it answered and {@code check} accepted the answer. */
    static <T> StreamObserver<T> of(Consumer<Throwable> done, Consumer<T> check) {
        return new StreamObserver<>() {
            private Throwable failure;

            @Override
            public void onNext(T value) {
                try {
                    check.accept(value);
                } catch (RuntimeException e) {
                    failure = e;
                }
            }

            @Override
            public void onError(Throwable t) {
                done.accept(t);
            }

            @Override
            public void onCompleted() {
                done.accept(failure);
            }
        };
    }
}
