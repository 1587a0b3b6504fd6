package io.secureconnect.keyvalidator.grpc;

import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.secureconnect.common.grpc.GrpcFailure;
import io.secureconnect.keyvalidator.ratelimit.FailureLimiter;
import io.secureconnect.keyvalidator.ratelimit.GrpcCaller;
import io.secureconnect.keyvalidator.revocation.RevocationFeed;
import io.secureconnect.keyvalidator.validation.PermissionCatalog;
import io.secureconnect.keyvalidator.validation.TokenStore;
import io.secureconnect.keyvalidator.validation.TokenValidator;
import io.secureconnect.keyvalidator.validation.UnknownPermissionException;
import io.secureconnect.keyvalidator.validation.Validation;
import io.secureconnect.proto.keyvalidator.v1.KeyValidator;
import io.secureconnect.proto.keyvalidator.v1.RevocationEvent;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenRequest;
import io.secureconnect.proto.keyvalidator.v1.ValidateTokenResponse;
import io.secureconnect.proto.keyvalidator.v1.WatchRevocationsRequest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jboss.logging.Logger;

/**
 * gRPC face of key-validator. ValidateToken answers from memory on the event loop when it can (fresh cache hit,
 * malformed token) and reads the database on a worker thread otherwise. A denial is an OK answer with a reason;
 * unknown permissions are INVALID_ARGUMENT, a caller over its failure budget RESOURCE_EXHAUSTED, and a database
 * that does not answer UNAVAILABLE (fail closed).
 */
@GrpcService
public class KeyValidatorGrpcService implements KeyValidator {

    private static final Logger LOG = Logger.getLogger(KeyValidatorGrpcService.class);

    @Inject
    TokenValidator validator;

    @Inject
    FailureLimiter limiter;

    @Inject
    RevocationFeed feed;

    @Override
    public Uni<ValidateTokenResponse> validateToken(ValidateTokenRequest request) {
        String caller = GrpcCaller.current();
        OptionalLong retryAfter = limiter.retryAfterSeconds(caller);
        if (retryAfter.isPresent()) {
            return Uni.createFrom().failure(GrpcFailure.of(Status.Code.RESOURCE_EXHAUSTED, "RATE_LIMITED",
                    "too many failed validations from this caller; retry after " + retryAfter.getAsLong() + " s",
                    Map.of("retry-after", String.valueOf(retryAfter.getAsLong()))));
        }
        TokenValidator.Check check = new TokenValidator.Check(request.getToken(),
                List.copyOf(request.getRequiredPermissionsList()), request.getRequireAbacAll(),
                request.getExpectedAccountId());
        try {
            Optional<Validation> fromMemory = validator.validateFromMemory(check);
            if (fromMemory.isPresent()) {
                return Uni.createFrom().item(answer(fromMemory.get(), caller));
            }
        } catch (UnknownPermissionException e) {
            return Uni.createFrom().failure(unknownPermission(e));
        }
        return Uni.createFrom().item(() -> answer(validator.validate(check), caller))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .onFailure(TokenStore.StoreUnavailableException.class).transform(e -> {
                    LOG.warnf("ValidateToken failed closed: %s", e.getMessage());
                    return GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE",
                            "the key database did not answer; nothing is validated until it does");
                });
    }

    @Override
    public Multi<RevocationEvent> watchRevocations(WatchRevocationsRequest request) {
        return Multi.createFrom().emitter(emitter -> {
            RevocationWatch watch = new RevocationWatch(emitter);
            AutoCloseable subscription = feed.subscribe(watch::live);
            emitter.onTermination(() -> close(subscription));
            if (!request.hasSince()) {
                watch.replayed(List.of());
                return;
            }
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    watch.replayed(feed.replay(ProtoMapper.instant(request.getSince())));
                } catch (RuntimeException e) {
                    LOG.warnf("WatchRevocations replay failed: %s", e.getMessage());
                    emitter.fail(GrpcFailure.of(Status.Code.UNAVAILABLE, "DATABASE_UNAVAILABLE",
                            "cannot replay revocation events now; retry"));
                }
            });
        }, BackPressureStrategy.BUFFER);
    }

    private ValidateTokenResponse answer(Validation validation, String caller) {
        if (!validation.valid() && validation.reason().isAuthenticationFailure()) {
            limiter.failure(caller);
        }
        return ProtoMapper.response(validation);
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
