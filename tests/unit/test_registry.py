"""The results dictionary: every entry well-formed, all of them in results/README.md, and the
writers refuse a CSV whose columns break its entry."""
import pandas as pd
import pytest

from clusterup.registry import ResultFile, all_files, check_columns, dictionary_markdown, lookup
from clusterup.workflow import write_csv

# SPEC Appendix B: names that are part of the contract (a subset of each entry's fields, in order
# for the CSVs)
APPENDIX_B = {
    "clean/flow.json": ["distributed", "returned", "excluded", "valid", "imputed_cells"],
    "clean/exclusions.csv": ["resp_id", "rule", "detail"],
    "reliability/constructs.csv": ["construct", "n_items", "alpha", "alpha_std", "omega"],
    "reliability/items.csv": ["construct", "item", "citc", "alpha_if_deleted", "flag"],
    "efa/adequacy.json": ["kmo", "bartlett_chi2", "bartlett_df", "bartlett_p"],
    "efa/harman.json": ["first_factor_pct"],
    "cfa/fit.json": ["n", "likelihood", "npar", "chi2", "df", "p", "chi2_df", "rmr", "srmr", "gfi", "agfi",
                     "pgfi", "nfi", "rfi", "ifi", "tli", "cfi", "pnfi", "pcfi", "rmsea", "rmsea_lo90",
                     "rmsea_hi90", "pclose", "aic", "bcc", "bic", "caic", "ecvi", "hoelter_05", "hoelter_01",
                     "converged"],
    "cfa/estimates.csv": ["lhs", "op", "rhs", "label", "est", "se", "z", "p", "std_all"],
    "sem/estimates.csv": ["lhs", "op", "rhs", "label", "est", "se", "z", "p", "std_all"],
    "cfa/validity.csv": ["construct", "cr", "ave", "sqrt_ave", "msv"],
    "cfa/htmt.csv": ["construct"],
    "mediation/effects.csv": ["effect", "estimate", "std_estimate", "boot_se", "perc_lo", "perc_hi", "bc_lo",
                              "bc_hi", "p_bc", "n_ok", "n_failed"],
    "mediation/nested.json": ["chi2_diff", "df_diff", "p"],
    "hypotheses.csv": ["id", "statement", "kind", "target", "estimate", "std_estimate", "se", "p", "ci_lo",
                       "ci_hi", "verdict"],
}
# the only percentages in files: Harman's contract key (efa/harman.json; issue 10 repeats it in
# cmb/method_bias.json) and the limit it is compared with
PERCENT_ALLOWED = {"first_factor_pct", "limit_pct", "harman_first_factor_pct", "harman_limit_pct"}
APPENDIX_B["sem/fit.json"] = APPENDIX_B["cfa/fit.json"]


def _data_files():
    return [f for f in all_files() if f.kind in ("csv", "json")]


def test_every_data_entry_is_well_formed():
    files = _data_files()
    assert len(files) >= 30
    paths = [f.path for f in all_files()]
    assert len(paths) == len(set(paths)), "a path is registered twice"
    for f in files:
        assert isinstance(f, ResultFile) and f.description.strip(), f.path
        assert not f.path.startswith(("/", "results/")), f.path
        assert f.fields, f"{f.path}: no columns/keys"
        names = f.columns
        assert len(names) == len(set(names)), f"{f.path}: duplicate field"
        for x in f.fields:
            assert x.name and x.meaning.strip(), f"{f.path}: {x.name} has no meaning"
            # proportions in files: the only percentages are Harman's contract key and its limit
            if "percent" in x.unit or x.name.endswith("_pct") or x.name == "percent":
                assert x.name in PERCENT_ALLOWED, f"{f.path}#{x.name} stores a percentage: store a proportion"
                assert x.unit.startswith("percent"), f"{f.path}#{x.name}: unit {x.unit!r}"


def test_appendix_b_names_are_kept():
    for path, names in APPENDIX_B.items():
        entry = lookup(path)
        assert entry is not None, path
        have = entry.columns
        assert set(names) <= set(have), (path, sorted(set(names) - set(have)))
        if entry.kind == "csv":
            assert [c for c in have if c in names] == names, f"{path}: order differs from SPEC"


def test_dictionary_lists_every_entry_with_its_fields():
    md = dictionary_markdown()
    assert md.startswith("# The results dictionary")
    for f in all_files():
        assert f"### `{f.path}`" in md, f.path
        for x in f.fields:
            assert f"| `{x.name}` | {x.meaning} | {x.unit} |" in md, (f.path, x.name)
        if f.extra:
            assert f.extra in md


def test_lookup_resolves_wildcards_and_prefixes():
    assert lookup("results/bootstrap/shard_3.csv").path == "bootstrap/shard_{i}.csv"
    assert lookup("/tmp/x/results/cfa/fit.json").path == "cfa/fit.json"
    assert lookup("results/no/such.csv") is None


def test_check_columns_accepts_the_contract_and_raises_on_a_renamed_column():
    cols = lookup("reliability/items.csv").columns
    check_columns("results/reliability/items.csv", cols)
    renamed = ["citc_corrected" if c == "citc" else c for c in cols]
    with pytest.raises(RuntimeError, match="reliability/items.csv"):
        check_columns("results/reliability/items.csv", renamed)
    with pytest.raises(RuntimeError):
        check_columns("results/reliability/items.csv", cols[:-1])


def test_check_columns_with_study_dependent_extra_columns():
    check_columns("results/cfa/htmt.csv", ["construct", "A", "B"])
    with pytest.raises(RuntimeError):
        check_columns("results/cfa/htmt.csv", ["factor", "A", "B"])
    shard = lookup("bootstrap/shard_{i}.csv").columns
    check_columns("results/bootstrap/shard_2.csv", shard + ["Y~X", "std:Y~X"])
    with pytest.raises(RuntimeError):
        check_columns("results/bootstrap/shard_2.csv", ["draw", "ok", "attempt"] + shard[3:])


def test_write_csv_refuses_a_renamed_column(tmp_path):
    out = tmp_path / "results" / "sem" / "r2.csv"
    out.parent.mkdir(parents=True)
    write_csv(pd.DataFrame({"variable": ["IB"], "kind": ["latent"], "r2": [0.4]}), str(out))
    assert out.read_text().splitlines()[0] == "variable,kind,r2"
    with pytest.raises(RuntimeError, match="sem/r2.csv"):
        write_csv(pd.DataFrame({"variable": ["IB"], "kind": ["latent"], "rsq": [0.4]}), str(out))
    assert out.read_text().splitlines()[0] == "variable,kind,r2"   # the refused write left it alone
