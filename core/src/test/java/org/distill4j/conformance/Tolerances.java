package org.distill4j.conformance;

/**
 * Every tolerance of the conformance suite, in one place.
 *
 * <p>A result passes when {@code |actual - expected| <= tolerance}, where {@code expected} comes from
 * the suite's float64 reference and the tolerance is a float32 rounding-error bound for that element,
 * computed from float64 magnitudes of the case (so a badly conditioned case gets the slack float32
 * honestly needs, and a well conditioned one stays tight). {@code U = 2^-24} is float32's unit roundoff.
 * NaN and infinities are never covered by a tolerance: they must match exactly.
 *
 * <table>
 *   <caption>Op families and their rules</caption>
 *   <tr><th>family</th><th>ops</th><th>tolerance per element</th></tr>
 *   <tr><td>exact</td><td>fill, copy, relu, reluBackward, argmaxRows, dropout's keep/drop pattern</td>
 *       <td>0 (bit for bit for fill and copy)</td></tr>
 *   <tr><td>{@link #elementwise}</td><td>axpy, scale, mul, addRowBias</td>
 *       <td>{@code 2 U * sum of |terms|} (one rounding, an FMA or not, a scalar rounded first)</td></tr>
 *   <tr><td>{@link #formula}</td><td>sgdUpdate, adamUpdate moments, dropout's kept values
 *       ({@code 1 - p}, its reciprocal, the product), the scaling of loss gradients ({@code weight T / N})</td>
 *       <td>{@code 8 U * sum of |terms|} (a few roundings in a short formula)</td></tr>
 *   <tr><td>{@link #reduction}</td><td>sumRows, sumSquares, loss means, column norms</td>
 *       <td>{@code (n + 4) U * sum of |terms|}: the classic worst-case bound of summing n terms in float32</td></tr>
 *   <tr><td>{@link #gemm}</td><td>gemm</td>
 *       <td>{@code (k + 4) U * (|alpha| (|op(A)| |op(B)|)_ij + |beta C_ij|)}: a dot product of length k</td></tr>
 *   <tr><td>{@link #softmaxRow}, {@link #logSoftmaxRow}</td><td>softmax, logSoftmax, the losses built on them</td>
 *       <td>twice the first-order bound: rounding {@code z/T} costs {@code U |z/T|} absolute in the exponent,
 *       so logits of 1e4 at T = 0.5 allow relative errors near 1e-3 (but none for the row's maximum,
 *       whose {@code z/T - max} is exactly 0); plus n U for the row sum and 4 U for {@code exp};
 *       logSoftmax also allows {@code U |max|}; probabilities below {@link #TINY} may come out as 0</td></tr>
 *   <tr><td>{@link #adamParam}</td><td>adamUpdate's parameter</td>
 *       <td>{@link #formula} of the step, plus {@code U / (1 - beta^step)} relative, because the bias
 *       corrections lose digits when computed in float32</td></tr>
 *   <tr><td>exact</td><td>maxPool2d; maxPool2dBackward where one window at most picks an input</td>
 *       <td>0 (a maximum is one of its inputs; ties go to the first in scan order)</td></tr>
 *   <tr><td>{@link #convolution}</td><td>conv2d</td>
 *       <td>{@link #gemm} with {@code k = C k k + 2}, against {@code |bias| + sum |w x|}: a dot product of length
 *       {@code C k k}, the bias one more term, and one more rounding where it is added after the products</td></tr>
 *   <tr><td>{@link #gemm}</td><td>conv2dBackward</td>
 *       <td>gradWeight: {@code k = N oh ow} (a sum over every output pixel of the batch); gradInput:
 *       {@code k = outC k k} (at most that many products reach one input); each against its sum of {@code |dy w|}
 *       or {@code |dy x|}</td></tr>
 *   <tr><td>{@link #reduction}</td><td>conv2dBackward's gradBias, batchNormBackward's gradBeta; maxPool2dBackward
 *       where several windows pick one input</td><td>a sum of {@code N oh ow}, {@code M} or that many windows' terms</td></tr>
 *   <tr><td>{@link #average}</td><td>avgPool2d, avgPool2dBackward, channelMoments' mean</td>
 *       <td>{@link #reduction} of {@code n + 2} terms against the mean of {@code |x|}: a sum of n terms, then
 *       {@code 1/n} rounded and a multiplication (or one division)</td></tr>
 *   <tr><td>{@link #channelVariance}</td><td>channelMoments' biased variance</td>
 *       <td>{@link #reduction} of {@code M + 4} terms against {@code mean((|x - mean| + |mean|)^2)}: the two-pass
 *       sum of squared deviations, and also a one-pass {@code mean(x^2) - mean^2}, whose error grows with
 *       {@code mean^2}</td></tr>
 *   <tr><td>{@link #elementwise}</td><td>channelAffine</td><td>against {@code |scale x| + |shift|}</td></tr>
 *   <tr><td>{@link #batchNormInput}</td><td>batchNormBackward's gradIn, and gradGamma</td>
 *       <td>gradIn: {@link #formula} of {@code |gamma| invStd (|dy| + mean|dy| + |xhat| mean(|dy| |xhat|))} plus
 *       {@code |gamma| invStd} times the {@link #reduction} of the two channel means, where {@code |xhat|} is taken
 *       as {@code |x - mean| invStd + |mean| invStd} because x - mean is rounded and mean and invStd come in as
 *       float32; gradGamma: {@link #reduction} of {@code M + 4} terms against {@code sum |dy| |xhat|}</td></tr>
 *   <tr><td>{@link #HAND_CASE}</td><td>losses on tiny cases with values worked out by hand</td>
 *       <td>{@code 1e-6} absolute (inputs such as {@code 2 ln 3} are float32 roundings of the exact values)</td></tr>
 *   <tr><td>finite differences</td><td>loss gradients against the float64 reference loss</td>
 *       <td>the gradient's own tolerance plus {@link #FD_RTOL} of the largest gradient element</td></tr>
 * </table>
 */
