package io.secureconnect.keyvalidator.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.common.identity.CallerContext;
import io.secureconnect.common.keys.KeyValidatorWire;
import io.secureconnect.keyvalidator.permission.PermissionCatalog;
import io.secureconnect.keyvalidator.ratelimit.FailureLimiter;
import io.secureconnect.keyvalidator.ratelimit.GrpcCaller;
import io.secureconnect.keyvalidator.ratelimit.KeyFailureBudget;
import io.secureconnect.keyvalidator.receipt.LeaseReceiptIssuer;
import io.secureconnect.keyvalidator.revocation.RevocationFeed;
import io.secureconnect.keyvalidator.validation.InvalidResourceException;
import io.secureconnect.keyvalidator.validation.TokenLoader;
import io.secureconnect.keyvalidator.validation.TokenStore;
import io.secureconnect.keyvalidator.validation.TokenValidator;
import io.secureconnect.keyvalidator.validation.UnknownPermissionException;
import io.secureconnect.keyvalidator.validation.Validation;
import io.secureconnect.proto.keyvalidator.v1.KeyValidatorGrpc;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * gRPC face of key-validator, on the plain grpc-java API (no Mutiny, no context propagation per call).
 * ValidateToken answers on the event loop when memory gives the answer (fresh cache hit, malformed token), and
 * otherwise queues the database read to {@link TokenLoader}'s threads, which answer: the event loop never blocks
 * and a hit never hops threads. A denial is an OK answer with a reason; unknown permissions are INVALID_ARGUMENT, a
 * resource that cannot be checked INVALID_ARGUMENT (INVALID_RESOURCE), a caller over its failure budget
 * RESOURCE_EXHAUSTED (RATE_LIMITED, before the check), a failing use of a token id over its own budget
 * RESOURCE_EXHAUSTED (KEY_THROTTLED, after the check: {@link KeyFailureBudget}), and a database that does not
 * answer (or too many misses waiting for it) UNAVAILABLE (fail closed). A valid answer to a gateway that asked for a
 * lease receipt carries one ({@link LeaseReceiptIssuer}); the gateway is taken from the caller's identity when the
 * call arrives.
 */
@GrpcService
public class KeyValidatorGrpcService extends KeyValidatorGrpc.KeyValidatorImplBase {

    private static final Logger LOG = Logger.getLogger(KeyValidatorGrpcService.class);

    @Inject
    TokenValidator validator;

    @Inject
    FailureLimiter limiter;

    @Inject
    KeyFailureBudget keys;

    @Inject
    RevocationFeed feed;

    @Inject
    LeaseReceiptIssuer receipts;

