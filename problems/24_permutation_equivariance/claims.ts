/**
 * Problem 24's claims, each with its negative control.
 *
 * @module
 */
import fc from "fast-check";
import {
  embedRef,
  initEncoder,
  initLayer,
  type Matrix,
  matrix,
  variedRowsMatrix,
} from "../../shared/attention/mod.ts";
import { Rng } from "../../shared/random/mod.ts";
import {
  checkProperty,
  type Claim,
  ClaimViolation,
  defineClaims,
  isViolation,
} from "../../shared/testing/mod.ts";
import { withNoTensorLeak } from "../../shared/tf/mod.ts";
import {
  encoderEquivarianceGap,
  type EquivarianceGap,
  type Implementation,
  layerEquivarianceGap,
  randomPermutation,
} from "./mod.ts";

/** Widths with the heads that divide them: (d, H). */
const WIDTHS: [number, number][] = [[4, 1], [4, 2], [6, 3], [8, 2], [8, 4], [12, 3], [16, 4]];

/** Sizes and a seed; everything random is drawn from the seed. */
const arbSizes = fc.record({
  width: fc.constantFrom(...WIDTHS),
  depth: fc.integer({ min: 1, max: 3 }),
  vocab: fc.integer({ min: 2, max: 10 }),
  length: fc.integer({ min: 1, max: 10 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});
/** One case: sizes and the seed of everything random in it. */
interface Case {
  width: [number, number];
  depth: number;
  vocab: number;
  length: number;
  seed: number;
}

/**
 * A pinned case where every control must fail whatever the seed: distinct tokens 0..5 and
 * σ = reversal, L = 6. It is marked by a seed the arbitrary never draws.
 */
const PINNED: Case = { width: [8, 2], depth: 2, vocab: 8, length: 6, seed: -1 };
const isPinned = (c: Case) => c.seed === PINNED.seed;

/**
 * Tolerances relative to the output scale max(1, max|y|). float64: both sides are the same
 * arithmetic on the same numbers, only the order of sums over positions changes, so they agree
 * to a few ulps per layer (≤ 1e-15 · L · depth); 1e-10 is safe. float32: the same with ulp
 * 2^-24 ≈ 6e-8 gives ≤ 1e-6 at L ≤ 10 and depth ≤ 3; 1e-4 leaves a 100× margin, while breaking
 * equivariance (a mask, a position signal) moves outputs by O(0.1) of the scale.
 */
const TOL: Record<Implementation, number> = { float64: 1e-10, tfjs: 1e-4 };

/**
 * float32 tfjs against the float64 reference on the same input, relative to the output
 * scale: the tfjs layers round every input, weight and partial sum to 2^-24 and LayerNorm
 * divides by spreads down to 0.1, so they differ by ≤ 1e-5 of the scale; 1e-4 leaves a 10×
 * margin, while a wrong LayerNorm, scale or mask in either moves outputs by O(0.1).
 */
const AGREE = 1e-4;

/** 1 − (largest |a − b| / scale) / AGREE: ≥ 0 when the two implementations agree. */
function agreementMargin(a: Matrix, b: Matrix, scale: number): number {
  let worst = 0;
  a.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b.data[i]!))));
  return AGREE - worst / scale;
}

const OVER_A =
  "Pre-LN layers with (d, H) ∈ {(4,1),(4,2),(6,3),(8,2),(8,4),(12,3),(16,4)}, random " +
  "LayerNorm gains and biases, X ∈ R^{L×d} with row means in [−3, 3] and spreads 0.1..10, " +
  "L ∈ 1..10, σ uniform; float64 and tfjs, each equivariant and the two equal";
const OVER_B = "encoders of depth 1–3 with the widths of 24a, N ∈ 2..10, random tokens (repeats " +
  "allowed), L ∈ 1..10, σ uniform; float64 and tfjs, each equivariant and the two equal";

/**
 * "σ uniform" exactly: for each L ∈ 0..5, `randomPermutation` is run on every sequence of
 * answers its random source can give (an answer to int(n) is one of 0..n − 1, each with
 * probability 1/n), and the probabilities of the permutations it returns are summed. Each of
 * the L! permutations must get exactly 1/L!, and nothing else may come out. Returns the number
 * of answer sequences tried.
 */
