import assert from "node:assert/strict";
import { withNoTensorLeak } from "./shared/tf/mod.ts";
import { ALGORITHMS, main, parseTrainArgs, runTrain, type SeedSummary } from "./train.ts";

/** Output sinks that record everything. */
function recorder() {
  const lines: string[] = [];
  const errors: string[] = [];
  const files: Record<string, unknown> = {};
  return {
    lines,
    errors,
    files,
    io: {
      log: (l: string) => void lines.push(l),
      error: (l: string) => void errors.push(l),
      writeJson: (p: string, d: unknown) => Promise.resolve(void (files[p] = d)),
    },
  };
}

Deno.test("train: the common flags are parsed", () => {
  assert.deepEqual(
    parseTrainArgs(["pg", "--seed=3", "--budget", "640", "--seeds", "4", "--json"]),
    {
      algorithm: "pg",
      seed: 3,
      seeds: 4,
      budget: 640,
      json: true,
      config: {},
    },
  );
});

Deno.test("train: every user mistake gets one line naming the flag, the value and what is allowed, and exit code 2", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["sarsa"],
      /^unknown algorithm "sarsa"; allowed: policy-iteration, mc, td, pg, grpo, dr-grpo$/,
    ],
    [["policy-iteration", "--sed", "1"], /^unknown flag "--sed" for policy-iteration; allowed: /],
    [["policy-iteration", "--seed"], /^--seed needs a value$/],
    [
      ["policy-iteration", "--seed", "abc"],
      /^--seed: got "abc"; allowed: an integer in \[0, 2\^32\)$/,
    ],
    [
      ["policy-iteration", "--seed", "-3"],
      /^--seed: got "-3"; allowed: an integer in \[0, 2\^32\)$/,
    ],
    [
      ["policy-iteration", "--seeds", "0"],
      /^--seeds: got "0"; allowed: an integer in \[1, 1000\]$/,
    ],
    [["policy-iteration", "--budget=-5"], /^--budget: got "-5"; allowed: an integer ≥ 0$/],
    [["policy-iteration", "--budget", "1.5"], /^--budget: got "1\.5"; allowed: an integer ≥ 0$/],
    [["grpo", "--lr", "abc"], /^--lr: got "abc"; allowed: a number in \(0, 1\]$/],
    [["grpo", "--lr", "0"], /^--lr: got "0"; allowed: a number in \(0, 1\]$/],
    [
      ["grpo", "--group-size", "2.5"],
      /^--group-size: got "2\.5"; allowed: an integer in \[2, 4096\]$/,
    ],
    [["grpo", "--clip=1"], /^--clip: got "1"; allowed: a number in \(0, 1\)$/],
    [["grpo", "--use-clip", "yes"], /^--use-clip: got "yes"; allowed: true or false$/],
    [["grpo", "--advantage-sign", "2"], /^--advantage-sign: got "2"; allowed: one of 1, -1$/],
    [["grpo", "--variant", "dr-grpo"], /^unknown flag "--variant" for grpo; allowed: /],
    [["dr-grpo", "--epochs"], /^--epochs needs a value$/],
    [["dr-grpo", "--epochs", "--json"], /^--epochs needs a value$/],
    [[], /^usage: deno task train <algorithm>/],
  ];
  for (const [args, message] of cases) {
    const r = recorder();
    const code = await main(args, r.io);
    const text = [...r.errors, ...r.lines].join("\n");
    assert.equal(code, 2, `${args.join(" ")}: exit code ${code}, output ${text}`);
    const line = args.length === 0 ? r.lines[0]! : r.errors.join("\n");
    assert.match(line, message, args.join(" "));
    if (args.length > 0) assert.ok(!line.includes("\n") && !line.includes("    at "), line);
  }
});

Deno.test("train: --help lists every configuration field of the algorithm as a flag, and exits 0", async () => {
  const r = recorder();
  assert.equal(await main(["grpo", "--help"], r.io), 0);
  const text = r.lines.join("\n");
  const { defaultConfig } = await import("./problems/19_grpo/mod.ts");
  for (const field of Object.keys(defaultConfig)) {
    if (field === "variant" || field === "budget") continue;
    const flag = `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    assert.ok(text.includes(`  ${flag} (`), `${flag} is listed`);
  }
});

Deno.test("train: every algorithm loads a job with the common signature", async () => {
  assert.deepEqual(Object.keys(ALGORITHMS).sort(), [
    "dr-grpo",
    "grpo",
    "mc",
    "pg",
    "policy-iteration",
    "td",
  ]);
  for (const [name, entry] of Object.entries(ALGORITHMS)) {
    assert.equal(typeof (await entry.load()).job, "function", name);
  }
});

Deno.test("train: one run prints progress, the drawn policy and path, and writes the report", async () => {
  const r = recorder();
  await runTrain(["policy-iteration"], r.io);
  assert.ok(r.lines.some((l) => l.includes("evaluating policy 1")), "a progress line");
  assert.ok(r.lines.some((l) => l.endsWith("↑ x x x x x x x x x x G")), "the policy drawn");
  assert.ok(
    r.lines.some((l) => l.startsWith("greedy walk from the start: goal, return 88 in 13 moves")),
  );
  assert.ok(r.lines.some((l) => l === "summary: 1 of 1 seeds reached the target"));
  const report = r.files["out/train/policy-iteration.json"] as { curve: { value: number }[] };
  assert.equal(report.curve.at(-1)?.value, 88);
});

Deno.test("train: a stochastic policy is shown by its exact outcome and most probable path, not only its greedy walk", async () => {
  const r = recorder();
  await withNoTensorLeak(
    "train dr-grpo",
    () => runTrain(["dr-grpo", "--budget", "256", "--seed", "5", "--lr", "0.02"], r.io),
  );
  const text = r.lines.join("\n");
  assert.match(
    text,
    /the learned policy is stochastic; from the start, exactly: goal with probability 0\.\d{4}/,
  );
  assert.match(text, /greedy policy \(the argmax of each row: not the learned stochastic policy/);
  const report = r.files["out/train/dr-grpo.json"] as { config: { lr: number; budget: number } };
  assert.equal(report.config.lr, 0.02, "the flag reached the configuration");
  assert.equal(report.config.budget, 256);
});

Deno.test("train: --seeds N --json prints one object per seed with seed, reached, episodes, ms and value", async () => {
  const r = recorder();
  await withNoTensorLeak(
    "train grpo, 2 seeds",
    () => runTrain(["grpo", "--seeds", "2", "--seed", "11", "--budget", "128", "--json"], r.io),
  );
  assert.equal(r.lines.length, 2);
  const rows = r.lines.map((l) => JSON.parse(l) as SeedSummary);
  assert.deepEqual(rows.map((x) => x.seed), [11, 12]);
  for (const row of rows) {
    assert.equal(typeof row.reached, "boolean");
    assert.ok(Number.isInteger(row.episodes) && row.episodes <= 128);
    assert.ok(row.ms > 0);
    assert.ok(row.value !== null && row.value >= 0 && row.value <= 1);
  }
  assert.ok(Array.isArray(r.files["out/train/grpo.json"]));
});

Deno.test("train: the summary of several seeds gives counts, mean ± std and median", async () => {
  const r = recorder();
  await runTrain(["policy-iteration", "--seeds", "3"], r.io);
  assert.ok(r.lines.includes("summary: 3 of 3 seeds reached the target"));
  assert.ok(
    r.lines.some((l) =>
      l.includes("final value (exact V(start)): 88.0000 ± 0.0000, median 88.0000")
    ),
  );
});
