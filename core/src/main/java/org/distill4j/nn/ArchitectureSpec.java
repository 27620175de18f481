package org.distill4j.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.distill4j.backend.Backend;
import org.distill4j.backend.ConvGeometry;
import org.distill4j.backend.PoolGeometry;

/**
 * A network written as one string of layers joined by {@code -}, e.g.
 * {@code 1x28x28-c32k3-bn-relu-p2-c64k3-bn-relu-p2-fc128-10}. The first item is the input: {@code CxHxW} for images,
 * a number for flat features. Then, in order:
 * <ul>
 *   <li>{@code c<out>k<k>[s<stride>][p<padding>]}: a convolution of {@code out} filters {@code k x k}; stride 1 and
 *       padding {@code k/2} (the same size, for odd {@code k}) unless given;</li>
 *   <li>{@code p<k>[s<stride>]} max pooling, {@code a<k>[s<stride>]} average pooling (stride {@code k} unless
 *       given), {@code gap} global average pooling;</li>
 *   <li>{@code bn} batch norm, {@code relu}, {@code d<p>} dropout with probability {@code p} (e.g. {@code d0.25});</li>
 *   <li>{@code [fc]<n>}: a fully connected layer of {@code n} units, followed by a ReLU unless it is the last layer
 *       (so {@code 784-800-800-10} is the usual MLP); the last layer must be one, of one unit per class;</li>
 *   <li>{@code r(<layers>)}: a residual block, its input plus the layers inside, which must keep its shape, e.g.
 *       {@code r(c32k3-bn-relu-c32k3-bn)-relu}.</li>
 * </ul>
 * Weights are drawn in layer order from one seed: He-normal for convolutions and hidden fully connected layers,
 * Xavier-uniform for the last.
 */
public final class ArchitectureSpec implements ModelSpec {
    private static final Pattern SHAPE = Pattern.compile("(\\d+)x(\\d+)x(\\d+)");
    private static final Pattern CONV = Pattern.compile("c(\\d+)k(\\d+)(?:s(\\d+))?(?:p(\\d+))?");
    private static final Pattern POOL = Pattern.compile("([pa])(\\d+)(?:s(\\d+))?");
    private static final Pattern DROPOUT = Pattern.compile("d(0(?:\\.\\d+)?|\\.\\d+)");
    private static final Pattern DENSE = Pattern.compile("(?:fc)?(\\d+)");
    private static final String GRAMMAR = "c<out>k<k>[s<stride>][p<pad>], p<k>[s<stride>], a<k>[s<stride>], gap, bn, relu,"
            + " d<p>, [fc]<n> or r(<layers>)";

    private final String text;
    private final Shape input;
    private final List<Object> items;
    private final int classes;

    private ArchitectureSpec(String text, Shape input, List<Object> items, int classes) {
        this.text = text;
        this.input = input;
        this.items = items;
        this.classes = classes;
    }

    /** One parsed layer: its kind, units or filters, kernel, stride, padding and dropout probability as they apply. */
    private record Item(String kind, int units, int kernel, int stride, int padding, float p) {
    }

    private record Block(List<Object> body) {
    }

    /**
     * Parses and checks a whole architecture, shapes included (a pooling window larger than its image, a residual body
     * that changes the shape), so that {@link #build} cannot fail; errors name the item and what was expected.
     */
    public static ArchitectureSpec parse(String spec) {
        String text = spec.trim().replace(" ", "");
        if (text.length() > 4000) {
            throw new IllegalArgumentException("architecture string is longer than 4000 characters");
        }
        List<String> parts = split(text, text);
        if (parts.size() < 2) {
            throw new IllegalArgumentException("architecture '" + shorten(text) + "' needs an input and at least one layer,"
                    + " e.g. 1x28x28-c32k3-relu-p2-10 or 784-800-10");
        }
        Shape input = parseInput(parts.get(0), text);
        List<Object> items = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            Object item = parseItem(parts.get(i), text, i + 1 == parts.size());
            if (item instanceof Item it && it.kind().equals("relu") && !items.isEmpty()
                    && items.get(items.size() - 1) instanceof Item before && before.kind().equals("fc")) {
                throw new IllegalArgumentException("architecture '" + shorten(text) + "': a ReLU already follows every fully"
                        + " connected layer but the last; leave out the 'relu' after '" + parts.get(i - 1) + "'");
            }
            items.add(item);
        }
        if (!(items.get(items.size() - 1) instanceof Item last) || !last.kind().equals("fc")) {
            throw new IllegalArgumentException("architecture '" + shorten(text) + "' must end with a fully connected layer"
                    + " of one unit per class, e.g. -10");
        }
        try {
            Shape shape = input;
            for (Object item : items) {
                shape = shapeAfter(item, shape);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("architecture '" + shorten(text) + "': " + e.getMessage(), e);
        }
        return new ArchitectureSpec(text, input, List.copyOf(items), last.units());
    }

