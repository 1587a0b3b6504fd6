package io.secureconnect.testing;

import static io.secureconnect.testing.OpenApiDriftCases.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.secureconnect.testing.OpenApiDriftCases.DriftCase;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openapitools.openapidiff.core.OpenApiCompare;
import org.openapitools.openapidiff.core.model.DiffResult;

/**
 * Why {@link OpenApiContract} is hand-written rather than openapi-diff (issue 19): this runs openapi-diff-core on every
 * case of {@link OpenApiDriftCases}, contract to service and back, and pins whether it reports a difference
 * (description-only changes do not count). It notices every drift but one, yet cannot replace ours:
 * <ul>
 * <li>it reads only OpenAPI 3.0's {@code type}, not 3.1's type arrays, so it calls the 3.0 contract and the 3.1
 *     document SmallRye generates for the same API incompatible (openapi-diff issue 745), and that is the comparison
 *     every service's contract test makes; its "reports" on the two 3.1 drift cases below therefore mean nothing;</li>
 * <li>it follows {@code $ref}s, so a 401 that stops being the shared response is no change to it;</li>
 * <li>it knows none of our rules: Quarkus {@code /q/} paths, a trailing slash, error responses only the contract
 *     documents, and a service's error response without content are all changes to it.</li>
 * </ul>
 * Rewriting SmallRye's 3.1 schemas as 3.0 before the diff (tried: ~50 lines) still left a property's description
 * change reported as a compatible change of its parent, and its text names neither the property nor the field for
 * required, enum or map changes; filters and a walker over its result would have replaced little of ours. If an
 * upgrade changes a row here, the test fails: evaluate again.
 */
class OpenApiDiffEvaluationTest {

    /** What openapi-diff says on a case, against whether the case is drift. */
    enum Verdict {
        /** a drift, and openapi-diff reports a difference */
        REPORTS,
        /** no drift, and openapi-diff reports none */
        QUIET,
        /** a drift openapi-diff does not see */
        MISSES,
        /** no drift by our contract rules, but openapi-diff reports one */
        FALSE_ALARM
    }

    private static final Map<DriftCase, Verdict> OPENAPI_DIFF = new LinkedHashMap<>();

