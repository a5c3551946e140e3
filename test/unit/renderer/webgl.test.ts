import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer, overlayContextAttributes } from '../../../renderer/src/map/webgl';

describe('WebGL renderer policy', () => {
  it('tells software renderers from GPUs by the names browsers report', () => {
    for (const name of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6 256 bits), OpenGL 4.5)',
      'Google SwiftShader',
      'softpipe',
    ])
      expect(isSoftwareRenderer(name)).toBe(true);
    for (const name of ['ANGLE (NVIDIA, NVIDIA GeForce RTX 4070 (0x00002786) Direct3D11 vs_5_0 ps_5_0, D3D11)', 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 630 (CFL GT2), OpenGL 4.6)', 'Apple M2'])
      expect(isSoftwareRenderer(name)).toBe(false);
  });

  it('multisamples only on a GPU and never preserves the drawing buffer', () => {
    expect(overlayContextAttributes(true)).toEqual({ antialias: false, preserveDrawingBuffer: false });
    expect(overlayContextAttributes(false)).toEqual({ antialias: true, preserveDrawingBuffer: false });
  });
});
