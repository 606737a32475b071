// The zoo-wide lookup: "what is model X from library L" across every catalogued library (torchvision,
// timm, Hugging Face, keras.applications), as one summary shape (params at the default head, MACs per
// sample at the default input, exactness, source).
// Each library's catalog stays in its own module; this file only adapts them. A library joins by adding
// an adapter to CATALOGS (or, from outside the core's static list, through registerZooCatalog).
import { timmRows } from "../timm/timmZoo";
import type { ZooEntry } from "../torch/zoo";
import { torchvisionZoo } from "../torch/zooData";
import { hfRows } from "../transformers/hfZoo";
import kerasData from "./data/keras_applications.json";

export interface ZooModelInfo {
  library: string;
  name: string;
  /** classification, detection, segmentation, or a library's own task name. */
  kind: string;
  /** Parameters with the library's default head (1000 ImageNet classes for vision models). */
  params: number;
  /** true when `params` is an exact count; otherwise it is within ±paramsTolerance. */
  exact: boolean;
  paramsTolerance: number;
  /** Forward multiply-accumulates per sample at `defaultInput`, when the catalog tabulates them. */
  forwardMacs: number | null;
  defaultInput: string | null;
  /** Where the numbers come from: the generating oracle and/or the published figure's URL. */
  source: string;
}

export interface ZooCatalog {
  library: string;
  names(): string[];
  find(name: string): ZooModelInfo | undefined;
}

const TORCHVISION_SOURCE =
  "torchvision 0.14.1 built with weights=None, counted by test/oracle/torchvision_zoo.py (frameworks/zoo/data/torchvision.json)";

function visionInfo(library: string, name: string, e: ZooEntry, exact: boolean, tolerance: number, source: string) {
  const params = e.rootParams + e.children.reduce((a, c) => a + c.params, 0);
  const row = e.macs[String(e.defaultResolution)];
  return {
    library,
    name,
    kind: e.kind,
    params,
    exact,
    paramsTolerance: tolerance,
    forwardMacs: row?.macs ?? null,
    defaultInput: `3×${e.defaultResolution}×${e.defaultResolution}`,
    source,
  };
}

const torchvision: ZooCatalog = {
  library: "torchvision",
  names: () => Object.keys(torchvisionZoo()),
  find: (name) =>
    Object.hasOwn(torchvisionZoo(), name)
      ? visionInfo("torchvision", name, torchvisionZoo()[name], true, 0, TORCHVISION_SOURCE)
      : undefined,
};

const timm: ZooCatalog = {
  library: "timm",
  names: () => Object.keys(timmRows()),
  find: (name) => {
    const r = timmRows()[name];
    if (!r) return undefined;
    const side = r.defaultResolution;
    return {
      library: "timm",
      name,
      kind: "classification",
      params: r.params,
      exact: r.exact,
      paramsTolerance: r.paramsTolerance ?? 0,
      forwardMacs: r.macs[String(side)]?.macs ?? null,
      defaultInput: `3×${side}×${side}`,
      source: `${r.truth}; checked against ${r.published.source}`,
    };
  },
};

const huggingface: ZooCatalog = {
  library: "huggingface",
  names: () => hfRows().map((r) => r.id),
  find: (name) => {
    const key = name.toLowerCase();
    const r = hfRows().find((x) => [x.id, ...x.aliases].some((n) => n.toLowerCase() === key));
    if (!r) return undefined;
    return {
      library: "huggingface",
      name: r.id,
      kind: r.published.task,
      params: r.published.params,
      exact: r.published.tolerance === 0,
      paramsTolerance: r.published.tolerance,
      forwardMacs: null,
      defaultInput: null,
      source: `${r.published.source}; config ${r.configSource}`,
    };
  },
};

/** keras.applications rows (data/keras_applications.json, generated in real Keras by its oracle): include_top=True at 1000 classes. */
interface KerasRow {
  defaultInput: number[];
  params: number;
  macsTopAtDefault?: number;
  published?: { params: number; exact: boolean; source: string };
}
const KERAS = kerasData as unknown as { source: string; models: Record<string, KerasRow> };

const keras: ZooCatalog = {
  library: "keras",
  names: () => Object.keys(KERAS.models),
  find: (name) => {
    const r = KERAS.models[name];
    if (!r) return undefined;
    return {
      library: "keras",
      name,
      kind: "classification",
      params: r.params,
      exact: true,
      paramsTolerance: 0,
      forwardMacs: r.macsTopAtDefault ?? null,
      defaultInput: r.defaultInput.join("×"),
      source: `${KERAS.source}${r.published ? `; checked against ${r.published.source}` : ""}`,
    };
  },
};

const CATALOGS: ZooCatalog[] = [torchvision, timm, huggingface, keras];

/** Adds a catalog (a library whose module cannot be listed above); a later one with the same library replaces it. */
export function registerZooCatalog(catalog: ZooCatalog): void {
  const i = CATALOGS.findIndex((c) => c.library === catalog.library);
  if (i >= 0) CATALOGS[i] = catalog;
  else CATALOGS.push(catalog);
}

export function zooLibraries(): string[] {
  return CATALOGS.map((c) => c.library);
}

/** Model `name` of `library`; undefined when that library does not catalogue it. */
export function lookupZooModel(library: string, name: string): ZooModelInfo | undefined {
  return CATALOGS.find((c) => c.library === library.toLowerCase())?.find(name);
}

/** Every library's entry for `name` (resnet50 is both a torchvision and a timm model). */
export function findZooModel(name: string): ZooModelInfo[] {
  return CATALOGS.map((c) => c.find(name)).filter((x): x is ZooModelInfo => x !== undefined);
}
