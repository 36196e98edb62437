"""Bootstrap scatter/gather: identical results for any number of shards and across runs."""
import hashlib
import re

import pytest
import yaml

pytestmark = pytest.mark.workflow


def _config(wd, shards: int, samples: int = 300):
    cfg = yaml.safe_load((wd / "config/config.yaml").read_text())
    cfg["bootstrap"].update(samples=samples, shards=shards)
    path = wd / "config" / f"shards{shards}.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_effects_identical_for_1_and_4_shards_and_across_runs(tmp_path, wf):
    digests = []
    for k, (shards, cores) in enumerate(((1, 1), (4, 2), (4, 2))):
        wd = wf.copy(tmp_path / f"wf{k}")
        proc = wf.run(wd, "results/mediation/effects.csv", configfile=_config(wd, shards),
                      extra=["--cores", str(cores)])
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        digests.append(_sha(wd / "results/mediation/effects.csv"))
        n_files = len(list((wd / "results/bootstrap").glob("shard_*.csv")))
        assert n_files >= shards
    assert digests[0] == digests[1] == digests[2]


def test_crashed_shard_reruns_alone(tmp_path, wf):
    """Shards 1 and 3 finished, shard 2 did not (crashed): the rerun runs shard 2 and the gather only,
    and the result equals an uninterrupted run."""
    wd = wf.copy(tmp_path / "wf")
    cfg = _config(wd, 3, samples=150)
    proc = wf.run(wd, "results/bootstrap/shard_1.csv", "results/bootstrap/shard_3.csv", configfile=cfg)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert not (wd / "results/bootstrap/shard_2.csv").exists()
    proc = wf.run(wd, "results/mediation/effects.csv", configfile=cfg, extra=["--quiet", "rules"])
    assert proc.returncode == 0
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)\s*$", proc.stdout + proc.stderr, flags=re.M))
    jobs.pop("total", None)
    assert jobs == {"bootstrap_shard": "1", "mediation": "1"}, proc.stdout + proc.stderr
    fresh = wf.copy(tmp_path / "fresh")
    assert wf.run(fresh, "results/mediation/effects.csv", configfile=_config(fresh, 3, samples=150)).returncode == 0
    assert _sha(wd / "results/mediation/effects.csv") == _sha(fresh / "results/mediation/effects.csv")
