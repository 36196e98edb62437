"""Write the synthetic replicate's raw file from config/population.yaml (SPEC §3).

    python tools/make_replicate.py [--population config/population.yaml] [--out data/raw/survey_raw.csv]
    python tools/make_replicate.py --check     # regenerate in memory and compare with the committed file

The raw file is committed with its SHA-256 in data/README.md; a workflow run never regenerates it.
"""
import argparse
import hashlib
import sys

import yaml

from clusterup.io.replicate import Population, generate, to_csv_bytes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--population", default="config/population.yaml")
    ap.add_argument("--out", default="data/raw/survey_raw.csv")
    ap.add_argument("--seed", type=int, help="override the population's seed")
    ap.add_argument("--check", action="store_true", help="compare with the existing file instead of writing")
    args = ap.parse_args()
    with open(args.population, encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    if args.seed is not None:
        raw["seed"] = args.seed
    data = to_csv_bytes(generate(Population(raw)).raw)
    digest = hashlib.sha256(data).hexdigest()
    if args.check:
        with open(args.out, "rb") as fh:
            same = fh.read() == data
        print(f"{args.out}: {'identical' if same else 'DIFFERENT'} (regenerated sha256 {digest})")
        return 0 if same else 1
    with open(args.out, "wb") as fh:
        fh.write(data)
    print(f"wrote {args.out} ({len(data)} bytes, seed {raw['seed']}, sha256 {digest})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
