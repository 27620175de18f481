package org.distill4j.data;

import static org.distill4j.data.DataTestFiles.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.distill4j.io.DataFormatException;
import org.junit.jupiter.api.Test;

class ClassIndexTest {

    @Test
    void stringLabelsBecomeSortedNamedClasses() throws DataFormatException {
        ClassIndex c = ClassIndex.fit(List.of("virginica", "setosa", "", "versicolor", "setosa"));
        assertEquals(3, c.count());
        assertEquals(Optional.of(List.of("setosa", "versicolor", "virginica")), c.names());
        assertEquals("versicolor", c.name(1));
        assertArrayEquals(new int[] {2, 0, -1}, c.encode("f", List.of("virginica", "setosa", ""), i -> "line " + i, true));
    }

    @Test
    void integerLabelsAreClassIndices() throws DataFormatException {
        ClassIndex c = ClassIndex.fit(List.of("3", "0", "1"));
        assertEquals(4, c.count(), "the largest plus one");
        assertTrue(c.names().isEmpty());
        assertEquals("2", c.name(2));
        assertArrayEquals(new int[] {2, 3}, c.encode("f", List.of("2", "3"), i -> "line " + i, false));
    }

    @Test
    void mixedOrNegativeLabelsAreNames() {
        assertEquals(Optional.of(List.of("-1", "0", "1")), ClassIndex.fit(List.of("1", "-1", "0")).names());
        assertEquals(Optional.of(List.of("1", "a")), ClassIndex.fit(List.of("1", "a")).names());
    }

    @Test
    void rebuiltFromAModelFile() {
        assertEquals("b", ClassIndex.ofNames(List.of("a", "b")).name(1));
        assertEquals(5, ClassIndex.ofCount(5).count());
        assertThrows(IllegalArgumentException.class, () -> ClassIndex.ofNames(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> ClassIndex.ofCount(0));
    }

    @Test
    void fewerThanTwoClassesIsAnError() {
        assertContains(assertThrows(IllegalArgumentException.class, () -> ClassIndex.fit(List.of("cat", "", "cat"))).getMessage(),
                "only 1 class ([cat]), expected at least 2");
        assertContains(assertThrows(IllegalArgumentException.class, () -> ClassIndex.fit(List.of("", ""))).getMessage(), "no labels");
        assertContains(assertThrows(IllegalArgumentException.class, () -> ClassIndex.fit(List.of("999999", "0"))).getMessage(),
                "more than the limit of 65536");
    }

    @Test
    void anUnknownClassNamesWhereTheLabelAndTheKnownClasses() {
        ClassIndex c = ClassIndex.fit(List.of("cat", "dog"));
        DataFormatException e = assertThrows(DataFormatException.class,
                () -> c.encode("test.csv", List.of("dog", "bird"), i -> "line " + (i + 2), false));
        assertEquals("test.csv: line 3: label 'bird' is not a class of the training set, expected one of [cat, dog]", e.getMessage());
        ClassIndex digits = ClassIndex.ofCount(10);
        assertContains(assertThrows(DataFormatException.class, () -> digits.encode("y", List.of("10"), i -> "index " + i, false))
                .getMessage(), "index 0: label '10' is not a class of the training set, expected one of the class indices 0 to 9");
    }

    @Test
    void manyKnownClassesAreAbbreviated() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            names.add("c" + (char) ('A' + i));
        }
        ClassIndex c = ClassIndex.ofNames(names);
        assertContains(assertThrows(DataFormatException.class, () -> c.encode("y", List.of("x"), i -> "line 1", false)).getMessage(),
                "cJ, ... (30 in all)]");
    }

    @Test
    void anEmptyLabelIsAnErrorUnlessUnlabelledRowsAreAllowed() {
        ClassIndex c = ClassIndex.ofCount(2);
        assertEquals("y.txt: line 4: empty label, expected a class; a transfer set may be unlabelled, or give --allow-unlabelled",
                assertThrows(DataFormatException.class, () -> c.encode("y.txt", List.of("0", ""), i -> "line " + (i + 3), false))
                        .getMessage());
    }
}
