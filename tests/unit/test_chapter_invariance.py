"""The chapter does not depend on how a run was split into jobs (issue 15): with ``shards: auto``
the shard count follows --cores, so it belongs in provenance.json, never in the chapter text."""
from pathlib import Path

from clusterup.io.provenance import provenance


def test_no_template_prints_the_shard_count_or_the_execution_record():
    for path in Path("templates").rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert "bootstrap.shards" not in text, path
        assert "provenance.execution" not in text, path
        # machine facts differ between computers: provenance.json only (issue 15, part 3)
        for fact in ("provenance.platform", "provenance.cpu_count", "provenance.machine", "provenance.python"):
            assert fact not in text, (path, fact)


def test_provenance_records_how_the_run_was_split():
    rec = provenance(inputs={}, config={"bootstrap": {"shards": "auto"}}, seeds={"bootstrap": 1},
                     benchmark_files=[], execution={"bootstrap_shards": 4, "bootstrap_shards_config": "auto"})
    assert rec["execution"] == {"bootstrap_shards": 4, "bootstrap_shards_config": "auto"}
