// The Keras layer table by class name; wrappers (Bidirectional, TimeDistributed) look their inner
// layer up here at call time, which is why the table is filled by index.ts rather than imported.

import type { KerasLayerSpec } from "../kerasLayerSpec";

const LAYERS = new Map<string, KerasLayerSpec>();

export function registerKerasLayers(table: Record<string, KerasLayerSpec>): void {
  for (const [name, spec] of Object.entries(table)) LAYERS.set(name, spec);
}

/** The spec of a keras.layers class, or undefined for a class the catalog does not know. */
export function kerasLayerSpec(name: string): KerasLayerSpec | undefined {
  return LAYERS.get(name);
}

export function kerasLayerNames(): string[] {
  return [...LAYERS.keys()];
}