public final class Tolerances {
    /** float32 unit roundoff. */
    public static final double U = 0x1p-24;

    /** Probabilities this small may come out as exactly 0 (flushed denormals, fast {@code exp} cut-offs). */
    public static final double TINY = 0x1p-100;

    /** Units of roundoff allowed for a single rounded operation. */
    public static final double ELEMENTWISE_ULPS = 2;

    /** Units of roundoff allowed for a short formula of a few operations. */
    public static final double FORMULA_ULPS = 8;

    /** Units of roundoff allowed for one {@code exp} or {@code log}. */
    public static final double EXP_ULPS = 4;

    /** Slack over the first-order bound of the softmax family. */
    public static final double SOFTMAX_SAFETY = 2;

    /** Central-difference step, relative to {@code max(1, |x|)}, for finite-difference gradients in float64. */
    public static final double FD_STEP = 1e-5;

    /** How far a float64 central difference is trusted, relative to the largest gradient element. */
    public static final double FD_RTOL = 1e-6;

    /** Absolute tolerance for the tiny loss cases whose values are worked out by hand. */
    public static final double HAND_CASE = 1e-6;

    private Tolerances() {
    }

    /** A single rounded operation whose terms have absolute values summing to {@code absTerms}. */
    public static double elementwise(double absTerms) {
        return ELEMENTWISE_ULPS * U * absTerms;
    }

    /** A short formula whose terms have absolute values summing to {@code absTerms}. */
    public static double formula(double absTerms) {
        return FORMULA_ULPS * U * absTerms;
    }

    /** A sum of {@code n} terms whose absolute values sum to {@code absTerms}. */
    public static double reduction(long n, double absTerms) {
        return (n + 4) * U * absTerms;
    }

    /** One element of a gemm with inner dimension {@code k}; {@code absScale = |alpha| (|A||B|)_ij + |beta C_ij|}. */
    public static double gemm(int k, double absScale) {
        return (k + 4) * U * absScale;
    }

    /** One conv2d output of a patch of {@code patchSize = C k k} weights; {@code absScale = |bias| + sum |w x|}. */
    public static double convolution(int patchSize, double absScale) {
        return gemm(patchSize + 2, absScale);
    }

    /** The mean of {@code n} terms whose absolute values have mean {@code absMean}. */
    public static double average(long n, double absMean) {
        return reduction(n + 2, absMean);
    }

    /**
     * The biased variance of {@code m} values; {@code magnitude = mean((|x - mean| + |mean|)^2)}, which bounds both
     * the squared deviations and {@code mean(x^2)}.
     */
    public static double channelVariance(long m, double magnitude) {
        return reduction(m + 4, magnitude);
    }

