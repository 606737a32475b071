// The dataset catalog as data: split sizes and native sample shapes of the datasets training
// scripts load by name, one row per dataset (per config for multi-config datasets), each with its source.
//
// Shapes: torchvision rows are C×H×W (what ToTensor() yields); keras.datasets rows are the array
// shape `load_data()` returns per sample (H×W or H×W×C, or a feature vector); null = variable size
// (the script's transforms fix it) or text (tokens per sample come from the tokenizer, not here).

export type DatasetFamily = "torchvision" | "keras" | "huggingface";

export interface DatasetRow {
  /** Catalog id: "mnist", "cifar10", "imagenet-1k", "glue/sst2". */
  id: string;
  family: DatasetFamily;
  /** Names the script may use: torchvision class, keras module, HF path (with or without owner). */
  names: string[];
  /** HF config / torchvision `split=` value selecting this row (EMNIST "balanced", GLUE "sst2"). */
  config?: string;
  modality: "image" | "text" | "tabular";
  /** Split name → sample count. Keys as the library names them ("train", "test", "validation", "extra"...). */
  splits: Record<string, number>;
  /** The config picked when the script names none (VOC's `year="2012"` default). */
  defaultConfig?: boolean;
  /** Split used when the script names none (the library's default argument); else "train". */
  defaultSplit?: string;
  /**
   * The class takes no split argument: the files it is handed pick the split (COCO's
   * `CocoDetection("val2017", "annotations/instances_val2017.json")`).
   */
  splitFromPath?: boolean;
  sampleShape: number[] | null;
  source: string;
}

const TV = "torchvision";
const K = "keras";

