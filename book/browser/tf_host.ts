/**
 * The one tfjs fact that differs between Deno and a browser worker: a browser worker offers
 * a WebGL backend (through OffscreenCanvas), registered with the same priority as the wasm
 * backend and before it, so tfjs would start WebGL first. The suite's numbers are those of
 * the wasm backend (`shared/tf` refuses to run on any other), so the worker removes WebGL
 * from tfjs's registry before a problem's claims start tfjs.
 *
 * Imported for its effect by the claims worker, before the claims; it shares tfjs's module
 * instance with them because the bundle's chunks are shared.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

if (tf.findBackendFactory("webgl")) tf.removeBackend("webgl");
