/**
 * Testing toolkit of the suite: the seed and the host it comes from, numeric assertions,
 * seeded fast-check properties, and the claim registry.
 *
 * @module
 */
export * from "./seed.ts";
export * from "./host.ts";
export * from "./assert_close.ts";
export * from "./property.ts";
export * from "./pinned.ts";
export * from "./binomial.ts";
export * from "./seed_reliability.ts";
export * from "./constant_uniform.ts";
export * from "./stated_config.ts";
export * from "./claims.ts";
export * from "./discover.ts";
export * from "./report.ts";
export * from "./usage.ts";
