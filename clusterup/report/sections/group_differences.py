"""Group differences on construct scores (issue 10, item 4): significant differences only."""
from __future__ import annotations

NAME = "group_differences"
TITLE = "Differences between groups of respondents"
TEMPLATE = "group_differences.html.j2"
PLACE = "body"
ALPHA = 0.05


def build(results, study, labels):
    tests = results.get("group_tests")
    means = results.get("group_means")
    if tests is None or means is None or tests.empty:       # no demographics (or none testable): no section
        return None
    demo = study.codebook.demographics
    # the test SPSS users read: Welch's when Levene rejects equal variances, else the classical one
    chosen = []
    for (d, c), g in tests.groupby(["demographic", "construct"], sort=False):
        unequal = bool(g["levene_p"].iloc[0] < ALPHA)
        want = ("t_welch" if unequal else "t_student") if "t_student" in set(g["test"]) else \
               ("welch_anova" if unequal else "anova")
        chosen.append(g[g["test"] == want].iloc[0].to_dict())
    k = len(chosen)
    sig = []
    for r in chosen:
        if r["p"] >= ALPHA:
            continue
        mg = means[(means["demographic"] == r["demographic"]) & (means["construct"] == r["construct"])]
        hi, lo = mg.loc[mg["mean"].idxmax()], mg.loc[mg["mean"].idxmin()]
        ph = results.get("group_posthoc")
        pairs = []
        if ph is not None:
            sub = ph[(ph["demographic"] == r["demographic"]) & (ph["construct"] == r["construct"]) & (ph["p_tukey"] < ALPHA)]
            pairs = list(zip(sub["level_a"], sub["level_b"]))
        sig.append({**r, "demographic_label": demo.get(r["demographic"], {}).get("label", r["demographic"]),
                    "construct_label": labels.get(r["construct"], r["construct"]),
                    "high": hi["level"], "high_mean": hi["mean"], "low": lo["level"], "low_mean": lo["mean"],
                    "tukey_levels": pairs, "tukey_pairs": [f"{a} vs {b}" for a, b in pairs], "bonferroni": bool(r["p"] < ALPHA / k)})
    return {"k": k, "n_sig": len(sig), "rows": sig, "alpha": ALPHA, "bonferroni": ALPHA / k if k else None,
            "expected_false": ALPHA * k, "n_demographics": tests["demographic"].nunique(),
            "n_constructs": tests["construct"].nunique()}
