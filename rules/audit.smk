# The reviewer's audit (issue 14): runs only when the config names a published-numbers file.
# It reads results files only; its inputs are the core deliverables and every registered results
# file the published entries name (read from the published file when the workflow is parsed), so
# it runs after everything it compares.
AUDIT_PUBLISHED = (config.get("audit") or {}).get("published")

AUDIT_CORE = ["results/clean/flow.json", "results/describe/items.csv", "results/reliability/constructs.csv",
              "results/efa/adequacy.json", "results/cfa/fit.json", "results/cfa/estimates.csv",
              "results/cfa/validity.csv", "results/sem/fit.json", "results/sem/estimates.csv",
              "results/mediation/effects.csv", "results/mediation/nested.json", "results/hypotheses.csv"]


def audit_named_files(wildcards):
    """Results files the published entries name that the workflow writes (others are reported
    as missing by the audit, not demanded here)."""
    from clusterup.audit.published import published_files
    from clusterup.registry import lookup

    try:
        with open(AUDIT_PUBLISHED, encoding="utf-8") as fh:
            entries = (yaml.safe_load(fh) or {}).get("entries") or []
        rels = published_files([e for e in entries if isinstance(e, dict) and "quantity" in e])
    except (OSError, yaml.YAMLError, AttributeError):
        rels = []                # the audit script reports the bad file clearly
    paths = [f"results/{p}" for p in rels]
    return [p for p in paths if p in AUDIT_CORE or lookup(p) is not None and not p.startswith("results/audit/")]


if AUDIT_PUBLISHED:
    REPORT_INPUTS["audit_comparison"] = "results/audit/published_vs_reproduced.csv"
    REPORT_INPUTS["audit_tables"] = "results/audit/tables.csv"
    REPORT_INPUTS["audit_consistency"] = "results/audit/consistency.csv"
    FINAL_TARGETS += ["results/audit/published_vs_reproduced.csv", "results/audit/tables.csv",
                      "results/audit/consistency.csv"]

    rule audit:
        input:
            code=pkg("published", "consistency", "review", "config", "syntax", "spec"),
            published=AUDIT_PUBLISHED,
            model=config["model"],
            core=AUDIT_CORE,
            named=audit_named_files,
        output:
            comparison="results/audit/published_vs_reproduced.csv",
            tables="results/audit/tables.csv",
            consistency="results/audit/consistency.csv",
        params:
            items_dropped=config["items_dropped"],
        log:
            "results/logs/audit.log",
        benchmark:
            "results/benchmarks/audit.tsv"
        script:
            "../scripts/audit.py"
