package org.distill4j.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.regex.Pattern;
import org.distill4j.io.DataFormatException;

/**
 * Maps label text to class indices {@code 0 .. count-1}. Either the labels are class indices already
 * ({@code "0"}, {@code "7"}: the classes are unnamed and the count is the largest plus one) or they are names,
 * numbered in their sorted order.
 */
public final class ClassIndex {
    /** The most classes an index may have. */
    public static final int MAX_CLASSES = 1 << 16;

    private static final Pattern INDEX = Pattern.compile("\\d{1,9}");

    private final int count;
    private final List<String> names;
    private final Map<String, Integer> byName;

    private ClassIndex(int count, List<String> names) {
        if (count < 1 || count > MAX_CLASSES) {
            throw new IllegalArgumentException("class count " + count + ", expected 1 to " + MAX_CLASSES);
        }
        this.count = count;
        this.names = names == null ? null : List.copyOf(names);
        this.byName = new HashMap<>();
        if (names != null) {
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).isEmpty() || byName.put(names.get(i), i) != null) {
                    throw new IllegalArgumentException("class names must be distinct and not empty, found "
                            + CsvText.abbreviate(names, 10));
                }
            }
        }
    }

    /**
     * The classes of a training set's labels, empty ones (unlabelled rows) left out: when every label is a
     * non-negative integer of up to 9 digits, the labels are the class indices and the count is the largest plus
     * one; otherwise the classes are the distinct labels in {@link String} order. Throws an
     * {@link IllegalArgumentException}, for the caller to put in context, unless there are at least 2 classes.
     */
    public static ClassIndex fit(List<String> trainLabels) {
        TreeSet<String> distinct = new TreeSet<>();
        for (String label : trainLabels) {
            if (!label.isEmpty()) {
                distinct.add(label);
            }
        }
        if (!distinct.isEmpty() && distinct.stream().allMatch(l -> INDEX.matcher(l).matches())) {
            int[] indices = distinct.stream().mapToInt(Integer::parseInt).distinct().toArray();
            int max = Arrays.stream(indices).max().getAsInt();
            requireTwo(indices.length, distinct);
            if (max >= MAX_CLASSES) {
                throw new IllegalArgumentException("label " + max + " as a class index needs " + ((long) max + 1)
                        + " classes, more than the limit of " + MAX_CLASSES + "; expected class indices 0, 1, ...");
            }
            return new ClassIndex(max + 1, null);
        }
        requireTwo(distinct.size(), distinct);
        if (distinct.size() > MAX_CLASSES) {
            throw new IllegalArgumentException(distinct.size() + " distinct labels, more than the limit of " + MAX_CLASSES + " classes");
        }
        return new ClassIndex(distinct.size(), List.copyOf(distinct));
    }

    private static void requireTwo(int classes, TreeSet<String> distinct) {
        if (classes < 2) {
            throw new IllegalArgumentException(distinct.isEmpty() ? "has no labels, expected labels of at least 2 classes"
                    : "has labels of only 1 class (" + CsvText.abbreviate(List.copyOf(distinct), 3)
                    + "), expected at least 2 classes");
        }
    }

    /** Classes named {@code names}, index {@code i} being {@code names.get(i)}, as a model file stores them. */
    public static ClassIndex ofNames(List<String> names) {
        return new ClassIndex(Objects.requireNonNull(names, "names").size(), names);
    }

    /** {@code classes} unnamed classes, labelled by their indices. */
    public static ClassIndex ofCount(int classes) {
        return new ClassIndex(classes, null);
    }

    /** The number of classes. */
    public int count() {
        return count;
    }

    /** The class names in index order, absent when the labels are class indices. */
    public Optional<List<String>> names() {
        return Optional.ofNullable(names);
    }

    /** The name of class {@code index}, or the index as text when the classes are unnamed. */
    public String name(int index) {
        Objects.checkIndex(index, count);
        return names == null ? Integer.toString(index) : names.get(index);
    }

    /**
     * The class index of each label, -1 for an empty one when {@code allowUnlabelled}. An empty label otherwise,
     * or a label that is not one of the classes, is an error naming {@code source}, the row as {@code where}
     * names it (such as {@code i -> "line " + lines[i]}), the label and the known classes.
     */
    public int[] encode(String source, List<String> labels, IntFunction<String> where, boolean allowUnlabelled)
            throws DataFormatException {
        int[] classes = new int[labels.size()];
        for (int i = 0; i < classes.length; i++) {
            String label = labels.get(i);
            if (label.isEmpty()) {
                if (!allowUnlabelled) {
                    throw new DataFormatException(source, where.apply(i) + ": empty label, expected a class; "
                            + "a transfer set may be unlabelled, or give --allow-unlabelled");
                }
                classes[i] = -1;
                continue;
            }
            classes[i] = indexOf(label);
            if (classes[i] < 0) {
                throw new DataFormatException(source, where.apply(i) + ": label '" + CsvText.abbreviate(label)
                        + "' is not a class of the training set, expected one of " + describe());
            }
        }
        return classes;
    }

    private int indexOf(String label) {
        if (names != null) {
            return byName.getOrDefault(label, -1);
        }
        return INDEX.matcher(label).matches() && Integer.parseInt(label) < count ? Integer.parseInt(label) : -1;
    }

    private String describe() {
        return names == null ? "the class indices 0 to " + (count - 1) : CsvText.abbreviate(names, 10);
    }

    @Override
    public String toString() {
        return "ClassIndex[" + count + " classes" + (names == null ? "" : " " + CsvText.abbreviate(names, 5)) + "]";
    }
}
