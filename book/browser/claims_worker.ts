/**
 * The Web Worker behind a problem page's "Run the checks here" panel. It imports the
 * problem's own `claims.ts` (bundled at build time, sharing chunks with this worker, so the
 * host it sets below is the one the claims read), sets the host's seed to the seed field,
 * and runs every claim with the suite's `runClaim`, posting each result as it arrives.
 * Cancelling is terminating the worker.
 *
 * @module
 */
import { type Claim, runClaim, setHost, UsageError, verifySeed } from "../../shared/testing/mod.ts";
import type { RunEvent, RunRequest } from "./protocol.ts";

/** The part of a worker's global scope used here (Deno's types describe a window). */
interface WorkerScope {
  onmessage: ((e: { data: RunRequest }) => void) | null;
  postMessage(message: RunEvent): void;
}
const scope = globalThis as unknown as WorkerScope;

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

async function run(request: RunRequest): Promise<void> {
  setHost({ seedName: "the seed field", seedText: () => request.seed.trim() });
  let seed: number;
  try {
    seed = verifySeed();
  } catch (e) {
    scope.postMessage({
      kind: "error",
      message: e instanceof UsageError ? e.message : errorText(e),
    });
    return;
  }
  const t0 = performance.now();
  let claims: Claim[];
  try {
    if (request.tfjs) await import("./tf_host.ts"); // before the claims start tfjs
    // a URL known only at run time: the bundler leaves this import to the browser
    const module = await import(request.claimsUrl) as { claims: Claim[] };
    claims = module.claims;
  } catch (e) {
    scope.postMessage({ kind: "error", message: `the claims do not load: ${errorText(e)}` });
    return;
  }
  scope.postMessage({
    kind: "loaded",
    ids: claims.map((c) => c.id),
    seed,
    loadMs: performance.now() - t0,
  });
  const start = performance.now();
  for (const claim of claims) {
    scope.postMessage({ kind: "start", id: claim.id });
    scope.postMessage({ kind: "result", result: await runClaim(claim) });
  }
  scope.postMessage({ kind: "done", ms: performance.now() - start });
}

scope.onmessage = (e) => {
  run(e.data).catch((error) => scope.postMessage({ kind: "error", message: errorText(error) }));
};
