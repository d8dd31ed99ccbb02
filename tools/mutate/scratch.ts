/**
 * Scratch copies of the working tree. Mutants are never written into the project's own
 * tree (others work in it): each worker gets `/tmp/mutate-<pid>-<worker>/`, a copy of
 * every tracked or new, not ignored file as it is in the working tree, with `node_modules`
 * linked to the project's.
 *
 * @module
 */

/**
 * The project's files as git sees them: tracked plus untracked-but-not-ignored, minus
 * deleted ones and anything under node_modules or out.
 *
 * @param root absolute path of the project
 * @returns project-relative paths, sorted
 * @example
 * ```ts ignore
 * import { listProjectFiles } from "./scratch.ts";
 * const files = await listProjectFiles("/work/main");
 * ```
 */
export async function listProjectFiles(root: string): Promise<string[]> {
  const out = await new Deno.Command("git", {
    args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`git ls-files failed in ${root}: ${new TextDecoder().decode(out.stderr)}`);
  }
  const paths = new TextDecoder().decode(out.stdout).split("\0").filter((p) =>
    p !== "" && !/^(node_modules|out)\//.test(p)
  );
  const existing: string[] = [];
  for (const p of new Set(paths)) {
    try {
      if ((await Deno.lstat(`${root}/${p}`)).isFile) existing.push(p);
    } catch {
      // deleted in the working tree
    }
  }
  return existing.sort();
}

/**
 * Copies the given files from `from` into a fresh folder `to` and links node_modules.
 *
 * @param from source tree
 * @param to destination (removed first if it exists)
 * @param files project-relative paths to copy
 * @param nodeModules absolute path of the node_modules folder to link
 * @example
 * ```ts ignore
 * import { copyTree } from "./scratch.ts";
 * await copyTree("/work/main", "/tmp/mutate-1-0", ["deno.json"], "/work/main/node_modules");
 * ```
 */
export async function copyTree(
  from: string,
  to: string,
  files: readonly string[],
  nodeModules: string,
): Promise<void> {
  await Deno.remove(to, { recursive: true }).catch(() => {});
  const folders = new Set(files.map((f) => f.slice(0, f.lastIndexOf("/") + 1)));
  for (const d of [...folders].sort()) await Deno.mkdir(`${to}/${d}`, { recursive: true });
  for (const f of files) await Deno.copyFile(`${from}/${f}`, `${to}/${f}`);
  // Deno.symlink needs unscoped write permission; `ln` keeps the task's writes scoped.
  const ln = await new Deno.Command("ln", { args: ["-s", nodeModules, `${to}/node_modules`] })
    .output();
  if (!ln.success) throw new Error(`could not link ${nodeModules} into ${to}`);
}
