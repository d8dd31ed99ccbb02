import assert from "node:assert/strict";
import { mergeCatalog, parseCatalog } from "./catalog.ts";

Deno.test("catalog: the root README lists all 28 problems", async () => {
  const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));
  const rows = parseCatalog(readme);
  assert.equal(rows.length, 28);
  assert.deepEqual(rows.map((r) => r.number), Array.from({ length: 28 }, (_, i) => i + 1));
  assert.equal(rows[0]!.folder, "01_bellman");
});

Deno.test("catalog: folders on disk and README rows merge by number", () => {
  const merged = mergeCatalog(
    [{ number: 2, folder: "02_old", topic: "T" }],
    ["02_new", "07_x", "notes", "1_bad"],
  );
  assert.deepEqual(merged, [
    { number: 2, folder: "02_new", topic: "T" },
    { number: 7, folder: "07_x", topic: "x" },
  ]);
});
