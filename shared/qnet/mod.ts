/**
 * The Q-network shared by the fitted evaluation problems (16 and 17), their common
 * setting on the Cliff Walk (the evaluated policy, its exact Q^π, exploring-start episodes
 * and the error measure) and their common round structure, {@link runFittedEvaluation}.
 *
 * @module
 */
export * from "./network.ts";
export * from "./table_net.ts";
export * from "./setting.ts";
export * from "./fitted_run.ts";