export const DATASET_ROWS: DatasetRow[] = [
  // ---- torchvision.datasets -------------------------------------------------------------
  {
    id: "mnist",
    family: TV,
    names: ["MNIST"],
    modality: "image",
    splits: { train: 60000, test: 10000 },
    sampleShape: [1, 28, 28],
    source: "LeCun, Cortes & Burges, The MNIST database (yann.lecun.com/exdb/mnist)",
  },
  {
    id: "fashion-mnist",
    family: TV,
    names: ["FashionMNIST"],
    modality: "image",
    splits: { train: 60000, test: 10000 },
    sampleShape: [1, 28, 28],
    source: "Xiao, Rasul & Vollgraf 2017, Fashion-MNIST (arXiv:1708.07747)",
  },
  {
    id: "kmnist",
    family: TV,
    names: ["KMNIST"],
    modality: "image",
    splits: { train: 60000, test: 10000 },
    sampleShape: [1, 28, 28],
    source: "Clanuwat et al. 2018, Deep Learning for Classical Japanese Literature (arXiv:1812.01718)",
  },
  {
    id: "qmnist",
    family: TV,
    names: ["QMNIST"],
    modality: "image",
    splits: { train: 60000, test: 60000 },
    sampleShape: [1, 28, 28],
    source: "Yadav & Bottou 2019, Cold Case: The Lost MNIST Digits (arXiv:1905.10498)",
  },
  ...(
    [
      ["byclass", 697932, 116323],
      ["bymerge", 697932, 116323],
      ["balanced", 112800, 18800],
      ["letters", 88800, 14800],
      ["digits", 240000, 40000],
      ["mnist", 60000, 10000],
    ] as const
  ).map(
    ([config, train, test]): DatasetRow => ({
      id: `emnist/${config}`,
      family: TV,
      names: ["EMNIST"],
      config,
      modality: "image",
      splits: { train, test },
      sampleShape: [1, 28, 28],
      source: "Cohen et al. 2017, EMNIST: an extension of MNIST to handwritten letters (arXiv:1702.05373), Table I",
    }),
  ),
  {
    id: "usps",
    family: TV,
    names: ["USPS"],
    modality: "image",
    splits: { train: 7291, test: 2007 },
    sampleShape: [1, 16, 16],
    source: "Hull 1994, A database for handwritten text recognition research (IEEE TPAMI 16(5))",
  },
  {
    id: "cifar10",
    family: TV,
    names: ["CIFAR10"],
    modality: "image",
    splits: { train: 50000, test: 10000 },
    sampleShape: [3, 32, 32],
    source: "Krizhevsky 2009, Learning Multiple Layers of Features from Tiny Images (cs.toronto.edu/~kriz/cifar.html)",
  },
  {
    id: "cifar100",
    family: TV,
    names: ["CIFAR100"],
    modality: "image",
    splits: { train: 50000, test: 10000 },
    sampleShape: [3, 32, 32],
    source: "Krizhevsky 2009, Learning Multiple Layers of Features from Tiny Images (cs.toronto.edu/~kriz/cifar.html)",
  },
  {
    id: "svhn",
    family: TV,
    names: ["SVHN"],
    modality: "image",
    splits: { train: 73257, test: 26032, extra: 531131 },
    sampleShape: [3, 32, 32],
    source: "Netzer et al. 2011, Reading Digits in Natural Images (ufldl.stanford.edu/housenumbers)",
  },
  {
    id: "stl10",
    family: TV,
    names: ["STL10"],
    modality: "image",
    splits: { train: 5000, test: 8000, unlabeled: 100000, "train+unlabeled": 105000 },
    sampleShape: [3, 96, 96],
    source: "Coates, Lee & Ng 2011, An Analysis of Single-Layer Networks in Unsupervised Feature Learning (AISTATS)",
  },
  {
    id: "imagenet-1k",
    family: TV,
    names: ["ImageNet", "ImageFolder:imagenet"],
    modality: "image",
    splits: { train: 1281167, val: 50000 },
    sampleShape: null,
    source: "Russakovsky et al. 2015, ImageNet Large Scale Visual Recognition Challenge (IJCV), ILSVRC-2012",
  },
  {
    id: "food101",
    family: TV,
    names: ["Food101"],
    modality: "image",
    splits: { train: 75750, test: 25250 },
    sampleShape: null,
    source: "Bossard, Guillaumin & Van Gool 2014, Food-101 (ECCV)",
  },
  {
    id: "flowers102",
    family: TV,
    names: ["Flowers102"],
    modality: "image",
    splits: { train: 1020, val: 1020, test: 6149 },
    sampleShape: null,
    source: "Nilsback & Zisserman 2008, Automated Flower Classification over a Large Number of Classes (ICVGIP)",
  },
  {
    id: "oxford-iiit-pet",
    family: TV,
    names: ["OxfordIIITPet"],
    modality: "image",
    splits: { trainval: 3680, test: 3669 },
    defaultSplit: "trainval",
    sampleShape: null,
    source: "Parkhi et al. 2012, Cats and Dogs (CVPR); torchvision splits trainval/test",
  },
  {
    id: "celeba",
    family: TV,
    names: ["CelebA"],
    modality: "image",
    splits: { train: 162770, valid: 19867, test: 19962, all: 202599 },
    sampleShape: [3, 218, 178],
    source: "Liu et al. 2015, Deep Learning Face Attributes in the Wild (ICCV); list_eval_partition.txt",
  },
  {
    id: "places365",
    family: TV,
    names: ["Places365"],
    modality: "image",
    splits: { "train-standard": 1803460, val: 36500 },
    defaultSplit: "train-standard",
    sampleShape: null,
    source: "Zhou et al. 2017, Places: A 10 Million Image Database for Scene Recognition (TPAMI)",
  },
  {
    id: "coco-2017",
    family: TV,
    names: ["CocoDetection", "CocoCaptions"],
    modality: "image",
    splits: { train: 118287, val: 5000 },
    splitFromPath: true,
    sampleShape: null,
    source: "Lin et al. 2014, Microsoft COCO (cocodataset.org, 2017 split: train2017 118,287 / val2017 5,000)",
  },
  {
    id: "stanford-cars",
    family: TV,
    names: ["StanfordCars"],
    modality: "image",
    splits: { train: 8144, test: 8041 },
    sampleShape: null,
    source: "Krause et al. 2013, 3D Object Representations for Fine-Grained Categorization (ICCV workshops)",
  },
  {
    id: "fgvc-aircraft",
    family: TV,
    names: ["FGVCAircraft"],
    modality: "image",
    splits: { train: 3334, val: 3333, trainval: 6667, test: 3333 },
    defaultSplit: "trainval",
    sampleShape: null,
    source: "Maji et al. 2013, Fine-Grained Visual Classification of Aircraft (arXiv:1306.5151)",
  },
  {
    id: "dtd",
    family: TV,
    names: ["DTD"],
    modality: "image",
    splits: { train: 1880, val: 1880, test: 1880 },
    sampleShape: null,
    source: "Cimpoi et al. 2014, Describing Textures in the Wild (CVPR); 5,640 images in 3 equal splits",
  },
  {
    id: "eurosat",
    family: TV,
    names: ["EuroSAT"],
    modality: "image",
    splits: { all: 27000 },
    defaultSplit: "all",
    sampleShape: [3, 64, 64],
    source: "Helber et al. 2019, EuroSAT (IEEE JSTARS); RGB version, no official split",
  },
  {
    id: "omniglot",
    family: TV,
    names: ["Omniglot"],
    modality: "image",
    splits: { background: 19280, evaluation: 13180 },
    defaultSplit: "background",
    sampleShape: [1, 105, 105],
    source:
      "Lake, Salakhutdinov & Tenenbaum 2015, Human-level concept learning (Science); 964+659 characters × 20 drawers",
  },
  // VOC's `year=` is the config (torchvision's default "2012"); a year not listed is unknown.
  {
    id: "voc2012-segmentation",
    family: TV,
    names: ["VOCSegmentation"],
    config: "2012",
    defaultConfig: true,
    modality: "image",
    splits: { train: 1464, val: 1449, trainval: 2913 },
    sampleShape: null,
    source: "Everingham et al., PASCAL VOC 2012 development kit (segmentation image sets)",
  },
  {
    id: "voc2007-segmentation",
    family: TV,
    names: ["VOCSegmentation"],
    config: "2007",
    modality: "image",
    splits: { train: 209, val: 213, trainval: 422, test: 210 },
    sampleShape: null,
    source: "Everingham et al., PASCAL VOC 2007 development kit (segmentation image sets: 422 trainval, 210 test)",
  },
  {
    id: "voc2012-detection",
    family: TV,
    names: ["VOCDetection"],
    config: "2012",
    defaultConfig: true,
    modality: "image",
    splits: { train: 5717, val: 5823, trainval: 11540 },
    sampleShape: null,
    source: "Everingham et al., PASCAL VOC 2012 development kit (main image sets)",
  },
  {
    id: "voc2007-detection",
    family: TV,
    names: ["VOCDetection"],
    config: "2007",
    modality: "image",
    splits: { train: 2501, val: 2510, trainval: 5011, test: 4952 },
    sampleShape: null,
    source: "Everingham et al., PASCAL VOC 2007 development kit (main image sets: train 2,501, val 2,510, test 4,952)",
  },

  // ---- keras.datasets (load_data() returns (x_train, y_train), (x_test, y_test)) -------
  {
    id: "mnist",
    family: K,
    names: ["mnist"],
    modality: "image",
    splits: { train: 60000, test: 10000 },
    sampleShape: [28, 28],
    source: "keras.io/api/datasets/mnist (x_train uint8 (60000, 28, 28))",
  },
  {
    id: "fashion-mnist",
    family: K,
    names: ["fashion_mnist"],
    modality: "image",
    splits: { train: 60000, test: 10000 },
    sampleShape: [28, 28],
    source: "keras.io/api/datasets/fashion_mnist (x_train uint8 (60000, 28, 28))",
  },
  {
    id: "cifar10",
    family: K,
    names: ["cifar10"],
    modality: "image",
    splits: { train: 50000, test: 10000 },
    sampleShape: [32, 32, 3],
    source: "keras.io/api/datasets/cifar10 (x_train uint8 (50000, 32, 32, 3))",
  },
  {
    id: "cifar100",
    family: K,
    names: ["cifar100"],
    modality: "image",
    splits: { train: 50000, test: 10000 },
    sampleShape: [32, 32, 3],
    source: "keras.io/api/datasets/cifar100 (x_train uint8 (50000, 32, 32, 3))",
  },
  {
    id: "imdb",
    family: K,
    names: ["imdb"],
    modality: "text",
    splits: { train: 25000, test: 25000 },
    sampleShape: null,
    source: "keras.io/api/datasets/imdb (25,000 train / 25,000 test reviews); Maas et al. 2011",
  },
  {
    id: "reuters",
    family: K,
    names: ["reuters"],
    modality: "text",
    // 11,228 newswires split by load_data(test_split=0.2): int(11228 × 0.8) = 8,982 train.
    splits: { train: 8982, test: 2246 },
    sampleShape: null,
    source: "keras.io/api/datasets/reuters (11,228 newswires, default test_split=0.2)",
  },
  {
    id: "boston-housing",
    family: K,
    names: ["boston_housing"],
    modality: "tabular",
    // 506 rows split by load_data(test_split=0.2): int(506 × 0.8) = 404 train.
    splits: { train: 404, test: 102 },
    sampleShape: [13],
    source: "keras.io/api/datasets/boston_housing (506 samples × 13 features, default test_split=0.2)",
  },
  {
    id: "california-housing",
    family: K,
    names: ["california_housing"],
    modality: "tabular",
    // 20,640 rows split by load_data(test_split=0.2): int(20640 × 0.8) = 16,512 train.
    splits: { train: 16512, test: 4128 },
    sampleShape: [8],
    source: "keras.io/api/datasets/california_housing (20,640 samples × 8 features, default test_split=0.2)",
  },
];