    /** The shape after {@code item}, by the rules the layers apply, without making any; throws when it cannot take {@code in}. */
    private static Shape shapeAfter(Object item, Shape in) {
        if (item instanceof Block block) {
            Shape s = in;
            for (Object inner : block.body()) {
                s = shapeAfter(inner, s);
            }
            if (!s.equals(in)) {
                throw new IllegalArgumentException("a residual block's body must keep its input's shape " + in + ", it makes " + s);
            }
            return in;
        }
        Item it = (Item) item;
        return switch (it.kind()) {
            case "conv" -> {
                ConvGeometry g = new ConvGeometry(in.channels(), in.height(), in.width(), it.units(), it.kernel(), it.stride(),
                        it.padding());
                yield new Shape(g.outChannels(), g.outHeight(), g.outWidth());
            }
            case "max", "avg" -> {
                PoolGeometry g = PoolGeometry.square(in.channels(), in.height(), in.width(), it.kernel(), it.stride());
                yield new Shape(g.channels(), g.outHeight(), g.outWidth());
            }
            case "gap" -> Shape.flat(in.channels());
            case "fc" -> Shape.flat(it.units());
            default -> in;
        };
    }

    private static Shape parseInput(String s, String text) {
        Matcher m = SHAPE.matcher(s);
        try {
            if (m.matches()) {
                return new Shape(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            }
            if (s.matches("\\d{1,9}")) {
                return Shape.flat(Integer.parseInt(s));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("architecture '" + shorten(text) + "': the input must be CxHxW (e.g. 1x28x28) or"
                + " a feature count, found '" + shorten(s) + "'");
    }

    private static Object parseItem(String s, String text, boolean last) {
        if (s.startsWith("r(") && s.endsWith(")")) {
            String inner = s.substring(2, s.length() - 1);
            List<Object> body = new ArrayList<>();
            if (inner.isEmpty()) {
                throw new IllegalArgumentException("architecture '" + shorten(text) + "': an empty residual block");
            }
            for (String part : split(inner, text)) {
                body.add(parseItem(part, text, false));
            }
            return new Block(List.copyOf(body));
        }
        try {
            Matcher m;
            if ((m = CONV.matcher(s)).matches()) {
                int k = number(m.group(2));
                return new Item("conv", number(m.group(1)), k, m.group(3) == null ? 1 : number(m.group(3)),
                        m.group(4) == null ? k / 2 : Integer.parseInt(m.group(4)), 0f);
            }
            if ((m = POOL.matcher(s)).matches()) {
                int k = number(m.group(2));
                return new Item(m.group(1).equals("p") ? "max" : "avg", 0, k, m.group(3) == null ? k : number(m.group(3)), 0, 0f);
            }
            if ((m = DROPOUT.matcher(s)).matches()) {
                return new Item("dropout", 0, 0, 0, 0, Float.parseFloat(m.group(1)));
            }
            if ((m = DENSE.matcher(s)).matches()) {
                return new Item("fc", number(m.group(1)), 0, 0, 0, 0f);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("architecture '" + shorten(text) + "': a number in '" + shorten(s)
                    + "' is out of range");
        }
        if (s.equals("gap") || s.equals("bn") || s.equals("relu")) {
            return new Item(s, 0, 0, 0, 0, 0f);
        }
        throw new IllegalArgumentException("architecture '" + shorten(text) + "': unknown layer '" + shorten(s)
                + "'; expected " + GRAMMAR);
    }

    private static int number(String digits) {
        int v = Integer.parseInt(digits);
        if (v < 1) {
            throw new NumberFormatException(digits);
        }
        return v;
    }

    /** Splits at the {@code -} outside parentheses. */
    private static List<String> split(String s, String text) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth < 0) {
                break;
            } else if (ch == '-' && depth == 0) {
                parts.add(s.substring(from, i));
                from = i + 1;
            }
        }
        if (depth != 0) {
            throw new IllegalArgumentException("architecture '" + shorten(text) + "' has unbalanced parentheses");
        }
        parts.add(s.substring(from));
        for (String p : parts) {
            if (p.isEmpty()) {
                throw new IllegalArgumentException("architecture '" + shorten(text) + "' has an empty item (two '-' in a row,"
                        + " or one at an end)");
            }
        }
        return parts;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /** The number of trainable weights the model will have. */
    public long parameterCount() {
        return count(items, input, false);
    }

    /** Multiply-adds of one example's forward pass (convolutions and fully connected layers). */
    public long multiplyAdds() {
        return count(items, input, true);
    }

    private static long count(List<Object> list, Shape in, boolean multiplyAdds) {
        long total = 0;
        Shape shape = in;
        for (Object item : list) {
            if (item instanceof Block block) {
                total += count(block.body(), shape, multiplyAdds);
            } else {
                Item it = (Item) item;
                Shape out = shapeAfter(item, shape);
                total += switch (it.kind()) {
                    case "conv" -> multiplyAdds ? (long) out.size() * shape.channels() * it.kernel() * it.kernel()
                            : (long) it.units() * shape.channels() * it.kernel() * it.kernel() + it.units();
                    case "fc" -> (long) shape.size() * it.units() + (multiplyAdds ? 0 : it.units());
                    case "bn" -> multiplyAdds ? 0 : 2L * shape.channels();
                    default -> 0;
                };
                shape = out;
            }
        }
        return total;
    }

    @Override
    public int[] hiddenWidths() {
        List<Integer> widths = new ArrayList<>();
        Shape shape = input;
        for (int i = 0; i < items.size(); i++) {
            shape = shapeAfter(items.get(i), shape);
            boolean relu = items.get(i) instanceof Item it && (it.kind().equals("relu") || it.kind().equals("fc") && i + 1 < items.size());
            if (relu) {
                widths.add(shape.size());
            }
        }
        return widths.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public Shape inputShape() {
        return input;
    }

    @Override
    public int classes() {
        return classes;
    }

    @Override
    public String describe() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    @Override
    public Sequential build(Backend backend, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        try {
            Shape shape = input;
            for (int i = 0; i < items.size(); i++) {
                shape = add(layers, items.get(i), shape, "layers", i + 1 == items.size(), backend, random);
            }
            return new Sequential(backend, input, layers);
        } catch (RuntimeException e) {
            layers.forEach(Layer::close);
            throw e;
        }
    }

    /** Appends the layer(s) of {@code item} to {@code layers} (named {@code prefix.index}); returns the new shape. */
    private static Shape add(List<Layer> layers, Object item, Shape shape, String prefix, boolean last, Backend backend,
                             SplittableRandom random) {
        String name = prefix + "." + layers.size();
        if (item instanceof Block block) {
            List<Layer> body = new ArrayList<>();
            try {
                Shape s = shape;
                for (Object inner : block.body()) {
                    s = add(body, inner, s, name + ".body", false, backend, random);
                }
                layers.add(new Residual(shape, body));
            } catch (RuntimeException e) {
                body.forEach(Layer::close);
                throw e;
            }
            return shape;
        }
        Item it = (Item) item;
        Layer layer = switch (it.kind()) {
            case "conv" -> {
                Conv2d conv = new Conv2d(backend, name, shape, it.units(), it.kernel(), it.stride(), it.padding());
                conv.initialize(random);
                yield conv;
            }
            case "max" -> new Pool2d(Pool2d.Kind.MAX, shape, it.kernel(), it.stride());
            case "avg" -> new Pool2d(Pool2d.Kind.AVERAGE, shape, it.kernel(), it.stride());
            case "gap" -> new Pool2d(Pool2d.Kind.GLOBAL_AVERAGE, shape, 1, 1);
            case "bn" -> new BatchNorm(backend, name, shape, BatchNorm.DEFAULT_EPS, BatchNorm.DEFAULT_MOMENTUM);
            case "relu" -> new Relu();
            case "dropout" -> new Dropout(it.p());
            case "fc" -> {
                Linear linear = new Linear(backend, name, shape.size(), it.units(), 0f);
                linear.initialize(last ? Linear.Init.XAVIER : Linear.Init.HE, random);
                yield linear;
            }
            default -> throw new IllegalStateException("unknown item " + it.kind());
        };
        layers.add(layer);
        Shape out = layer.outputShape(shape);
        if (it.kind().equals("fc") && !last) {
            layers.add(new Relu());
        }
        return out;
    }
}
