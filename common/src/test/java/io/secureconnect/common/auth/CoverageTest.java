package io.secureconnect.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CoverageTest {

    private static final Coverage AB = Coverage.of(Set.of("a", "b"));
    private static final Coverage BC = Coverage.of(Set.of("b", "c"));

    @Test
    void allCoversEveryIdentifierAndNoneCoversNothingNotEvenNull() {
        assertTrue(Coverage.ALL.covers("anything"));
        assertFalse(Coverage.NONE.covers("anything"));
        assertFalse(AB.covers(null));
        assertTrue(AB.covers("a"));
        assertFalse(AB.covers("c"));
    }

    @Test
    void aUnionWithAllIsAllWhicheverSideItIsOn() {
        assertEquals(Coverage.ALL, AB.union(Coverage.ALL));
        assertEquals(Coverage.ALL, Coverage.ALL.union(AB));
        assertEquals(Coverage.ALL, Coverage.NONE.union(Coverage.ALL));
        assertEquals(Coverage.of(Set.of("a", "b", "c")), AB.union(BC));
        assertEquals(AB, AB.union(Coverage.NONE));
        assertEquals(AB, Coverage.NONE.union(AB));
    }

    @Test
    void anIntersectionKeepsOnlyWhatBothCover() {
        assertEquals(Coverage.of(Set.of("b")), AB.intersect(BC));
        assertEquals(AB, AB.intersect(Coverage.ALL));
        assertEquals(AB, Coverage.ALL.intersect(AB));
        assertEquals(Coverage.NONE, AB.intersect(Coverage.NONE));
        assertEquals(Coverage.NONE, AB.intersect(Coverage.of(Set.of("z"))));
    }
}
