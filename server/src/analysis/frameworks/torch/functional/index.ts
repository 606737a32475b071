// The torch function table, keyed by canonical qualified name: "torch.cat", "torch.nn.functional.relu",
// "Tensor.view" (methods take "self" first; attributes such as "Tensor.shape" take only self).

import type { FunctionSpec } from "../layerSpec";
import { registerCreation } from "./creation";
import { registerElementwise } from "./elementwise";
import { registerFft } from "./fft";
import { registerInplace } from "./fnUtils";
import { registerIndexing } from "./indexing";
import { registerLayoutOps } from "./layoutOps";
import { registerLinalg } from "./linalg";
import { registerLosses } from "./losses";
import { registerNn } from "./nn";
import { registerPooling } from "./pooling";
import { registerReductions } from "./reductions";
import { registerShapeOps } from "./shapeOps";

function build(): Record<string, FunctionSpec> {
  const table: Record<string, FunctionSpec> = {};
  registerElementwise(table);
  registerShapeOps(table);
  registerLayoutOps(table);
  registerLinalg(table);
  registerPooling(table);
  registerNn(table);
  registerLosses(table);
  registerCreation(table);
  registerReductions(table);
  registerIndexing(table);
  registerFft(table);
  // Last: derives the `_` variants of everything registered above.
  registerInplace(table);
  return table;
}

export const TORCH_FUNCTIONS: Record<string, FunctionSpec> = build();
