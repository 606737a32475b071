"""Oracle stand-in for yacs.config.CfgNode (Debian has no python3-yacs): the parts fixtures use.

Only on sys.path after the real packages, so an installed yacs wins. Follows yacs 0.1.8:
merge_from_file deep-merges a YAML mapping into existing keys (unknown keys are an error),
merge_from_list takes alternating dotted keys and values; freeze/defrost/clone as in yacs.
"""
import copy

import yaml


class CfgNode(dict):
    def __init__(self, init_dict=None):
        super().__init__()
        for k, v in (init_dict or {}).items():
            self[k] = CfgNode(v) if isinstance(v, dict) else v
        self.__dict__["_frozen"] = False

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e

    def __setattr__(self, name, value):
        if self.__dict__.get("_frozen"):
            raise AttributeError("frozen CfgNode")
        self[name] = value

    def _merge(self, other):
        for k, v in other.items():
            if k not in self:
                raise KeyError(f"non-existent config key: {k}")
            if isinstance(v, dict) and isinstance(self[k], CfgNode):
                self[k]._merge(v)
            else:
                self[k] = v

    def merge_from_file(self, path):
        with open(path) as f:
            self._merge(yaml.safe_load(f) or {})

    def merge_from_list(self, opts):
        opts = opts or []
        for key, value in zip(opts[0::2], opts[1::2]):
            node = self
            *parents, last = key.split(".")
            for p in parents:
                node = node[p]
            node[last] = yaml.safe_load(value) if isinstance(value, str) else value

    def freeze(self):
        self.__dict__["_frozen"] = True

    def defrost(self):
        self.__dict__["_frozen"] = False

    def is_frozen(self):
        return self.__dict__["_frozen"]

    def clone(self):
        return copy.deepcopy(self)
