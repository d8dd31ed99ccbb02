/// <reference lib="dom" />
/**
 * The page script of the interactive figures: mounts every `figure.live` on the page with
 * the module that draws it (loaded only on the pages that show it). A figure that fails
 * says so in its own box instead of leaving an error in the console.
 *
 * @module
 */

/** The code of each figure in `live/registry.ts`, by id. */
const LOADERS: Record<string, () => Promise<{ mount(root: HTMLElement): void }>> = {
  "02-contraction": () => import("./live/contraction.ts"),
  "14-clip": () => import("./live/ppo_clip.ts"),
  "21-logit-spread": () => import("./live/logit_spread.ts"),
  "26-octagon": () => import("./live/octagon.ts"),
};

for (const figure of document.querySelectorAll<HTMLElement>("figure.live[data-live]")) {
  const body = figure.querySelector<HTMLElement>(".live-body")!;
  const load = LOADERS[figure.dataset.live!];
  const fail = (why: string) => {
    figure.dataset.state = "error";
    body.textContent = `This figure could not be drawn: ${why}`;
  };
  if (!load) {
    fail(`no code for ${figure.dataset.live}`);
    continue;
  }
  load().then((m) => {
    m.mount(body);
    figure.dataset.state = "ready";
  }).catch((e) => fail(e instanceof Error ? e.message : String(e)));
}
