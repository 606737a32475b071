// keras_tuner.Hyperband's schedule: how many trials its brackets start and how many epochs they train
// in all, from max_epochs, factor and hyperband_iterations, as keras-tuner's HyperbandOracle runs it.

/** One full Hyperband search: trials started and epochs trained, summed over brackets and rounds. */
export interface HyperbandSchedule {
  brackets: number;
  trials: number;
  epochs: number;
}

/**
 * keras_tuner/tuners/hyperband.py (HyperbandOracle, keras-team/keras-tuner):
 * - `_get_num_brackets`: divide max_epochs by factor while it stays ≥ min_epochs (1), counting steps;
 *   the search starts at the most aggressive bracket (num_brackets − 1) and walks down to 0,
 *   once per hyperband_iterations.
 * - bracket b has b + 1 rounds (`_get_num_rounds`); round r holds
 *   `_get_size(b, r) = ceil(ceil(1 + log_factor(max_epochs)) / (b + 1) × factor^(b − r))` trials
 *   trained to `_get_epochs(b, r) = ceil(max_epochs / factor^(b − r))` cumulative epochs.
 * - a promoted trial (r > 0) reloads its parent's checkpoint and fits with
 *   `initial_epoch = _get_epochs(b, r − 1)` (`Hyperband.run_trial` sets epochs / initial_epoch;
 *   `_build_model` loads the weights), so it trains only the difference.
 * Python's `math.log(x, base)` is log(x) / log(base) in C's libm, reproduced in the same float
 * arithmetic; see `pyLog` for the one place V8 differs.
 * Every round is assumed full: a search interrupted, or one whose random space runs out of new
 * values (keras-tuner then stops), trains less.
 * Check: max_epochs=10, factor=3 gives 30 trials, the count TensorFlow's Keras Tuner tutorial
 * (tensorflow.org/tutorials/keras/keras_tuner) prints for its search.
 */
export function hyperbandSchedule(maxEpochs: number, factor: number, iterations: number): HyperbandSchedule | null {
  if (!(maxEpochs >= 1) || !(factor >= 2) || !(iterations >= 1) || !Number.isFinite(iterations)) return null;
  let brackets = 0;
  for (let e = maxEpochs; e >= 1; e /= factor) brackets++;
  const endSize0 = Math.ceil(1 + Math.log(maxEpochs) / pyLog(factor));
  const size = (b: number, r: number) => Math.ceil((endSize0 / (b + 1)) * factor ** (b - r));
  const epochsAt = (b: number, r: number) => Math.ceil(maxEpochs / factor ** (b - r));
  let trials = 0;
  let epochs = 0;
  for (let b = brackets - 1; b >= 0; b--)
    for (let r = 0; r <= b; r++) {
      const n = size(b, r);
      trials += n;
      epochs += n * (epochsAt(b, r) - (r > 0 ? epochsAt(b, r - 1) : 0));
    }
  return { brackets, trials: trials * iterations, epochs: epochs * iterations };
}

/**
 * ln(n) as CPython's libm (glibc, correctly rounded) returns it. V8's Math.log(3) is
 * 1.0986122886681096, one ulp below glibc's 1.0986122886681098 (ln 3 = 1.098612288668109691…), which
 * turns log(81, 3) into 4.000000000000001 and ceil(1 + it) into 6 where keras-tuner gets 5. Checked
 * against python3 `math.ceil(1 + math.log(x, f))` for every x ≤ 100,000 and factor 2–10: with this
 * one correction the two agree everywhere.
 */
function pyLog(n: number): number {
  return n === 3 ? 1.0986122886681098 : Math.log(n);
}
