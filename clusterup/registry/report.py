"""The chapter, its figures, the provenance record, and the non-deliverable folders."""
from clusterup.registry import F, ResultFile

STAGE = "report"
ORDER = 90   # position of the stage in results/README.md

FILES = [
    ResultFile("figures/cfa_diagram.svg", STAGE, "AMOS-style diagram of the first-order CFA: items with error terms and standardized loadings, factor correlations."),
    ResultFile("figures/sem_diagram.svg", STAGE, "AMOS-style diagram of the full SEM: items, errors, first- and second-order factors, disturbances, standardized paths with stars, R², dashed non-significant paths."),
    ResultFile("figures/item_distributions.svg", STAGE, "Answer distributions of the items."),
    ResultFile("figures/correlation_heatmap.svg", STAGE, "Heatmap of the construct correlations."),
    ResultFile("figures/bootstrap_distributions.svg", STAGE, "Bootstrap distributions of the indirect effects."),
    ResultFile("figures/zh/item_distributions.svg", STAGE, "Answer distributions of the items, Chinese axis titles (only when report.languages includes zh)."),
    ResultFile("figures/zh/correlation_heatmap.svg", STAGE, "Heatmap of the construct correlations, Chinese labels (only when report.languages includes zh)."),
    ResultFile("figures/zh/bootstrap_distributions.svg", STAGE, "Bootstrap distributions of the indirect effects, Chinese effect names and legend (only when report.languages includes zh)."),
    ResultFile("report/chapter.html", STAGE, "The chapter (HTML), in the first language of report.languages (or report.language)."),
    ResultFile("report/chapter.pdf", STAGE, "The chapter (PDF, rendered from the HTML)."),
    ResultFile("report/chapter_zh.html", STAGE, "The chapter in Chinese (HTML; only when report.languages lists zh after the first language)."),
    ResultFile("report/chapter_zh.pdf", STAGE, "The chapter in Chinese (PDF, typeset as a Chinese thesis)."),
    ResultFile("README.md", STAGE, "This dictionary, generated from `clusterup/registry/`."),
    ResultFile("provenance.json", STAGE, "What produced these results: inputs, seeds, software, timings.",
               fields=(
                   F("inputs", "input name → `path`, `sha256` (hex digest), `bytes` (size)", "object"),
                   F("config_sha256", "SHA-256 of the validated configuration", "hex digest"),
                   F("data_reading", "how the data file was read: `encoding`, `delimiter` (detected or from data.encoding / data.delimiter; null for Excel/SPSS)", "object"),
                   F("seeds", "every random seed used", "object"),
                   F("execution", "how the run was split into jobs: `bootstrap_shards` (resolved count), `bootstrap_shards_config` (as configured); results do not depend on it", "object"),
                   F("python", "Python version", "text"),
                   F("platform", "operating system", "text"),
                   F("machine", "processor architecture", "text"),
                   F("cpu_count", "logical CPUs", "count"),
                   F("packages", "package → installed version", "object"),
                   F("git", "commit and whether the work tree was clean", "object"),
                   F("rule_timings", "per job: `job`, `seconds` (wall time, s), `max_rss_mb` (MB)", "list"),
                   F("total_rule_seconds", "sum of the jobs' wall times", "seconds"),
               )),
    ResultFile("logs/", STAGE, "One log file per job (standard error of its script). Not a deliverable."),
    ResultFile("benchmarks/", STAGE, "Snakemake benchmark TSV per job (wall time in s, memory in MB). Not a deliverable."),
    ResultFile(".work/", STAGE, "Internal hand-offs between jobs (e.g. the bootstrap setup). Not a deliverable; may change without notice."),
]