    /**
     * One element of batchNormBackward's gradIn, {@code gamma invStd (dy - mean(dy) - xhat mean(dy xhat))} over the
     * {@code m} values of its channel.
     *
     * @param factor      {@code |gamma| invStd}
     * @param absDy       {@code |dy|} of this element
     * @param meanAbsDy   the channel's mean of {@code |dy|}
     * @param xhat        this element's {@code |x - mean| invStd + |mean| invStd}
     * @param meanAbsDyXhat the channel's mean of {@code |dy|} times that magnitude
     */
    public static double batchNormInput(long m, double factor, double absDy, double meanAbsDy, double xhat,
                                        double meanAbsDyXhat) {
        double means = meanAbsDy + xhat * meanAbsDyXhat;
        return formula(factor * (absDy + means)) + factor * reduction(m, means);
    }

    /**
     * Per-element tolerances for one softmax row.
     *
     * @param scaled the row's {@code z / T} in float64
     * @param p      the reference probabilities of the row
     */
    public static double[] softmaxRow(double[] scaled, double[] p) {
        double[] arg = exponentErrors(scaled, p);
        double sum = sumError(arg, p);
        double[] tol = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            tol[j] = p[j] == 0 ? TINY : SOFTMAX_SAFETY * p[j] * (arg[j] + sum + EXP_ULPS * U) + TINY;
        }
        return tol;
    }

    /**
     * Per-element tolerances for one logSoftmax row (entries whose expected value is {@code -inf}
     * must be {@code -inf}; their tolerance is unused). Besides the softmax terms it allows
     * {@code U |max|}, so both {@code (z/T - max) - log(sum)} and {@code z/T - (max + log(sum))} pass.
     *
     * @param scaled the row's {@code z / T} in float64
     * @param p      the reference probabilities of the row
     * @param logp   the reference log-probabilities of the row
     */
    public static double[] logSoftmaxRow(double[] scaled, double[] p, double[] logp) {
        double[] arg = exponentErrors(scaled, p);
        double sum = sumError(arg, p);
        double logSum = Math.log(p.length) + 1;
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scaled) {
            max = Math.max(max, s);
        }
        double shift = Double.isFinite(max) ? Math.abs(max) : 0;
        double[] tol = new double[p.length];
        for (int j = 0; j < p.length; j++) {
            tol[j] = SOFTMAX_SAFETY * (arg[j] + sum + U * (Math.abs(logp[j]) + shift + logSum + EXP_ULPS));
        }
        return tol;
    }

    /**
     * adamUpdate's parameter, computed from the kernel's own new moments.
     *
     * @param param  the parameter before the step
     * @param update {@code lr * mHat / (sqrt(vHat) + eps)} in float64
     * @param bias1  {@code 1 - beta1^step}
     * @param bias2  {@code 1 - beta2^step}
     */
    public static double adamParam(double param, double update, double bias1, double bias2) {
        return formula(Math.abs(param) + Math.abs(update)) + U * Math.abs(update) * (1 / bias1 + 1 / bias2);
    }

    /** The tolerance for a kernel gradient checked against a finite difference of the reference loss. */
    public static double finiteDifference(double gradientTolerance, double largestGradient) {
        return gradientTolerance + FD_RTOL * largestGradient;
    }

    /**
     * Absolute error in {@code z_j/T - max}: both terms rounded once (or {@code 1/T} rounded first);
     * none for the entries equal to the maximum, whose difference is exactly 0 however it is computed.
     */
    private static double[] exponentErrors(double[] scaled, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (double s : scaled) {
            max = Math.max(max, s);
        }
        double[] arg = new double[scaled.length];
        for (int j = 0; j < scaled.length; j++) {
            boolean usable = max != Double.NEGATIVE_INFINITY && Double.isFinite(scaled[j]) && scaled[j] != max;
            arg[j] = usable ? 2 * U * (Math.abs(scaled[j]) + Math.abs(max)) : 0;
        }
        return arg;
    }

    /** Relative error of the row sum of exponentials: the entries' exponent errors weighted by p, plus summation. */
    private static double sumError(double[] arg, double[] p) {
        double weighted = 0;
        for (int j = 0; j < p.length; j++) {
            weighted += p[j] * arg[j];
        }
        return weighted + (p.length + 2) * U + EXP_ULPS * U;
    }
}
