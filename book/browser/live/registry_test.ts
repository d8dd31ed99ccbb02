import assert from "node:assert/strict";
import { LIVE_FIGURES, liveFiguresOf } from "./registry.ts";

Deno.test("every interactive figure has a unique id, a problem folder and drawing code", async () => {
  const ids = LIVE_FIGURES.map((f) => f.id);
  assert.equal(new Set(ids).size, ids.length, "ids are unique");
  const script = await Deno.readTextFile(new URL("../live_figures.ts", import.meta.url));
  const problems = new URL("../../../problems/", import.meta.url);
  const folders: string[] = [];
  for await (const e of Deno.readDir(problems)) if (e.isDirectory) folders.push(e.name);
  for (const f of LIVE_FIGURES) {
    assert.match(f.id, /^\d\d-[a-z0-9-]+$/);
    assert.equal(Number(f.id.slice(0, 2)), f.problem, `${f.id} is named after its problem`);
    assert.ok(
      folders.some((d) => Number(d.slice(0, 2)) === f.problem),
      `${f.id}: no folder for problem ${f.problem}`,
    );
    // the page script must know how to draw it (else the page shows an error box)
    assert.ok(script.includes(`"${f.id}": () => import(`), `${f.id} has no loader`);
  }
  assert.deepEqual(liveFiguresOf(99), []);
});
