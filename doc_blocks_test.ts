/**
 * Runs every code block of the documentation (JSDoc examples of every module, the ```ts
 * blocks of every markdown file) as one test each, all in this one process: a block costs its
 * own work only, instead of a fresh worker that loads tfjs, mathjs and fast-check again (about
 * half a second per block, more than all the claims together). The blocks are type-checked
 * by `deno task check` (`deno check --doc`).
 *
 * Each block runs as its own module (so its names cannot clash with another block's), with
 * relative imports resolved against its file, and afterwards tfjs is put back on its default
 * backend, so that no block sees what an earlier one switched.
 *
 * @module
 */
import {
  absolutiseImports,
  type DocBlock,
  exportedValueNames,
  extractDocBlocks,
} from "./shared/testing/doc_blocks.ts";
import { importDocumentedNames } from "./shared/testing/doc_blocks.ts";
import { tf, useBackend } from "./shared/tf/mod.ts";

const ROOT = new URL("./", import.meta.url);
const SKIP_DIRS = new Set([".git", "node_modules", "out", "book_out", ".ci"]);

/** Every .ts module (not tests, not benchmarks) and every .md file under the root, sorted. */
function documentedFiles(dir: URL, prefix = ""): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(dir)) {
    const rel = prefix + e.name;
    if (e.isDirectory) {
      if (!SKIP_DIRS.has(e.name)) {
        out.push(...documentedFiles(new URL(`${e.name}/`, dir), `${rel}/`));
      }
    } else if (
      (e.name.endsWith(".ts") && !/_(test|bench)\.ts$/.test(e.name)) || e.name.endsWith(".md")
    ) {
      out.push(rel);
    }
  }
  return out.sort();
}

function loadable(block: DocBlock, source: string): string {
  const fileUrl = new URL(block.file, ROOT);
  let code = absolutiseImports(block.code, fileUrl);
  if (block.file.endsWith(".ts")) {
    code = importDocumentedNames(code, fileUrl, exportedValueNames(source));
  }
  return `${code}\n//# sourceURL=${fileUrl.href}#${block.startLine}-${block.endLine}\n`;
}

const readable = Deno.permissions.querySync({ name: "read", path: ROOT }).state === "granted";
if (!readable) {
  Deno.test("doc blocks: the documentation's code blocks are read from the sources", () => {
    throw new Error(
      "reading the sources needs read permission: run `deno task test`, or `deno test -P` " +
        "(the permissions are in deno.json)",
    );
  });
} else {
  for (const file of documentedFiles(ROOT)) {
    const source = Deno.readTextFileSync(new URL(file, ROOT));
    for (const block of extractDocBlocks(file, source)) {
      Deno.test(`./${file}#${block.startLine}-${block.endLine}`, async () => {
        const code = loadable(block, source);
        try {
          await import(`data:application/typescript;base64,${toBase64(code)}`);
        } finally {
          if (tf.getBackend() !== "wasm") await useBackend("wasm");
        }
      });
    }
  }
}

function toBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
