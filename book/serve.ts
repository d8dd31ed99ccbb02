/**
 * A tiny static file server for the built book, bound to 127.0.0.1 only, so the browser
 * test loads pages over http (Chromium refuses fonts from `file://` pages).
 *
 * @module
 */

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  woff2: "font/woff2",
  woff: "font/woff",
  ttf: "font/ttf",
};

/**
 * The content type of a file name.
 *
 * @param name a file name
 * @returns its MIME type (octet-stream when unknown)
 * @example
 * ```ts
 * import { contentType } from "./serve.ts";
 * if (contentType("a/b.woff2") !== "font/woff2") throw new Error();
 * ```
 */
export function contentType(name: string): string {
  return TYPES[name.split(".").pop()?.toLowerCase() ?? ""] ?? "application/octet-stream";
}

/** A running server. */
export interface BookServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:43123/`. */
  url: string;
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Serves a folder on 127.0.0.1 at a free port.
 *
 * @param root URL of the folder (with a trailing slash)
 * @returns the server
 * @example
 * ```ts ignore
 * const server = serveFolder(new URL("../out/book/", import.meta.url));
 * await server.close();
 * ```
 */
export function serveFolder(root: URL): BookServer {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = decodeURIComponent(new URL(req.url).pathname).replace(/^\/+/, "") || "index.html";
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
    try {
      const body = await Deno.readFile(new URL(path, root));
      return new Response(body, { headers: { "content-type": contentType(path) } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  const addr = server.addr as Deno.NetAddr;
  return { url: `http://127.0.0.1:${addr.port}/`, close: () => server.shutdown() };
}
