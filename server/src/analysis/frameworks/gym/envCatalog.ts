// Observation and action spaces of the Gym/Gymnasium environments RL scripts make by id, so a
// network sized by `env.observation_space.shape[0]` / `env.action_space.n` has exact parameters.
// Values are the "Observation Space" / "Action Space" rows of each environment's Gymnasium page
// (gymnasium.farama.org/environments/<family>/<name>/). Atari ids are left out on purpose: their
// observations are whatever the script's wrappers (resize, grayscale, frame stack) make of them.

/** A space as data: Box(shape) or Discrete(n). */
export type SpaceSpec = { kind: "box"; shape: number[] } | { kind: "discrete"; n: number };

export interface EnvRow {
  /** Ids without the version suffix are not accepted: versions change spaces (Ant-v3 111 vs v4 27). */
  ids: string[];
  obs: SpaceSpec;
  action: SpaceSpec;
  /** make() keywords that change a space: value (as the script writes it) → replacement spaces. */
  variants?: Record<string, Record<string, Partial<Pick<EnvRow, "obs" | "action">>>>;
  source: string;
}

const box = (...shape: number[]): SpaceSpec => ({ kind: "box", shape });
const discrete = (n: number): SpaceSpec => ({ kind: "discrete", n });
const page = (path: string) => `Gymnasium documentation, gymnasium.farama.org/environments/${path}/`;

const ENV_ROWS: EnvRow[] = [
  { ids: ["CartPole-v0", "CartPole-v1"], obs: box(4), action: discrete(2), source: page("classic_control/cart_pole") },
  { ids: ["MountainCar-v0"], obs: box(2), action: discrete(3), source: page("classic_control/mountain_car") },
  {
    ids: ["MountainCarContinuous-v0"],
    obs: box(2),
    action: box(1),
    source: page("classic_control/mountain_car_continuous"),
  },
  { ids: ["Acrobot-v1"], obs: box(6), action: discrete(3), source: page("classic_control/acrobot") },
  { ids: ["Pendulum-v0", "Pendulum-v1"], obs: box(3), action: box(1), source: page("classic_control/pendulum") },
  {
    ids: ["LunarLander-v2", "LunarLander-v3"],
    obs: box(8),
    action: discrete(4),
    variants: { continuous: { True: { action: box(2) }, False: {} } },
    source: page("box2d/lunar_lander"),
  },
  {
    ids: ["LunarLanderContinuous-v2", "LunarLanderContinuous-v3"],
    obs: box(8),
    action: box(2),
    source: page("box2d/lunar_lander"),
  },
  {
    ids: ["BipedalWalker-v3", "BipedalWalkerHardcore-v3"],
    obs: box(24),
    action: box(4),
    source: page("box2d/bipedal_walker"),
  },
  {
    ids: ["CarRacing-v2", "CarRacing-v3"],
    obs: box(96, 96, 3),
    action: box(3),
    variants: { continuous: { False: { action: discrete(5) }, True: {} } },
    source: page("box2d/car_racing"),
  },
  {
    ids: ["FrozenLake-v1"],
    obs: discrete(16),
    action: discrete(4),
    variants: { map_name: { "8x8": { obs: discrete(64) }, "4x4": {} } },
    source: page("toy_text/frozen_lake"),
  },
  { ids: ["Taxi-v3"], obs: discrete(500), action: discrete(6), source: page("toy_text/taxi") },
  { ids: ["CliffWalking-v0"], obs: discrete(48), action: discrete(4), source: page("toy_text/cliff_walking") },
  // MuJoCo v4 (v2/v3 where the spaces are the same; Ant-v2/v3 add contact forces, 111 dims).
  {
    ids: ["HalfCheetah-v2", "HalfCheetah-v3", "HalfCheetah-v4"],
    obs: box(17),
    action: box(6),
    source: page("mujoco/half_cheetah"),
  },
  { ids: ["Hopper-v2", "Hopper-v3", "Hopper-v4"], obs: box(11), action: box(3), source: page("mujoco/hopper") },
  { ids: ["Walker2d-v2", "Walker2d-v3", "Walker2d-v4"], obs: box(17), action: box(6), source: page("mujoco/walker2d") },
  { ids: ["Ant-v4"], obs: box(27), action: box(8), source: page("mujoco/ant") },
  { ids: ["Humanoid-v4"], obs: box(376), action: box(17), source: page("mujoco/humanoid") },
  { ids: ["InvertedPendulum-v4"], obs: box(4), action: box(1), source: page("mujoco/inverted_pendulum") },
  { ids: ["InvertedDoublePendulum-v4"], obs: box(11), action: box(1), source: page("mujoco/inverted_double_pendulum") },
  { ids: ["Reacher-v4"], obs: box(11), action: box(2), source: page("mujoco/reacher") },
  { ids: ["Swimmer-v4"], obs: box(8), action: box(2), source: page("mujoco/swimmer") },
];

/** make() keywords that never change the spaces. */
const NEUTRAL_KW = new Set([
  "render_mode",
  "max_episode_steps",
  "disable_env_checker",
  "autoreset",
  "apply_api_compatibility",
]);

export type EnvLookup = { obs: SpaceSpec; action: SpaceSpec; source: string } | { why: string };

/**
 * The spaces of `make(id, **kw)`. `kw` maps keyword → the script's literal as Python writes it
 * ("True", "8x8"), or null when it cannot be read.
 */
export function findEnv(id: string, kw: Map<string, string | null>): EnvLookup {
  const row = ENV_ROWS.find((r) => r.ids.includes(id.replace(/^gym(nasium)?\//, "")));
  if (!row) return { why: `environment "${id}" is not in the environment catalog` };
  let obs = row.obs;
  let action = row.action;
  for (const [key, value] of kw) {
    if (NEUTRAL_KW.has(key)) continue;
    const variant = value === null ? undefined : row.variants?.[key]?.[value];
    if (!variant) return { why: `make("${id}", ${key}=…) may change the spaces the catalog lists` };
    obs = variant.obs ?? obs;
    action = variant.action ?? action;
  }
  return { obs, action, source: row.source };
}
