// Names shared by the libraries that wrap a hand-written PyTorch loop (accelerate's Accelerator,
// Lightning Fabric) and the rules that fix such loops. Import-free on purpose: rules read these
// without loading the framework modules (which import torch's, and would form a cycle).

/** The `how` of the device event an `Accelerator(...)` records. */
export const ACCELERATOR_HOW = "Accelerator()";

/** The `how` of the device event a `Fabric(...)` records. */
export const FABRIC_HOW = "Fabric()";