    static {
        OPENAPI_DIFF.put(IDENTICAL, Verdict.QUIET);
        OPENAPI_DIFF.put(GENERATED_FOR_THE_CONTRACT, Verdict.FALSE_ALARM);
        OPENAPI_DIFF.put(TYPE_CHANGED_IN_A_31_DOCUMENT, Verdict.REPORTS);
        OPENAPI_DIFF.put(TWO_CHANGES_IN_A_31_DOCUMENT, Verdict.REPORTS);
        OPENAPI_DIFF.put(PATH_RENAMED, Verdict.REPORTS);
        OPENAPI_DIFF.put(METHOD_NOT_DOCUMENTED, Verdict.REPORTS);
        OPENAPI_DIFF.put(QUERY_PARAMETER_REMOVED, Verdict.REPORTS);
        OPENAPI_DIFF.put(PARAMETER_TYPE_CHANGED, Verdict.REPORTS);
        OPENAPI_DIFF.put(PARAMETER_NOW_OPTIONAL, Verdict.REPORTS);
        OPENAPI_DIFF.put(INT32_NOW_INT64, Verdict.REPORTS);
        OPENAPI_DIFF.put(PROPERTY_ADDED, Verdict.REPORTS);
        OPENAPI_DIFF.put(PROPERTY_REMOVED, Verdict.REPORTS);
        OPENAPI_DIFF.put(PROPERTY_TYPE_CHANGED, Verdict.REPORTS);
        OPENAPI_DIFF.put(MAP_VALUE_TYPE_CHANGED, Verdict.REPORTS);
        OPENAPI_DIFF.put(PROPERTY_NOW_A_REFERENCE, Verdict.REPORTS);
        OPENAPI_DIFF.put(REQUIRED_LIST_CHANGED, Verdict.REPORTS);
        OPENAPI_DIFF.put(ENUM_VALUE_CHANGED, Verdict.REPORTS);
        OPENAPI_DIFF.put(RESPONSE_NOW_ANOTHER_SCHEMA, Verdict.REPORTS);
        OPENAPI_DIFF.put(REQUEST_BODY_MEDIA_TYPE_CHANGED, Verdict.REPORTS);
        OPENAPI_DIFF.put(ERROR_RESPONSE_ONLY_IN_CONTRACT, Verdict.FALSE_ALARM);
        OPENAPI_DIFF.put(ERROR_RESPONSE_ONLY_IN_SERVICE, Verdict.REPORTS);
        OPENAPI_DIFF.put(ERROR_RESPONSE_WITHOUT_CONTENT_IN_SERVICE, Verdict.FALSE_ALARM);
        OPENAPI_DIFF.put(MANAGEMENT_PATHS_AND_TRAILING_SLASH, Verdict.FALSE_ALARM);
        OPENAPI_DIFF.put(SECURED_IDENTICAL, Verdict.QUIET);
        OPENAPI_DIFF.put(SECURITY_WRITTEN_PER_OPERATION, Verdict.QUIET);
        OPENAPI_DIFF.put(CREDENTIAL_NO_LONGER_NEEDED, Verdict.REPORTS);
        OPENAPI_DIFF.put(ONE_SCHEME_LESS, Verdict.REPORTS);
        OPENAPI_DIFF.put(PUBLIC_OPERATION_NOW_SECURED, Verdict.REPORTS);
        OPENAPI_DIFF.put(API_KEY_MOVED_TO_THE_QUERY, Verdict.REPORTS);
        OPENAPI_DIFF.put(SCHEME_ONLY_IN_CONTRACT, Verdict.REPORTS);
        OPENAPI_DIFF.put(CREDENTIAL_ANSWER_DROPPED, Verdict.REPORTS);
        OPENAPI_DIFF.put(CREDENTIAL_ANSWER_NOT_SHARED, Verdict.MISSES);
        OPENAPI_DIFF.put(RETRY_AFTER_DROPPED, Verdict.REPORTS);
        OPENAPI_DIFF.put(CREDENTIAL_ANSWER_ONLY_IN_CONTRACT_WHEN_PUBLIC, Verdict.FALSE_ALARM);
    }

    static Stream<Arguments> cases() {
        return OPENAPI_DIFF.entrySet().stream().map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
    }

    @ParameterizedTest(name = "{0}: openapi-diff {1}")
    @MethodSource("cases")
    void ourCheckIsRightAndOpenApiDiffSaysWhatThisTablePins(DriftCase drift, Verdict expected) {
        boolean oursReports = !OpenApiContract.differences(drift.contract(), drift.service()).isEmpty();
        boolean openApiDiffReports =
                reports(drift.contract(), drift.service()) || reports(drift.service(), drift.contract());

        assertEquals(drift.drift(), oursReports, () -> "our check on " + drift);
        assertEquals(expected, verdict(drift.drift(), openApiDiffReports), () -> "openapi-diff on " + drift);
    }

    @Test
    void judgesEveryDriftCase() {
        assertEquals(OpenApiDriftCases.ALL, OPENAPI_DIFF.keySet().stream().toList());
    }

    /** A difference beyond prose (descriptions, summaries) when {@code newer} is read as the next {@code older}. */
    private static boolean reports(String older, String newer) {
        return OpenApiCompare.fromContents(older, newer).isChanged().getWeight() > DiffResult.METADATA.getWeight();
    }

    private static Verdict verdict(boolean drift, boolean reported) {
        if (drift) {
            return reported ? Verdict.REPORTS : Verdict.MISSES;
        }
        return reported ? Verdict.FALSE_ALARM : Verdict.QUIET;
    }
}
