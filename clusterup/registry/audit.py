"""Results of the reviewer's audit (issue 14): written only when ``audit.published`` is set."""
from clusterup.registry import F, ResultFile

FILES = [
    ResultFile("audit/published_vs_reproduced.csv", "audit",
               "Each printed number of the published-numbers file against the reproduced results file it names.",
               fields=(F("table", "published table or statement the number is printed in"),
                       F("quantity", "results file, row selector and column/key: path[col=value,...]#column"),
                       F("printed", "the number as printed (string)"),
                       F("reproduced", "the value in the results file (empty when missing)"),
                       F("decimals", "decimals printed (empty for text)"),
                       F("difference", "reproduced − printed (empty for text or bounds)", "printed unit"),
                       F("status", "match (within half a unit of the last printed digit), close (within one "
                                   "unit), differs, missing (not produced or ambiguous selector)"))),
    ResultFile("audit/tables.csv", "audit", "Per published table: counts by status and the AEA-style verdict.",
               fields=(F("table", "published table"), F("n", "entries", "count"),
                       F("match", "entries matching", "count"), F("close", "entries close", "count"),
                       F("differs", "entries differing", "count"), F("missing", "entries not produced", "count"),
                       F("verdict", "reproduced | reproduced with minor differences | not reproduced"))),
    ResultFile("audit/consistency.csv", "audit",
               "Printed numbers recomputed from other printed numbers (inputs over their rounding intervals).",
               fields=(F("check", "rmsea, chi2_df, p_chi2, cfi, tli, cr, ave, df, grim"),
                       F("table", "published table of the checked number"),
                       F("inputs", "the printed inputs used (and, for RMSEA, which N convention matched)"),
                       F("printed", "the checked number as printed"),
                       F("recomputed", "value or range implied by the printed inputs"),
                       F("status", "consistent | inconsistent | not checkable"))),
]
