import assert from "node:assert/strict";
import { currentHost, envHost, setHost } from "./host.ts";
import { claimContext } from "./claims.ts";
import { DEFAULT_SEED, seedFor, verifySeed } from "./seed.ts";

Deno.test("the seed comes from the host: a browser host's seed gives the claim seeds VERIFY_SEED would", () => {
  const before = setHost({ seedName: "seed field", seedText: () => "7" });
  try {
    assert.equal(verifySeed(), 7);
    assert.equal(claimContext("01a").seed, seedFor("01a", 7));
  } finally {
    setHost(before);
  }
  assert.equal(currentHost(), envHost);
});

Deno.test("a host's bad seed is refused naming what the user set, and an empty one reads as unset", () => {
  const before = setHost({ seedName: "seed field", seedText: () => "1e3" });
  try {
    assert.throws(() => verifySeed(), {
      name: "UsageError",
      message: 'seed field must be an integer from 0 to 4294967295, got "1e3"',
    });
    setHost({ seedName: "seed field", seedText: () => "" });
    assert.equal(verifySeed(), DEFAULT_SEED);
  } finally {
    setHost(before);
  }
});

Deno.test("the command line's host reads VERIFY_SEED", () => {
  const saved = Deno.env.get("VERIFY_SEED");
  try {
    Deno.env.set("VERIFY_SEED", "123456");
    assert.equal(envHost.seedText(), "123456");
    assert.equal(verifySeed(), 123456);
    Deno.env.set("VERIFY_SEED", "-1");
    assert.throws(() => verifySeed(), {
      message: 'VERIFY_SEED must be an integer from 0 to 4294967295, got "-1"',
    });
  } finally {
    if (saved === undefined) Deno.env.delete("VERIFY_SEED");
    else Deno.env.set("VERIFY_SEED", saved);
  }
});
