package org.distill4j.distill;

/**
 * The soft terms evaluated on the host in float64 ({@link SoftTerm.Dkd}, {@link SoftTerm.Dist},
 * {@link SoftTerm.StandardizedKd}), and {@link SoftTerm.Kd} as their common part. Logits are row-major
 * {@code rows x classes}; each method returns the batch-mean loss and writes dLoss/dStudent into {@code grad}.
 */
final class HostSoftTerms {
    /** The loss and, where the method has two, its parts (NaN otherwise). */
    record Value(double loss, double first, double second) {
    }

    private HostSoftTerms() {
    }

    static Value evaluate(SoftTerm term, double[] student, double[] teacher, int[] targets, int rows, int classes,
                          double temperature, double[] grad) {
        return switch (term) {
            case SoftTerm.Kd kd -> new Value(kd(student, teacher, rows, classes, temperature, grad), Double.NaN, Double.NaN);
            case SoftTerm.StandardizedKd ls -> new Value(standardizedKd(student, teacher, rows, classes, temperature, grad), Double.NaN, Double.NaN);
            case SoftTerm.Dkd dkd -> dkd(dkd, student, teacher, targets, rows, classes, temperature, grad);
            case SoftTerm.Dist dist -> dist(dist, student, teacher, rows, classes, temperature, grad);
            case SoftTerm.MatchLogits m -> throw new IllegalArgumentException("matching logits runs as a backend op");
        };
    }

