// torch.nn recurrent layers: RNN/LSTM/GRU (layers, directions, proj_size, batch_first) and their Cells.
// MACs per step, layer and direction: gates × hidden × (layer input + recurrent input), plus hidden × proj
// for LSTM projections — what torch 1.13's CPU kernels dispatch as addmm/mm (the input projection of a
// whole sequence is one addmm, the recurrent one an mm per step; the totals are the same).

import { type Arg, type Args, ArgError, type ForwardResult, type LayerSpec, REQUIRED, ShapeError } from "../layerSpec";
import { boolArg, dtypeOf, inputShape, intArg, sizeArg, stringArg, tensor, unknownResult } from "./argUtils";
import { showShape } from "./shapeUtils";

type Mode = "RNN" | "LSTM" | "GRU";
const GATES: Record<Mode, number> = { RNN: 1, LSTM: 4, GRU: 3 };

interface RnnConfig {
  input: number;
  hidden: number;
  layers: number;
  bias: boolean;
  batchFirst: boolean;
  directions: number;
  proj: number;
}

function readConfig(a: Args, mode: Mode): RnnConfig {
  const proj = mode === "LSTM" ? intArg(a, "proj_size", mode) : 0;
  const hidden = sizeArg(a, "hidden_size", mode);
  if (proj < 0 || (proj > 0 && proj >= hidden)) {
    throw new ArgError(`${mode}: proj_size ${proj} must be between 0 and hidden_size ${hidden}`);
  }
  if (mode === "RNN" && !["tanh", "relu"].includes(stringArg(a, "nonlinearity", mode))) {
    throw new ArgError(`RNN: nonlinearity must be 'tanh' or 'relu'`);
  }
  return {
    input: sizeArg(a, "input_size", mode),
    hidden,
    layers: sizeArg(a, "num_layers", mode),
    bias: boolArg(a, "bias", mode),
    batchFirst: boolArg(a, "batch_first", mode),
    directions: boolArg(a, "bidirectional", mode) ? 2 : 1,
    proj,
  };
}

/** Size of the hidden state a layer emits per direction (proj_size when projecting). */
const outSize = (c: RnnConfig): number => (c.proj > 0 ? c.proj : c.hidden);
const layerInput = (c: RnnConfig, layer: number): number => (layer === 0 ? c.input : outSize(c) * c.directions);

function rnnParams(a: Args, mode: Mode): Record<string, number[]> {
  const c = readConfig(a, mode);
  const g = GATES[mode] * c.hidden;
  const out: Record<string, number[]> = {};
  for (let l = 0; l < c.layers; l++) {
    for (let d = 0; d < c.directions; d++) {
      const sfx = `_l${l}${d === 1 ? "_reverse" : ""}`;
      out[`weight_ih${sfx}`] = [g, layerInput(c, l)];
      out[`weight_hh${sfx}`] = [g, outSize(c)];
      if (c.bias) {
        out[`bias_ih${sfx}`] = [g];
        out[`bias_hh${sfx}`] = [g];
      }
      if (c.proj > 0) out[`weight_hr${sfx}`] = [c.proj, c.hidden];
    }
  }
  return out;
}