function assertUniformPermutations(): number {
  let sequences = 0;
  for (let length = 0; length <= 5; length++) {
    const prob = new Map<string, number>();
    // depth-first over the answers: `tape` holds the answers given so far, with their ranges
    const explore = (tape: { answer: number; n: number }[]) => {
      let call = 0;
      let branch: number | null = null; // the range of the first call not on the tape
      const source = {
        int: (n: number) => {
          if (call < tape.length) return tape[call++]!.answer;
          branch ??= n;
          return 0;
        },
      } as unknown as Rng;
      const sigma = randomPermutation(source, length).join();
      if (branch === null) {
        sequences++;
        const p = tape.reduce((acc, t) => acc / t.n, 1);
        prob.set(sigma, (prob.get(sigma) ?? 0) + p);
        return;
      }
      for (let answer = 0; answer < branch; answer++) explore([...tape, { answer, n: branch }]);
    };
    explore([]);
    let factorial = 1;
    for (let k = 2; k <= length; k++) factorial *= k;
    const isPermutation = (key: string) =>
      (key === "" ? [] : key.split(",").map(Number)).sort((a, b) => a - b)
        .every((v, i) => v === i);
    // products of at most 4 factors 1/n summed over ≤ 120 sequences: 1e-12
    const wrong = [...prob].filter(([key, p]) =>
      !(Math.abs(p - 1 / factorial) <= 1e-12 && isPermutation(key))
    );
    if (prob.size !== factorial || wrong.length > 0) {
      throw new ClaimViolation(
        `L = ${length}: ${prob.size} outcomes for ${factorial} permutations; off: ${
          wrong.slice(0, 3).map(([k, p]) => `[${k}] with probability ${p}`).join(", ")
        }`,
      );
    }
  }
  return sequences;
}

/**
 * The sinusoidal variant of 24b's control is the table of Vaswani et al.: the rows the float64
 * embedding adds (`embedRef` with all token embeddings 0, so it returns the table itself), for
 * every width of the claim and L = 10, against the rotation recurrence
 * (PE[ℓ + 1, 2i], PE[ℓ + 1, 2i + 1]) = R(ω_i) (PE[ℓ, 2i], PE[ℓ, 2i + 1]) from PE[0] = (0, 1, 0, 1, …),
 * ω_i = 10000^(−2i/d): angle addition, never sin or cos of ℓω_i. Each step adds a few ulps to
 * entries of size ≤ 1, so ten steps stay within 1e-14; 1e-12 leaves room, while an entry of
 * another frequency, position or parity is off by O(0.1). A wrong table would make the control
 * reject a variant nobody stated, so this is an error, not a violation (the control then counts
 * as accepted). Returns the entries checked.
 */
function assertSinusoidalTables(): number {
  const L = 10;
  let entries = 0;
  for (const d of new Set(WIDTHS.map(([d]) => d))) {
    const pe = embedRef(matrix(L, 1), {
      embedding: matrix(1, d),
      positional: { kind: "sinusoidal" },
    });
    if (pe.rows !== L || pe.cols !== d) {
      throw new Error(`the sinusoidal embedding of L = ${L}, d = ${d} is [${pe.rows}, ${pe.cols}]`);
    }
    for (let i = 0; 2 * i < d; i++) {
      const w = Math.pow(10000, (-2 * i) / d);
      const c = Math.cos(w), s = Math.sin(w);
      let sin = 0, cos = 1; // position 0
      for (let l = 0; l < L; l++) {
        // sin((ℓ + 1)ω) = sin ℓω cos ω + cos ℓω sin ω; cos((ℓ + 1)ω) = cos ℓω cos ω − sin ℓω sin ω
        if (l > 0) [sin, cos] = [sin * c + cos * s, cos * c - sin * s];
        for (const [j, want] of [[2 * i, sin], [2 * i + 1, cos]] as const) {
          const got = pe.data[l * d + j]!;
          if (!(Math.abs(got - want) <= 1e-12)) {
            throw new Error(
              `the sinusoidal variant is not the sinusoidal embedding: PE[${l}, ${j}] = ${got} ` +
                `for d = ${d}, the rotation recurrence gives ${want}`,
            );
          }
          entries++;
        }
      }
    }
  }
  return entries;
}

/**
 * The premise of the tolerances: each gap's `scale` is max(1, max|y|) over the output y = f(x),
 * read here off the returned output (P y has the same entries, so the maximum is exact). A
 * larger scale would loosen every tolerance by its factor, a smaller one (no floor of 1)
 * would make them meaningless near y = 0. Returns the gap for chaining.
 */
function checkedScale(g: EquivarianceGap, where: string): EquivarianceGap {
  let want = 1;
  for (const v of g.output.data) want = Math.max(want, Math.abs(v));
  if (g.scale !== want) {
    throw new ClaimViolation(`${where}: the gap's scale is ${g.scale}, max(1, max|y|) is ${want}`);
  }
  return g;
}

