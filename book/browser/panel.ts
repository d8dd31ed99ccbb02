/// <reference lib="dom" />
/**
 * The page script of the "Run the checks here" panel on a problem page. It starts a Web
 * Worker (`claims_worker.ts`) with the seed field's value and fills the panel's table claim by
 * claim as results arrive: verdict, evidence, the negative control's rejection with its
 * counterexample, and the time, beside the time the same claim took in the book's own run.
 * Cancel terminates the worker. When the run ends, the panel shows the results as JSON in the
 * shape `deno task verify --json` prints, for comparing with a run on the command line.
 *
 * @module
 */
import type { ClaimResult } from "../../shared/testing/mod.ts";
import { evidenceText, formatMs } from "./format.ts";
import type { RunEvent, RunRequest } from "./protocol.ts";

/** A claim whose book run took longer than this gets a warning before it starts. */
const HEAVY_MS = 2000;

function element<T extends Element>(root: ParentNode, selector: string): T {
  const el = root.querySelector<T>(selector);
  if (!el) throw new Error(`the panel has no ${selector}`);
  return el;
}

/** Wires one panel. */
function mountPanel(panel: HTMLElement): void {
  const form = element<HTMLFormElement>(panel, "form.run-controls");
  const seedField = element<HTMLInputElement>(panel, "input[name=seed]");
  const runButton = element<HTMLButtonElement>(panel, "button.run");
  const cancelButton = element<HTMLButtonElement>(panel, "button.cancel");
  const status = element<HTMLElement>(panel, ".run-status");
  const json = element<HTMLElement>(panel, ".run-json pre");
  const jsonBox = element<HTMLDetailsElement>(panel, ".run-json");
  const bookMs = JSON.parse(panel.dataset.bookMs ?? "{}") as Record<string, number>;
  const rows = new Map<string, HTMLTableRowElement>();
  for (const tr of panel.querySelectorAll<HTMLTableRowElement>("tbody tr[data-id]")) {
    rows.set(tr.dataset.id!, tr);
  }
  let worker: Worker | undefined;
  let started = 0;
  let results: ClaimResult[] = [];

  const setState = (state: string) => {
    panel.dataset.state = state;
    runButton.disabled = state === "running";
    cancelButton.disabled = state !== "running";
    seedField.disabled = state === "running";
  };
  const cell = (id: string, name: string) => element<HTMLElement>(rows.get(id)!, `td.${name}`);
  const badge = (text: string, kind: string) => {
    const b = document.createElement("span");
    b.className = `badge v-${kind}`;
    b.textContent = text;
    return b;
  };

  const showResult = (r: ClaimResult) => {
    const tr = rows.get(r.id);
    if (!tr) return;
    const ok = r.verdict === "pass" && r.negativeControl === "rejected";
    tr.className = ok ? "row-ok" : "row-bad";
    cell(r.id, "state").replaceChildren(
      r.verdict === "pass" ? badge("pass", "ok") : badge("FAIL", "fail"),
    );
    cell(r.id, "evidence").textContent = "error" in r.evidence
      ? r.evidence.error
      : evidenceText(r.evidence);
    const control = cell(r.id, "control");
    const rejection = document.createElement("pre");
    rejection.className = "rejection";
    rejection.textContent = r.control.rejection;
    control.replaceChildren(
      r.negativeControl === "rejected" ? badge("rejected", "ok") : badge("ACCEPTED", "control"),
      document.createTextNode(` ${r.control.variant}`),
      rejection,
    );
    cell(r.id, "time").textContent = formatMs(r.ms);
  };

  const finish = (state: "done" | "cancelled" | "error", message: string) => {
    worker?.terminate();
    worker = undefined;
    for (const [id, tr] of rows) {
      if (tr.dataset.phase === "running" || tr.dataset.phase === "waiting") {
        tr.dataset.phase = "not-run";
        cell(id, "state").textContent = state === "cancelled" ? "cancelled" : "not run";
      }
    }
    status.textContent = message;
    setState(state);
  };

  const onEvent = (event: RunEvent) => {
    switch (event.kind) {
      case "loaded":
        status.textContent = `Seed ${event.seed}: the claims loaded in ${
          formatMs(event.loadMs)
        }; running ${event.ids.length} claim${event.ids.length === 1 ? "" : "s"}.`;
        panel.dataset.seed = String(event.seed);
        break;
      case "start": {
        const tr = rows.get(event.id);
        if (!tr) break;
        tr.dataset.phase = "running";
        const before = bookMs[event.id];
        cell(event.id, "state").textContent = before !== undefined && before > HEAVY_MS
          ? `running (about ${formatMs(before)} in the book's run)`
          : "running";
        break;
      }
      case "result":
        results.push(event.result);
        if (rows.get(event.result.id)) rows.get(event.result.id)!.dataset.phase = "finished";
        showResult(event.result);
        break;
      case "done": {
        json.textContent = JSON.stringify(results, null, 2);
        jsonBox.hidden = false;
        const ok = results.filter((r) => r.verdict === "pass" && r.negativeControl === "rejected");
        finish(
          "done",
          `Seed ${panel.dataset.seed}: ${ok.length} of ${results.length} claims verified in ${
            formatMs(performance.now() - started)
          } (the claims themselves: ${formatMs(event.ms)}).`,
        );
        break;
      }
      case "error":
        finish("error", event.message);
        break;
    }
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (worker) return;
    results = [];
    json.textContent = "";
    jsonBox.hidden = true;
    for (const [id, tr] of rows) {
      tr.dataset.phase = "waiting";
      tr.className = "";
      cell(id, "state").textContent = "waiting";
      for (const name of ["evidence", "control", "time"]) cell(id, name).textContent = "";
    }
    status.textContent = "Loading the claims and their libraries…";
    setState("running");
    started = performance.now();
    const base = document.baseURI;
    worker = new Worker(new URL(panel.dataset.worker!, base), { type: "module" });
    worker.onmessage = (m: MessageEvent<RunEvent>) => onEvent(m.data);
    worker.onerror = (e) => {
      e.preventDefault(); // shown in the panel, not left as an uncaught error
      finish("error", `The worker stopped: ${e.message || "it could not start"}.`);
    };
    const request: RunRequest = {
      claimsUrl: new URL(panel.dataset.claims!, base).href,
      seed: seedField.value,
      tfjs: panel.dataset.tfjs === "true",
    };
    worker.postMessage(request);
  });
  cancelButton.addEventListener("click", () => {
    if (!worker) return;
    const done = results.length;
    finish(
      "cancelled",
      `Cancelled after ${formatMs(performance.now() - started)}; ${done} claim${
        done === 1 ? "" : "s"
      } finished.`,
    );
  });
  setState("ready");
}

for (const panel of document.querySelectorAll<HTMLElement>("section.run-here")) {
  mountPanel(panel);
}
