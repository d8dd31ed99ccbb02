/// <reference lib="dom" />
/**
 * What every interactive figure needs: a labelled slider with its value shown, a place for
 * the plot and a readout line, and a redraw that counts itself (so a test can tell that a
 * move of the control drew a new picture).
 *
 * @module
 */

/** A slider's settings. */
export interface SliderSpec {
  /** The label before it (e.g. `ε`). */
  label: string;
  /** Smallest, largest value and the step. */
  min: number;
  max: number;
  step: number;
  /** Starting value. */
  value: number;
  /** How the value is shown beside the slider. */
  format(value: number): string;
}

/** The parts of a mounted figure. */
export interface FigureFrame {
  /** The slider's current value. */
  value(): number;
  /** Replaces the plot and the readout; counts the draw in `data-drawn`. */
  show(plot: Element, readout: string): void;
}

/**
 * Builds a figure's slider, plot area and readout inside `root`, and draws it now and after
 * every move of the slider.
 *
 * @param root the figure's body element
 * @param spec the slider
 * @param draw draws the figure for a slider value (through `frame.show`)
 * @returns the frame
 * @example
 * ```ts ignore
 * // in a browser: a slider from 0 to 1 whose value the readout repeats
 * const root = document.createElement("div");
 * const frame = mountFrame(root, { label: "x", min: 0, max: 1, step: 0.1, value: 0.5, format: String },
 *   (x, f) => f.show(document.createElement("svg"), `x = ${x}`));
 * if (frame.value() !== 0.5 || root.dataset.drawn !== "1") throw new Error();
 * ```
 */
export function mountFrame(
  root: HTMLElement,
  spec: SliderSpec,
  draw: (value: number, frame: FigureFrame) => void,
): FigureFrame {
  const controls = document.createElement("label");
  controls.className = "live-control";
  const input = document.createElement("input");
  input.type = "range";
  input.min = String(spec.min);
  input.max = String(spec.max);
  input.step = String(spec.step);
  input.value = String(spec.value);
  const shown = document.createElement("output");
  controls.append(`${spec.label} `, input, " ", shown);
  const plotArea = document.createElement("div");
  plotArea.className = "live-plot";
  const readout = document.createElement("p");
  readout.className = "live-readout";
  readout.setAttribute("role", "status");
  root.replaceChildren(controls, plotArea, readout);
  let drawn = 0;
  const frame: FigureFrame = {
    value: () => Number(input.value),
    show(plot, text) {
      plotArea.replaceChildren(plot);
      readout.textContent = text;
      root.dataset.drawn = String(++drawn);
    },
  };
  const redraw = () => {
    shown.textContent = spec.format(frame.value());
    draw(frame.value(), frame);
  };
  input.addEventListener("input", redraw);
  redraw();
  return frame;
}