/** Margin of one layer case: the worst of float64 and tfjs, relative to the tolerance. */
function layerMargin(c: Case, causal: boolean): number {
  const rng = new Rng(c.seed);
  const [d, heads] = c.width;
  const layer = initLayer(rng, { d, heads, norm: "random" });
  // rows with different means and spreads, where a LayerNorm bug cannot hide
  const x = variedRowsMatrix(rng, c.length, d);
  const sigma = isPinned(c)
    ? [...Array(c.length).keys()].reverse()
    : randomPermutation(rng, c.length);
  // no mask is the layer's default, so the claim calls it as a caller would: without the option
  const mask = causal ? { causal } : {};
  const g64 = checkedScale(
    layerEquivarianceGap(layer, x, sigma, { implementation: "float64", ...mask }),
    "float64 layer",
  );
  const g32 = checkedScale(
    layerEquivarianceGap(layer, x, sigma, { implementation: "tfjs", ...mask }),
    "tfjs layer",
  );
  return Math.min(
    TOL.float64 - g64.maxError / g64.scale,
    TOL.tfjs - g32.maxError / g32.scale,
    agreementMargin(g64.output, g32.output, g64.scale),
  );
}

/** Margin of one encoder case. */
function encoderMargin(c: Case, positional: "none" | "learned" | "sinusoidal"): number {
  const rng = new Rng(c.seed);
  const [d, heads] = c.width;
  const enc = initEncoder(rng, {
    d,
    heads,
    vocab: c.vocab,
    depth: c.depth,
    positional,
    maxLength: 10,
    norm: "random",
  });
  const tokens = isPinned(c)
    ? [...Array(c.length).keys()]
    : Array.from({ length: c.length }, () => rng.int(c.vocab));
  const sigma = isPinned(c)
    ? [...Array(c.length).keys()].reverse()
    : randomPermutation(rng, c.length);
  const g64 = checkedScale(
    encoderEquivarianceGap(enc, tokens, sigma, { implementation: "float64" }),
    "float64 encoder",
  );
  const g32 = checkedScale(
    encoderEquivarianceGap(enc, tokens, sigma, { implementation: "tfjs" }),
    "tfjs encoder",
  );
  return Math.min(
    TOL.float64 - g64.maxError / g64.scale,
    TOL.tfjs - g32.maxError / g32.scale,
    agreementMargin(g64.output, g32.output, g64.scale),
  );
}

/** The claims of Problem 24. */
export const claims: Claim[] = defineClaims(24, [
  {
    id: "24a",
    statement: "a Pre-LN layer without a mask is permutation equivariant: layer(P X) = P layer(X)",
    check: async (ctx) => {
      const uniform = assertUniformPermutations();
      const evidence = await withNoTensorLeak(
        "24a",
        () =>
          checkProperty(
            { seed: ctx.seed, over: OVER_A, numRuns: 40, examples: [PINNED] },
            arbSizes,
            (c) => layerMargin(c, false),
          ),
      );
      return {
        ...evidence,
        note: `σ drawn uniformly: every answer sequence of the random source for L ≤ 5 ` +
          `(${uniform}) enumerated, each permutation has probability exactly 1/L!`,
      };
    },
    negativeControl: {
      variant: "the same layer with the causal mask",
      check: (ctx) =>
        checkProperty(
          { seed: ctx.seed, over: OVER_A, numRuns: 40, examples: [PINNED] },
          arbSizes,
          (c) => layerMargin(c, true),
        ),
    },
  },
  {
    id: "24b",
    statement:
      "the encoder without positional embeddings or mask is permutation equivariant: f(u_σ(1..L)) = (y_σ(1..L))",
    check: (ctx) =>
      withNoTensorLeak(
        "24b",
        () =>
          checkProperty(
            { seed: ctx.seed, over: OVER_B, numRuns: 40, examples: [PINNED] },
            arbSizes,
            (c) => encoderMargin(c, "none"),
          ),
      ),
    negativeControl: {
      variant: "the same encoders with learned, then sinusoidal, positional embeddings",
      check: (ctx) => {
        const opts = { seed: ctx.seed, over: OVER_B, numRuns: 40, examples: [PINNED] };
        const rejections: string[] = [];
        const tableEntries = assertSinusoidalTables();
        for (const kind of ["learned", "sinusoidal"] as const) {
          try {
            checkProperty(opts, arbSizes, (c) => encoderMargin(c, kind));
            return `${kind} positional embeddings kept equivariance`; // accepted: the control failed
          } catch (e) {
            if (!isViolation(e)) throw e; // a crash decides nothing
            rejections.push(`${kind}: ${(e as Error).message.split("\n")[0]}`);
          }
        }
        throw new ClaimViolation(
          `both variants break equivariance (the sinusoidal table first checked against the ` +
            `rotation recurrence, ${tableEntries} entries); ${rejections.join("; ")}`,
        );
      },
    },
  },
]);
