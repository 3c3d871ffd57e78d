"""The subsamples the 2026-11-29 larger-budget LTH sweeps used, from `plora datasets fetch` output.

Proportional stratified sample (fixed shuffle, seed 7) with a floor of 16 training examples per label,
so that Partial-LoRA's 16-shot discovery has enough of every label (brown-genre's science-fiction has
122 of 9,443 training windows). Usage: python3 subsample.py DATASETS_DIR OUT_DIR
"""
import collections
import json
import random
import sys


def subsample(datasets, out, name, ntrain, neval, floor):
    for split, n in (("train", ntrain), ("test", neval)):
        rows = [json.loads(line) for line in open(f"{datasets}/{name}/{split}.jsonl")]
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
        with open(f"{out}/{name}-{split}.jsonl", "w") as f:
            for r in picked:
                f.write(json.dumps(r) + "\n")
        print(name, split, len(picked))


if __name__ == "__main__":
    subsample(sys.argv[1], sys.argv[2], "spam-assassin", 600, 400, 16)
    subsample(sys.argv[1], sys.argv[2], "brown-genre", 600, 400, 16)