    /** {@code T^2/N sum_r KL(q_r || p_r)}, {@code p = softmax(s/T)}, {@code q = softmax(t/T)}; gradient {@code T/N (p - q)}. */
    static double kd(double[] student, double[] teacher, int rows, int classes, double t, double[] grad) {
        double[] p = new double[classes];
        double[] q = new double[classes];
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            softmax(student, base, classes, t, p);
            softmax(teacher, base, classes, t, q);
            for (int j = 0; j < classes; j++) {
                sum += klTerm(q[j], p[j]);
                grad[base + j] = t / rows * (p[j] - q[j]);
            }
        }
        return t * t * sum / rows;
    }

    /** {@link #kd} of per-row z-scores, the gradient taken back through the standardisation. */
    static double standardizedKd(double[] student, double[] teacher, int rows, int classes, double t, double[] grad) {
        double[] zs = new double[student.length];
        double[] zt = new double[teacher.length];
        double[] sigma = new double[rows];
        for (int r = 0; r < rows; r++) {
            sigma[r] = standardize(student, r * classes, classes, zs);
            standardize(teacher, r * classes, classes, zt);
        }
        double[] g = new double[grad.length];
        double loss = kd(zs, zt, rows, classes, t, g);
        final double eps = 1e-7;
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            double s = sigma[r];
            double meanG = 0;
            double gDotC = 0;
            double mean = mean(student, base, classes);
            for (int j = 0; j < classes; j++) {
                meanG += g[base + j];
                gDotC += g[base + j] * (student[base + j] - mean);
            }
            meanG /= classes;
            for (int j = 0; j < classes; j++) {
                double c = student[base + j] - mean;
                double spread = s == 0 ? 0 : c * gDotC / ((classes - 1) * s * (eps + s) * (eps + s));
                grad[base + j] = (g[base + j] - meanG) / (eps + s) - spread;
            }
        }
        return loss;
    }

    /**
     * TCKD: KL of {@code (p_g, 1 - p_g)}, gradient in {@code z = s/T} of {@code (p_g - q_g)} at the target and
     * {@code -(p_g - q_g) p_k / (1 - p_g)} elsewhere. NCKD: KL over the other classes, renormalised; gradient
     * {@code p'_k - q'_k} there and 0 at the target.
     */
    static Value dkd(SoftTerm.Dkd w, double[] student, double[] teacher, int[] targets, int rows, int classes,
                     double t, double[] grad) {
        requireDkdClasses(classes);
        double[] p = new double[classes];
        double[] q = new double[classes];
        double tckd = 0;
        double nckd = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            int g = targets[r];
            softmax(student, base, classes, t, p);
            softmax(teacher, base, classes, t, q);
            double pOther = 0;
            double qOther = 0;
            for (int j = 0; j < classes; j++) {
                if (j != g) {
                    pOther += p[j];
                    qOther += q[j];
                }
            }
            tckd += klTerm(q[g], p[g]) + klTerm(qOther, pOther);
            double targetGap = p[g] - q[g];
            for (int j = 0; j < classes; j++) {
                double dz;
                if (j == g) {
                    dz = w.targetWeight() * targetGap;
                } else {
                    double pj = p[j] / pOther;
                    double qj = q[j] / qOther;
                    nckd += klTerm(qj, pj);
                    dz = -w.targetWeight() * targetGap * pj + w.nonTargetWeight() * (pj - qj);
                }
                grad[base + j] = t / rows * dz;
            }
        }
        double scale = t * t / rows;
        tckd *= scale;
        nckd *= scale;
        return new Value(w.targetWeight() * tckd + w.nonTargetWeight() * nckd, tckd, nckd);
    }

    /** Throws unless DKD can split {@code classes} into a target and at least two others. */
    static void requireDkdClasses(int classes) {
        if (classes < 3) {
            throw new IllegalArgumentException("DKD needs at least 3 classes: with " + classes
                    + " the non-target distribution has one class and NCKD is always zero; use --method kd");
        }
    }

    /** DIST's relations of {@code y = softmax(z/T)}: one Pearson correlation per row (inter) and per column (intra). */
    static Value dist(SoftTerm.Dist w, double[] student, double[] teacher, int rows, int classes, double t, double[] grad) {
        double[] ys = new double[student.length];
        double[] yt = new double[teacher.length];
        for (int r = 0; r < rows; r++) {
            softmax(student, r * classes, classes, t, ys, r * classes);
            softmax(teacher, r * classes, classes, t, yt, r * classes);
        }
        double[] dy = new double[ys.length];
        double interSum = 0;
        for (int r = 0; r < rows; r++) {
            interSum += pearson(ys, yt, r * classes, 1, classes, -w.interWeight() * t * t / rows, dy);
        }
        double intraSum = 0;
        for (int c = 0; c < classes; c++) {
            intraSum += pearson(ys, yt, c, classes, rows, -w.intraWeight() * t * t / classes, dy);
        }
        for (int r = 0; r < rows; r++) {
            int base = r * classes;
            double dot = 0;
            for (int j = 0; j < classes; j++) {
                dot += dy[base + j] * ys[base + j];
            }
            for (int j = 0; j < classes; j++) {
                grad[base + j] = ys[base + j] * (dy[base + j] - dot) / t;
            }
        }
        double inter = t * t * (1 - interSum / rows);
        double intra = t * t * (1 - intraSum / classes);
        return new Value(w.interWeight() * inter + w.intraWeight() * intra, inter, intra);
    }

    /**
     * The Pearson correlation of the {@code n} elements of {@code a} and {@code b} at {@code from}, {@code from + stride}, ...
     * (DIST's convention: {@code 1e-8} added to the product of the norms); adds {@code scale * d corr / d a} to {@code da}.
     */
    private static double pearson(double[] a, double[] b, int from, int stride, int n, double scale, double[] da) {
        double meanA = 0;
        double meanB = 0;
        for (int i = 0; i < n; i++) {
            meanA += a[from + i * stride];
            meanB += b[from + i * stride];
        }
        meanA /= n;
        meanB /= n;
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < n; i++) {
            double x = a[from + i * stride] - meanA;
            double y = b[from + i * stride] - meanB;
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }
        normA = Math.sqrt(normA);
        normB = Math.sqrt(normB);
        double denom = normA * normB + 1e-8;
        double corr = dot / denom;
        double[] d = new double[n];
        double meanD = 0;
        for (int i = 0; i < n; i++) {
            double x = a[from + i * stride] - meanA;
            double y = b[from + i * stride] - meanB;
            double viaNorm = normA == 0 ? 0 : dot * normB * x / (normA * denom * denom);
            d[i] = y / denom - viaNorm;
            meanD += d[i];
        }
        meanD /= n;
        for (int i = 0; i < n; i++) {
            da[from + i * stride] += scale * (d[i] - meanD);
        }
        return corr;
    }

    /** Writes the row's z-scores into {@code out} at the same place and returns its unbiased standard deviation. */
    private static double standardize(double[] z, int base, int n, double[] out) {
        double mean = mean(z, base, n);
        double ss = 0;
        for (int j = 0; j < n; j++) {
            ss += (z[base + j] - mean) * (z[base + j] - mean);
        }
        double sigma = Math.sqrt(ss / (n - 1));
        for (int j = 0; j < n; j++) {
            out[base + j] = (z[base + j] - mean) / (1e-7 + sigma);
        }
        return sigma;
    }

    private static double mean(double[] z, int base, int n) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += z[base + j];
        }
        return sum / n;
    }

    private static void softmax(double[] z, int base, int n, double t, double[] out) {
        softmax(z, base, n, t, out, 0);
    }

    private static void softmax(double[] z, int base, int n, double t, double[] out, int outBase) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[base + j] / t);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            out[outBase + j] = Math.exp(z[base + j] / t - max);
            sum += out[outBase + j];
        }
        for (int j = 0; j < n; j++) {
            out[outBase + j] /= sum;
        }
    }

    /** {@code q log(q / p)}, 0 where {@code q} is 0. */
    private static double klTerm(double q, double p) {
        return q == 0 ? 0 : q * Math.log(q / p);
    }
}
