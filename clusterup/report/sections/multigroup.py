"""Multi-group analysis (issue 12): invariance ladder, group paths, differences, moderation.

Only rearranges results/multigroup/*: the decision of each invariance step is read from the
``decision`` column the stage wrote (Δχ² and Chen 2007), the conclusion is the highest step reached
by an unbroken run of steps that hold, and a hypothesis is moderated by the grouping when the Δχ²
of constraining its path equal across groups is significant (a path hypothesis) or when its
defined effect is significant in some groups and not in others (an indirect hypothesis).
Every sentence is composed in the template (translatable); this module passes data only.
"""
from __future__ import annotations

import re

NAME = "multigroup"
TITLE = "Multi-group analysis: measurement invariance and group comparison of paths"
TEMPLATE = "multigroup.html.j2"
PLACE = "body"
ALPHA = 0.05
_DECISION = re.compile(r"Δχ²: (holds|rejected); Chen: (holds|rejected)")


def _finite(x) -> bool:
    return x is not None and x == x


def _ladder(inv) -> tuple[list[dict], dict]:
    rows, reached = [], {"chi2": None, "chen": None, "both": None}
    broken = {"chi2": False, "chen": False, "both": False}
    for r in inv.to_dict("records"):
        m = _DECISION.search(str(r["decision"]))
        by_chi2 = by_chen = None
        if m:
            by_chi2, by_chen = m.group(1) == "holds", m.group(2) == "holds"
        rows.append({**r, "by_chi2": by_chi2, "by_chen": by_chen, "baseline": m is None})
        if m is None:                      # configural: the baseline every criterion starts from
            reached = {k: r["step"] for k in reached}
            continue
        for key, ok in (("chi2", by_chi2), ("chen", by_chen), ("both", by_chi2 and by_chen)):
            if not broken[key] and ok:
                reached[key] = r["step"]
            elif not ok:
                broken[key] = True
    return rows, reached


def build(results, study, labels):
    inv = results.get("multigroup_invariance")
    paths = results.get("multigroup_paths")
    diffs = results.get("multigroup_differences")
    summary = results.get("multigroup_summary")
    if inv is None or paths is None or diffs is None or summary is None:
        return None
    from clusterup.report.formatting import num
    from clusterup.structural.labels import effect_labels, path_label

    groups = list(summary["groups"])
    by = summary["by"]
    by_label = study.codebook.demographics.get(by, {}).get("label", by)
    ladder, reached = _ladder(inv)
    effect_names = effect_labels(study.analysis_model, labels)

    def name_of(r) -> str:
        if r["op"] == ":=":
            return effect_names.get(r["lhs"], r["lhs"])
        return path_label(r["lhs"], r["rhs"], labels)

    side = []
    for (lhs, op, rhs), g in paths.groupby(["lhs", "op", "rhs"], sort=False):
        per = {r["group"]: r for r in g.to_dict("records")}
        side.append({"name": name_of({"lhs": lhs, "op": op, "rhs": rhs}), "op": op,
                     "label": g["label"].iloc[0], "cells": [per.get(gr) for gr in groups]})
    n_paths = sum(1 for s in side if s["op"] == "~")

    many = "pair" in diffs.columns
    sig, tested = [], []
    for (lhs, rhs), g in diffs.groupby(["lhs", "rhs"], sort=False):
        first = g.iloc[0].to_dict()
        pairs = [r for r in g.to_dict("records") if _finite(r["p"]) and r["p"] < ALPHA]
        entry = {"name": path_label(lhs, rhs, labels), "lhs": lhs, "rhs": rhs, "label": first["label"],
                 "ests": [first.get(f"est_{gr}") for gr in groups], "delta_chi2": first["delta_chi2"],
                 "delta_df": first["delta_df"], "p_delta": first["p_delta"],
                 "pairs": [{"pair": r.get("pair", f"{groups[1]} - {groups[0]}"), "diff": r["diff"],
                            "se_diff": r["se_diff"], "z": r["z"], "p": r["p"]} for r in pairs],
                 "omnibus_sig": bool(_finite(first["p_delta"]) and first["p_delta"] < ALPHA)}
        if not many:
            entry.update(diff=first["diff"], se_diff=first["se_diff"], z=first["z"], p=first["p"])
        tested.append(entry)
        if entry["omnibus_sig"] or entry["pairs"]:
            sig.append(entry)
    by_path = {(t["lhs"], t["rhs"]): t for t in tested}

    moderated, unmoderated = [], []
    defined = paths[paths["op"] == ":="]
    for h in study.hypotheses:
        if h.kind == "path" and "~" in h.target:
            lhs, rhs = (s.strip() for s in h.target.split("~", 1))
            t = by_path.get((lhs, rhs))
            if t is None:
                continue
            if t["omnibus_sig"]:
                moderated.append({"id": h.id, "kind": "path", "name": t["name"],
                                  "ests": ", ".join(f"{gr}: B = {num(e, 3)}" for gr, e in zip(groups, t["ests"])), "delta_chi2": t["delta_chi2"],
                                  "delta_df": t["delta_df"], "p_delta": t["p_delta"]})
            else:
                unmoderated.append(h.id)
        elif h.kind == "indirect":
            d = defined[defined["lhs"] == h.target]
            if d.empty:
                continue
            per = {r["group"]: r for r in d.to_dict("records")}
            sig_in = [gr for gr in groups if gr in per and per[gr]["p"] < ALPHA]
            if sig_in and len(sig_in) < len(groups):
                moderated.append({"id": h.id, "kind": "indirect", "name": effect_names.get(h.target, h.target),
                                  "ests": [(gr, per[gr]["est"], per[gr]["p"]) for gr in groups if gr in per],
                                  "significant_in": sig_in,
                                  "not_in": [gr for gr in groups if gr not in sig_in]})
            else:
                unmoderated.append(h.id)

    mw = summary.get("measurement_weights_fit") or {}
    return {"by": by, "by_label": by_label, "groups": [(g, summary["groups"][g]) for g in groups],
            "group_names": groups, "unmapped": summary.get("unmapped", 0), "likelihood": summary.get("likelihood"),
            "ladder": ladder, "reached": reached, "side": side, "n_paths": n_paths, "many": many,
            "significant": sig, "n_tested": len(tested), "moderated": moderated, "unmoderated": unmoderated,
            "weights_fit": mw, "alpha": ALPHA, "notes": summary.get("notes", [])}
