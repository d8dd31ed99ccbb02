/**
 * The Q-network shared by the fitted evaluation problems (16 and 17), and their common
 * setting on the Cliff Walk: the evaluated policy, its exact Q^π, exploring-start episodes
 * and the error measure.
 *
 * @module
 */
export * from "./network.ts";
export * from "./setting.ts";