    @Override
    public void validateToken(ValidateTokenRequest request, StreamObserver<ValidateTokenResponse> response) {
        String caller = GrpcCaller.current();
        OptionalLong retryAfter = limiter.begin(caller, request.getToken());
        if (retryAfter.isPresent()) {
            response.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, KeyValidatorWire.RATE_LIMITED,
                    "too many failed validations from this caller; retry after " + retryAfter.getAsLong() + " s",
                    Map.of(KeyValidatorWire.RETRY_AFTER, String.valueOf(retryAfter.getAsLong()))));
            return;
        }
        KeyFailureBudget.Ticket ticket = keys.begin(request.getToken());
        try {
            Optional<String> receiptFor = request.getLeaseReceipt() ? LeaseReceiptIssuer.recipient(CallerContext.peer())
                    : Optional.empty();
            validator.validate(ProtoMapper.check(request), new Answer(caller, request.getToken(), ticket, receiptFor,
                    response));
        } catch (UnknownPermissionException e) {
            endUnjudged(caller, request.getToken(), ticket);
            response.onError(unknownPermission(e));
        } catch (InvalidResourceException e) {
            endUnjudged(caller, request.getToken(), ticket);
            response.onError(GrpcFailure.of(Status.Code.INVALID_ARGUMENT, "INVALID_RESOURCE", e.getMessage(),
                    Map.of("field", e.field())));
        } catch (RuntimeException e) {
            endUnjudged(caller, request.getToken(), ticket);
            throw e;
        }
    }

    /** Ends both budgets' reservations of a check that produced no validation. */
    private void endUnjudged(String caller, String token, KeyFailureBudget.Ticket ticket) {
        limiter.end(caller, token, false);
        keys.end(ticket, caller, false);
    }

    /** Sends one validation (or its failure) to the caller, counting authentication failures against it. */
    private final class Answer implements TokenValidator.Answer {

        private final String caller;
        private final String token;
        private final KeyFailureBudget.Ticket ticket;
        private final Optional<String> receiptFor;
        private final StreamObserver<ValidateTokenResponse> response;

        /** @param receiptFor the gateway a lease receipt is signed for, when one asked for it */
        Answer(String caller, String token, KeyFailureBudget.Ticket ticket, Optional<String> receiptFor,
                StreamObserver<ValidateTokenResponse> response) {
            this.token = token;
            this.caller = caller;
            this.ticket = ticket;
            this.receiptFor = receiptFor;
            this.response = response;
        }

        @Override
        public void answer(Validation validation) {
            limiter.end(caller, token, !validation.valid() && validation.reason().isAuthenticationFailure());
            OptionalLong throttled = keys.end(ticket, caller, validation.keyFailure());
            if (throttled.isPresent()) {
                // Only failing uses get here: the right secret is answered, whatever the id's failures.
                response.onError(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, KeyValidatorWire.KEY_THROTTLED,
                        "too many failed uses of this token id; retry after " + throttled.getAsLong() + " s",
                        Map.of(KeyValidatorWire.RETRY_AFTER, String.valueOf(throttled.getAsLong()))));
                return;
            }
            ValidateTokenResponse answer = ProtoMapper.response(validation);
            if (validation.valid() && receiptFor.isPresent()) {
                answer = answer.toBuilder().setLeaseReceipt(receipts.issue(receiptFor.get(),
                        answer.getPrincipal().getAccountId(), answer.getPrincipal().getApiKeyId(),
                        validation.validUntil())).build();
            }
            response.onNext(answer);
            response.onCompleted();
        }

        @Override
        public void failed(RuntimeException failure) {
            endUnjudged(caller, token, ticket);
            if (failure instanceof TokenLoader.OverloadedException) {
                LOG.warnf("ValidateToken refused: %s", failure.getMessage());
                response.onError(GrpcFailure.of(Status.Code.UNAVAILABLE, "OVERLOADED",
                        "too many validations are waiting for the key database; retry"));
            } else if (failure instanceof TokenStore.StoreUnavailableException) {
                LOG.warnf("ValidateToken failed closed: %s", failure.getMessage());
                response.onError(GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE",
                        "the key database did not answer; nothing is validated until it does"));
            } else {
                LOG.warnf("ValidateToken failed: %s", failure.getMessage());
                response.onError(Status.INTERNAL.withDescription("validation failed").asRuntimeException());
            }
        }
    }

    @Override
    public void watchRevocations(WatchRevocationsRequest request, StreamObserver<RevocationEvent> observer) {
        ServerCallStreamObserver<RevocationEvent> events = (ServerCallStreamObserver<RevocationEvent>) observer;
        RevocationWatch watch = new RevocationWatch(events);
        AutoCloseable subscription = feed.subscribe(watch::live);
        events.setOnCancelHandler(() -> {
            watch.close();
            close(subscription);
        });
        if (!request.hasSince()) {
            watch.replayed(List.of());
            return;
        }
        Infrastructure.getDefaultWorkerPool().execute(() -> {
            try {
                watch.replayed(feed.replay(ProtoMapper.instant(request.getSince())));
            } catch (RuntimeException e) {
                LOG.warnf("WatchRevocations replay failed: %s", e.getMessage());
                close(subscription);
                watch.fail(GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE",
                        "cannot replay revocation events now; retry"));
            }
        });
    }

    private static RuntimeException unknownPermission(UnknownPermissionException e) {
        return GrpcFailure.of(Status.Code.INVALID_ARGUMENT, "UNKNOWN_PERMISSION",
                "unknown permission identifier; GET /api/v1/permissions lists them",
                Map.of("permission", PermissionCatalog.shown(e.permission())));
    }

    private static void close(AutoCloseable subscription) {
        try {
            subscription.close();
        } catch (Exception e) {
            LOG.debugf("closing a revocation watch: %s", e.getMessage());
        }
    }
}
