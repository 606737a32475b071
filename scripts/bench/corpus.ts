// Builds benchmark inputs of a chosen size from the committed PyTorch fixtures (real-looking
// training scripts), so timings reflect the code users write rather than synthetic filler.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Tree } from "web-tree-sitter";

const FIXTURES = join(process.cwd(), "test", "fixtures", "torch");

export function fixtureScripts(): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".py")) out.push({ path: p, text: readFileSync(p, "utf8") });
    }
  };
  walk(FIXTURES);
  return out;
}

/**
 * The fixtures the benchmark inputs are made of, in order: a fixed list, so that adding a fixture
 * does not change what the rows measure (the 48 top-level PyTorch fixtures of 2026-11-29 04:00).
 */
const BENCH_SCRIPTS = [
  "anomaly_autoencoder_directive.py",
  "audio_conv1d.py",
  "bilinear_recommender.py",
  "bilstm_tagger.py",
  "blitz_style_cnn.py",
  "char_rnn.py",
  "cifar_resnet.py",
  "config_dataclass_tcn.py",
  "config_dict_cnn.py",
  "conv_autoencoder.py",
  "crnn_speech.py",
  "cross_attention_kdim.py",
  "custom_dataset_cnn.py",
  "dcgan.py",
  "decoder_interpolate_gn.py",
  "densenet_cifar.py",
  "espcn_superres.py",
  "frozen_backbone_torchvision.py",
  "gan_mlp.py",
  "gcn_batched.py",
  "gpt_char.py",
  "inception_cifar.py",
  "lenet5.py",
  "lstm_language_model.py",
  "mlp_add_module.py",
  "mlp_mixer.py",
  "mlp_ordereddict.py",
  "mnist_cnn.py",
  "mobilenet_v1_depthwise.py",
  "mobilenet_v2.py",
  "multitask_moduledict.py",
  "perceiver_einsum.py",
  "resnext_cifar.py",
  "se_resnet_cifar.py",
  "seq2seq_gru.py",
  "siamese_mnist.py",
  "text_cnn.py",
  "timeseries_lstm.py",
  "tiny_imagenet_directive.py",
  "torchvision_resnet50_finetune.py",
  "transformer_text_classifier.py",
  "transformer_translation.py",
  "unet_segmentation.py",
  "vae_mnist.py",
  "vgg16_cfg.py",
  "video_conv3d.py",
  "vit_cifar.py",
  "wide_resnet_cifar.py",
];

/** Concatenates whole fixture scripts (BENCH_SCRIPTS, cycled) until the text has at least `lines` lines. */
export function scriptOfLines(lines: number): string {
  const scripts = BENCH_SCRIPTS.map((name) => readFileSync(join(FIXTURES, name), "utf8"));
  const parts: string[] = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const t = scripts[i % scripts.length];
    parts.push(t);
    count += t.split("\n").length;
  }
  return parts.join("\n");
}

/**
 * The bench's keystroke: each call alternately inserts and deletes a comment line at the start of
 * the middle line of `initial` (so the file never grows), applies the matching edit to `tree` for
 * an incremental reparse, and returns the new text.
 */
export function commentKeystroke(initial: string): (tree: Tree | null) => string {
  let text = initial;
  const mid = text.indexOf("\n", Math.floor(text.length / 2)) + 1;
  const row = text.slice(0, mid).split("\n").length - 1;
  const start = { row, column: 0 };
  const below = { row: row + 1, column: 0 };
  let inserted = false;
  return (tree) => {
    inserted = !inserted;
    if (inserted) {
      text = `${text.slice(0, mid)}#\n${text.slice(mid)}`;
      tree?.edit({
        startIndex: mid,
        oldEndIndex: mid,
        newEndIndex: mid + 2,
        startPosition: start,
        oldEndPosition: start,
        newEndPosition: below,
      });
    } else {
      text = text.slice(0, mid) + text.slice(mid + 2);
      tree?.edit({
        startIndex: mid,
        oldEndIndex: mid + 2,
        newEndIndex: mid,
        startPosition: start,
        oldEndPosition: below,
        newEndPosition: start,
      });
    }
    return text;
  };
}