function rnnForward(a: Args, inputs: Arg[], mode: Mode): ForwardResult {
  const c = readConfig(a, mode);
  const x = inputShape(inputs, 0, mode);
  const dt = dtypeOf(inputs[0]);
  if (x === null) {
    const unknown = tensor(null, dt);
    return {
      output: mode === "LSTM" ? [unknown, [tensor(null, dt), tensor(null, dt)]] : [unknown, tensor(null, dt)],
      macs: 0,
    };
  }
  if (x.length !== 2 && x.length !== 3)
    throw new ShapeError(`${mode} expected a 2-d or 3-d input, got ${showShape(x)}`);
  if (x[x.length - 1] !== c.input) {
    throw new ShapeError(`${mode}(input_size=${c.input}) expected last dim ${c.input}, got ${showShape(x)}`);
  }
  const batched = x.length === 3;
  const steps = batched && c.batchFirst ? x[1]! : x[0]!;
  const batch = batched ? (c.batchFirst ? x[0]! : x[1]!) : 1;
  const h = outSize(c);
  const g = GATES[mode] * c.hidden;
  let perStep = 0;
  for (let l = 0; l < c.layers; l++) perStep += c.directions * (g * (layerInput(c, l) + h) + c.proj * c.hidden);
  const seqOut = batched
    ? c.batchFirst
      ? [batch, steps, c.directions * h]
      : [steps, batch, c.directions * h]
    : [steps, c.directions * h];
  const state = (size: number) =>
    tensor(batched ? [c.directions * c.layers, batch, size] : [c.directions * c.layers, size], dt);
  const hidden = mode === "LSTM" ? [state(h), state(c.hidden)] : state(h);
  return { output: [tensor(seqOut, dt), hidden], macs: steps * batch * perStep };
}

function makeRnn(mode: Mode): LayerSpec {
  return {
    // torch binds positionals as (input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional).
    signature: [
      ["input_size", REQUIRED],
      ["hidden_size", REQUIRED],
      ["num_layers", 1],
      ["bias", true],
      ["batch_first", false],
      ["dropout", 0.0],
      ["bidirectional", false],
      ...(mode === "LSTM" ? ([["proj_size", 0]] as const) : []),
      ...(mode === "RNN" ? ([["nonlinearity", "tanh"]] as const) : []),
      ["device", null],
      ["dtype", null],
    ],
    params: (a) => rnnParams(a, mode),
    forward: (a, inputs) => rnnForward(a, inputs, mode),
  };
}

function makeCell(mode: Mode): LayerSpec {
  const owner = `${mode}Cell`;
  return {
    signature: [
      ["input_size", REQUIRED],
      ["hidden_size", REQUIRED],
      ["bias", true],
      ...(mode === "RNN" ? ([["nonlinearity", "tanh"]] as const) : []),
      ["device", null],
      ["dtype", null],
    ],
    params(a) {
      const i = sizeArg(a, "input_size", owner);
      const g = GATES[mode] * sizeArg(a, "hidden_size", owner);
      const h = sizeArg(a, "hidden_size", owner);
      const w = { weight_ih: [g, i], weight_hh: [g, h] };
      return boolArg(a, "bias", owner) ? { ...w, bias_ih: [g], bias_hh: [g] } : w;
    },
    forward(a, inputs) {
      const i = sizeArg(a, "input_size", owner);
      const h = sizeArg(a, "hidden_size", owner);
      const x = inputShape(inputs, 0, owner);
      const dt = dtypeOf(inputs[0]);
      if (x === null)
        return mode === "LSTM" ? { output: [tensor(null, dt), tensor(null, dt)], macs: 0 } : unknownResult(dt);
      if ((x.length !== 1 && x.length !== 2) || x[x.length - 1] !== i) {
        throw new ShapeError(`${owner}(input_size=${i}) expected (N, ${i}) or (${i}), got ${showShape(x)}`);
      }
      const rows = x.length === 2 ? x[0]! : 1;
      const out = x.length === 2 ? [rows, h] : [h];
      // A missing hidden state is zeros, which torch still multiplies through weight_hh.
      const macs = rows * GATES[mode] * h * (i + h);
      return { output: mode === "LSTM" ? [tensor(out, dt), tensor([...out], dt)] : tensor(out, dt), macs };
    },
  };
}

export const RECURRENT_LAYERS: Record<string, LayerSpec> = {
  RNN: makeRnn("RNN"),
  LSTM: makeRnn("LSTM"),
  GRU: makeRnn("GRU"),
  RNNCell: makeCell("RNN"),
  LSTMCell: makeCell("LSTM"),
  GRUCell: makeCell("GRU"),
};
