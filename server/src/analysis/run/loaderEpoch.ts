// One epoch of a PyTorch loop's loader as the processes share it: a DistributedSampler's ranks or
// accelerate's prepare() deal the set out by the device count, known only when the run is priced
// (footprint/epochPlan.ts resolves the shape); a single process's drop_last is applied at once.
import type { LoaderInfo } from "../evaluate/trace";
import { thousands } from "../format";
import type { RunSpec } from "../types";
import { line } from "./runFacts";

/** Sets `spec`'s epoch from loader `ld` over `samples` rows (spec.trainSamples already holds them). */
export function loaderEpoch(spec: RunSpec, ld: LoaderInfo, samples: number): void {
  const evidence = spec.evidence;
  if (ld.shard && ld.batchSize) {
    // DistributedSampler: each rank draws its own share and drops its own last partial batch,
    // which depends on the world size, known only when the run is priced (footprint/epochPlan.ts).
    spec.epochShape = {
      dataset: samples,
      batch: ld.batchSize,
      dropLast: ld.dropLast,
      shard: "sampler",
      ...(ld.shard.samplerDropLast ? { samplerDropLast: true } : {}),
      ...(ld.shard.replicas ? { replicas: ld.shard.replicas } : {}),
      how: `DistributedSampler, line ${line(ld.range)}`,
    };
    evidence.push(
      `an epoch is split per rank by the DistributedSampler: ceil(samples / world size) each${ld.dropLast ? ", then each rank's DataLoader drops its own last partial batch (drop_last)" : ""}`,
    );
  } else if (ld.accelerate && ld.batchSize) {
    // accelerate's prepare(): whole batches dealt over the processes, resolved when priced.
    spec.epochShape = {
      dataset: samples,
      batch: ld.batchSize,
      dropLast: ld.dropLast,
      shard: "batches",
      how: `accelerate-prepared DataLoader, line ${line(ld.range)}`,
    };
    evidence.push(
      `an epoch is dealt per process by accelerate's prepare(): whole batches of ${ld.batchSize} round-robin${ld.dropLast ? ", each process dropping the remainder (drop_last)" : ", the last ones completed from the first"}`,
    );
  } else if (ld.dropLast && ld.batchSize) {
    // drop_last=True skips the last partial batch: floor(N / b) full batches an epoch (one process).
    const kept = Math.floor(samples / ld.batchSize) * ld.batchSize;
    if (kept < samples) {
      spec.trainSamples = kept;
      evidence.push(
        `${thousands(kept)} samples an epoch: drop_last keeps ${thousands(kept / ld.batchSize)} full batches of ${ld.batchSize}`,
      );
    }
  }
}
