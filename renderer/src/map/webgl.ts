// WebGL2 is required (deck.gl 9 and maplibre 6). Probe it once, before the map is made, and learn
// whether the GPU is real: a software renderer (SwiftShader, llvmpipe) draws a 4K wall at a
// fraction of the speed, and multisampling alone doubles what a redraw costs there.

export interface WebGLProbe {
  ok: boolean;
  /** the renderer's name where the browser tells it */
  renderer: string | null;
  software: boolean;
}

export const isSoftwareRenderer = (name: string): boolean => /swiftshader|llvmpipe|softpipe|lavapipe|software/i.test(name);

let last: WebGLProbe | null = null;

/** The page's one probe (made before the map), or a fresh one. */
export function webglProbe(): WebGLProbe {
  return last ?? probeWebGL2();
}

export function probeWebGL2(doc: Document = document): WebGLProbe {
  last = probe(doc);
  return last;
}

function probe(doc: Document): WebGLProbe {
  try {
    const canvas = doc.createElement('canvas');
    const gl = canvas.getContext('webgl2');
    if (!gl) return { ok: false, renderer: null, software: false };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { ok: true, renderer, software: isSoftwareRenderer(renderer) };
  } catch {
    return { ok: false, renderer: null, software: false };
  }
}

export function hasWebGL2(doc: Document = document): boolean {
  return probeWebGL2(doc).ok;
}

/**
 * Context attributes for the deck.gl overlay. Multisampling only on a real GPU (deck's points
 * and text smooth their own edges; polygons and lines go a little jagged without it). The drawing
 * buffer is not preserved: nothing reads the canvas back, and keeping it costs a copy per frame.
 */
export function overlayContextAttributes(software: boolean): WebGLContextAttributes {
  return { antialias: !software, preserveDrawingBuffer: false };
}
