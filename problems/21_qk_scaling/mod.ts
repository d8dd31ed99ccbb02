/**
 * Problem 21: the moments of Q = X W^Q, K = X W^K and the scaled logits
 * A = Q Kᵀ/√d_K under LeCun initialisation, computed two ways:
 *
 * - exactly ({@link exactProductMoment}, {@link exactLogitMoment}): every entry expanded
 *   into Gaussian monomials and their expectations summed in rational arithmetic;
 * - by Monte Carlo ({@link bandsFor}) with a median-of-means band (`meanBand` of
 *   `shared/stats`) at a stated false-alarm probability.
 *
 * @module
 */
export * from "./exact_moments.ts";
export * from "./monte_carlo.ts";
