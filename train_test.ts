import assert from "node:assert/strict";
import { withNoTensorLeak } from "./shared/tf/mod.ts";
import { ALGORITHMS, parseTrainArgs, runTrain, UsageError } from "./train.ts";

Deno.test("train: the command line is parsed, and mistakes get a usage message", () => {
  assert.deepEqual(parseTrainArgs(["grpo", "--seed=3", "--budget", "640"]), {
    algorithm: "grpo",
    seed: 3,
    budget: 640,
  });
  const bad: [string[], RegExp][] = [
    [[], /usage: deno task train <algorithm>/],
    [["sarsa"], /unknown algorithm "sarsa"/],
    [["pg", "--sed", "1"], /unknown flag "--sed"/],
    [["pg", "--seed"], /--seed needs an integer, got undefined/],
    [["pg", "--budget=-5"], /--budget needs an integer ≥ 0, got -5/],
    [["pg", "--budget", "1.5"], /--budget needs an integer ≥ 0, got 1\.5/],
  ];
  for (const [args, message] of bad) {
    assert.throws(
      () => parseTrainArgs(args),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
    );
  }
});

Deno.test("train: every algorithm of the issue has a job with the common signature", async () => {
  assert.deepEqual(Object.keys(ALGORITHMS).sort(), [
    "dr-grpo",
    "grpo",
    "mc",
    "pg",
    "policy-iteration",
    "td",
  ]);
  for (const [name, entry] of Object.entries(ALGORITHMS)) {
    assert.equal(typeof (await entry.load()), "function", name);
  }
});

Deno.test("train: a run prints progress, the drawn policy and path, and writes the curve as JSON", async () => {
  const lines: string[] = [];
  const files: Record<string, unknown> = {};
  const io = {
    log: (l: string) => lines.push(l),
    writeJson: (p: string, d: unknown) => Promise.resolve(void (files[p] = d)),
  };
  await runTrain(["policy-iteration"], io);
  assert.ok(lines.some((l) => l.includes("evaluating policy 1")), "a progress line");
  assert.ok(
    lines.some((l) => l.endsWith("↑ x x x x x x x x x x G")),
    "the policy drawn on the grid",
  );
  assert.ok(
    lines.some((l) => l.startsWith("walked path from the start: goal, return 88 in 13 moves")),
  );
  const report = files["out/train/policy-iteration.json"] as { curve: { value: number }[] };
  assert.equal(report.curve.at(-1)?.value, 88);
  await withNoTensorLeak(
    "train dr-grpo",
    () => runTrain(["dr-grpo", "--budget", "128", "--seed", "5"], io),
  );
  assert.ok("out/train/dr-grpo.json" in files);
});
