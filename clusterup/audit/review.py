"""The audit stage as one call for the thin script: published file -> the three tables."""
from __future__ import annotations

import pandas as pd

from clusterup.audit.consistency import check_all
from clusterup.audit.published import compare_all, file_reader, parse_published, table_verdicts


def audit(doc: dict, path: str, results_dir: str, model: str | None = None,
          model_source: str = "model", items_dropped=()) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(published_vs_reproduced, tables, consistency) for the published-numbers ``doc`` read from
    ``path``; ``model`` is the study's lavaan model text (for the df-from-the-model check)."""
    pub = parse_published(doc, path)
    comparison = compare_all(pub["entries"], file_reader(results_dir))
    return comparison, table_verdicts(comparison), check_all(pub["entries"], n=pub["n"], model=model,
                                                                   model_source=model_source, items_dropped=items_dropped)
