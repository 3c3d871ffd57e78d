"""Writes the frontier experiment's subsamples from `plora datasets fetch` output.

Proportional stratified samples (fixed shuffle, seed 7) with a floor of 16 training examples per label,
so Partial-LoRA's 16-shot discovery sees every label. Only the standard library; the same files on every
machine. Usage: python3 subsample.py DATASETS_DIR OUT_DIR CORPUS:TRAIN:EVAL ...
"""
import collections
import json
import random
import sys


def subsample(datasets, out, name, ntrain, neval, floor=16):
    for split, n in (("train", ntrain), ("test", neval)):
        with open(f"{datasets}/{name}/{split}.jsonl", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        rnd = random.Random(7)
        rnd.shuffle(rows)
        by_label = collections.defaultdict(list)
        for r in rows:
            by_label[r["label"]].append(r)
        picked = []
        for label, members in sorted(by_label.items()):
            k = max(floor if split == "train" else 1, round(n * len(members) / len(rows)))
            picked += members[:k]
        rnd.shuffle(picked)
        with open(f"{out}/{name}-{split}.jsonl", "w", encoding="utf-8") as f:
            for r in picked:
                f.write(json.dumps(r) + "\n")
        print(f"{name} {split}: {len(picked)} examples, {len(by_label)} labels")


if __name__ == "__main__":
    for spec in sys.argv[3:]:
        name, ntrain, neval = spec.split(":")
        subsample(sys.argv[1], sys.argv[2], name, int(ntrain), int(neval))
