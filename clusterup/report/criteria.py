"""The cut-off registry: every threshold the chapter judges against, with its source.

Each criterion is (key, label, rule, threshold(s), source).  ``judge`` returns one of
"good"/"acceptable" (where a relaxed threshold exists), "met", "not met" or "see note" — the chapter prints the criterion, the value and the
verdict side by side, so a reader can disagree with a convention without recomputing anything.
"""
from __future__ import annotations

import math
from dataclasses import dataclass


FAMILIES = {
    "absolute": "absolute fit indices",
    "incremental": "incremental fit indices",
    "parsimony": "parsimony-adjusted indices",
    "information": "information criteria",
    "sample_size": "sample-size indices",
    "test": "the exact-fit test",
}


def _cut(direction: str, x: float, pct: bool = False) -> str:
    sym = "≥" if direction == "min" else "≤"
    if pct:
        return f"{sym} {x:g}%"
    txt = f"{x:.2f}"[1:] if 0 < x < 1 else f"{x:g}"     # APA: no leading zero for bounded quantities
    return f"{sym} {txt}"


@dataclass(frozen=True)
class Criterion:
    """One cut-off rule.  ``good`` is the threshold for "good"; ``acceptable`` (optional) the relaxed
    threshold for "acceptable", with its own ``acceptable_source`` — the printed cut-off text is
    generated from these numbers, so the table always shows every threshold a verdict uses."""

    key: str
    label: str
    direction: str            # "max" (smaller is better), "min" (larger is better), "compare"
    good: float | None
    acceptable: float | None
    source: str
    family: str = "absolute"
    acceptable_source: str = ""
    compare_text: str = ""
    pct: bool = False

    @property
    def text(self) -> str:
        """The cut-off as printed: every threshold the verdict uses, the relaxed one with its source."""
        if self.direction == "compare":
            return self.compare_text
        s = f"{_cut(self.direction, self.good, self.pct)} good" if self.acceptable is not None else \
            _cut(self.direction, self.good, self.pct)
        if self.acceptable is not None:
            s += f"; {_cut(self.direction, self.acceptable, self.pct)} acceptable"
            if self.acceptable_source:
                s += f" ({self.acceptable_source})"
        return s

    @property
    def family_label(self) -> str:
        return FAMILIES[self.family]

    def judge(self, value) -> str:
        """"good", "acceptable" (only where a relaxed threshold exists), "not met" or "n/a"."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        v = float(value)
        if self.direction == "min":
            if self.good is not None and v >= self.good:
                return "good" if self.acceptable is not None else "met"
            if self.acceptable is not None and v >= self.acceptable:
                return "acceptable"
            return "not met"
        if self.direction == "max":
            if self.good is not None and v <= self.good:
                return "good" if self.acceptable is not None else "met"
            if self.acceptable is not None and v <= self.acceptable:
                return "acceptable"
            return "not met"
        return "see note"


_COMPARE = "smaller than the saturated and independence models' values"
_FIT = [
    Criterion("p", "χ² p-value", "min", 0.05, None, "Bollen (1989); sensitive to N (Bentler & Bonett 1980)",
              family="test"),
    Criterion("chi2_df", "CMIN/DF", "max", 2.0, 3.0, "Carmines & McIver (1981)", acceptable_source="Kline 2016"),
    Criterion("rmr", "RMR", "max", 0.05, None, "Hair et al. (2019); scale-dependent"),
    Criterion("srmr", "SRMR", "max", 0.08, None, "Hu & Bentler (1999)"),
    Criterion("gfi", "GFI", "min", 0.90, 0.85, "Jöreskog & Sörbom (1984)", acceptable_source="Doll et al. 1994"),
    Criterion("agfi", "AGFI", "min", 0.90, 0.80, "Jöreskog & Sörbom (1984)", acceptable_source="Doll et al. 1994"),
    Criterion("rmsea", "RMSEA", "max", 0.06, 0.08, "Hu & Bentler (1999)", acceptable_source="Browne & Cudeck 1993"),
    Criterion("pclose", "PCLOSE", "min", 0.05, None, "Browne & Cudeck (1993)"),
    Criterion("nfi", "NFI", "min", 0.95, 0.90, "Hu & Bentler (1999)", family="incremental",
              acceptable_source="Bentler & Bonett 1980"),
    Criterion("rfi", "RFI", "min", 0.95, 0.90, "Hu & Bentler (1999)", family="incremental",
              acceptable_source="Bollen 1986"),
    Criterion("ifi", "IFI", "min", 0.95, 0.90, "Hu & Bentler (1999)", family="incremental",
              acceptable_source="Bollen 1989"),
    Criterion("tli", "TLI", "min", 0.95, 0.90, "Hu & Bentler (1999)", family="incremental",
              acceptable_source="Tucker & Lewis 1973"),
    Criterion("cfi", "CFI", "min", 0.95, 0.90, "Hu & Bentler (1999)", family="incremental",
              acceptable_source="Bentler 1990"),
    Criterion("pgfi", "PGFI", "min", 0.50, None, "Mulaik et al. (1989)", family="parsimony"),
    Criterion("pnfi", "PNFI", "min", 0.50, None, "James, Mulaik & Brett (1982)", family="parsimony"),
    Criterion("pcfi", "PCFI", "min", 0.50, None, "James, Mulaik & Brett (1982)", family="parsimony"),
    Criterion("aic", "AIC", "compare", None, None, "Akaike (1987)", family="information", compare_text=_COMPARE),
    Criterion("bcc", "BCC", "compare", None, None, "Browne & Cudeck (1989)", family="information", compare_text=_COMPARE),
    Criterion("bic", "BIC", "compare", None, None, "Raftery (1995)", family="information", compare_text=_COMPARE),
    Criterion("caic", "CAIC", "compare", None, None, "Bozdogan (1987)", family="information", compare_text=_COMPARE),
    Criterion("ecvi", "ECVI", "compare", None, None, "Browne & Cudeck (1989)", family="information", compare_text=_COMPARE),
    Criterion("hoelter_05", "HOELTER .05", "min", 200, None, "Hoelter (1983)", family="sample_size"),
    Criterion("hoelter_01", "HOELTER .01", "min", 200, None, "Hoelter (1983)", family="sample_size"),
]
FIT_CRITERIA = {c.key: c for c in _FIT}
CORE_FIT = ("chi2_df", "cfi", "tli", "rmsea", "srmr")

OTHER = [
    Criterion("alpha", "Cronbach's α", "min", 0.70, None, "Nunnally (1978)"),
    Criterion("omega", "McDonald's ω", "min", 0.70, None, "McDonald (1999)"),
    Criterion("citc", "Corrected item-total correlation", "min", 0.40, None, "Churchill (1979); Wu (2010)"),
    Criterion("kmo", "KMO", "min", 0.70, None, "Kaiser (1974)"),
    Criterion("bartlett_p", "Bartlett's test p", "max", 0.05, None, "Bartlett (1950)"),
    Criterion("harman", "Harman's first factor", "max", 50.0, None, "Podsakoff et al. (2003)", pct=True),
    Criterion("loading", "Standardized loading", "min", 0.70, 0.50, "Hair et al. (2019)",
              acceptable_source="Hair et al. 2019"),
    Criterion("cr", "Composite reliability", "min", 0.70, None, "Fornell & Larcker (1981); Hair et al. (2019)"),
    Criterion("ave", "AVE", "min", 0.50, None, "Fornell & Larcker (1981)"),
    Criterion("htmt", "HTMT", "max", 0.85, 0.90, "Henseler, Ringle & Sarstedt (2015)",
              acceptable_source="liberal, Henseler et al. 2015"),
    Criterion("skew", "|Skewness|", "max", 2.0, None, "West, Finch & Curran (1995)"),
    Criterion("kurtosis", "|Kurtosis|", "max", 7.0, None, "West, Finch & Curran (1995)"),
    Criterion("mardia_cr", "Mardia kurtosis c.r.", "max", 5.0, None, "Bentler (2005)"),
    Criterion("indirect", "Indirect effect", "compare", None, None, "Preacher & Hayes (2008); Zhao, Lynch & Chen (2010)",
              compare_text="bias-corrected bootstrap CI excludes 0"),
    Criterion("path", "Path coefficient", "compare", None, None, "—", compare_text="p < .05 with the expected sign"),
]
OTHER_CRITERIA = {c.key: c for c in OTHER}

REFERENCES = [
    "Akaike, H. (1987). Factor analysis and AIC. Psychometrika, 52, 317–332.",
    "Bartlett, M. S. (1950). Tests of significance in factor analysis. British Journal of Psychology, 3, 77–85.",
    "Bentler, P. M. (1990). Comparative fit indexes in structural models. Psychological Bulletin, 107, 238–246.",
    "Bentler, P. M. (2005). EQS 6 structural equations program manual. Multivariate Software.",
    "Bentler, P. M., & Bonett, D. G. (1980). Significance tests and goodness of fit in the analysis of covariance structures. Psychological Bulletin, 88, 588–606.",
    "Bollen, K. A. (1986). Sample size and Bentler and Bonett's nonnormed fit index. Psychometrika, 51, 375–377.",
    "Bollen, K. A. (1989). Structural equations with latent variables. Wiley.",
    "Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit measures in structural equation models. Sociological Methods & Research, 21, 205–229.",
    "Bozdogan, H. (1987). Model selection and Akaike's information criterion (AIC). Psychometrika, 52, 345–370.",
    "Brosseau-Liard, P. E., & Savalei, V. (2014). Adjusting incremental fit indices for nonnormality. Multivariate Behavioral Research, 49, 460–470.",
    "Browne, M. W., & Cudeck, R. (1989). Single sample cross-validation indices for covariance structures. Multivariate Behavioral Research, 24, 445–455.",
    "Browne, M. W., & Cudeck, R. (1993). Alternative ways of assessing model fit. In K. A. Bollen & J. S. Long (Eds.), Testing structural equation models (pp. 136–162). Sage.",
    "Carmines, E. G., & McIver, J. P. (1981). Analyzing models with unobserved variables. In G. W. Bohrnstedt & E. F. Borgatta (Eds.), Social measurement: Current issues. Sage.",
    "Churchill, G. A. (1979). A paradigm for developing better measures of marketing constructs. Journal of Marketing Research, 16, 64–73.",
    "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. Psychometrika, 16, 297–334.",
    "Doll, W. J., Xia, W., & Torkzadeh, G. (1994). A confirmatory factor analysis of the end-user computing satisfaction instrument. MIS Quarterly, 18, 453–461.",
    "Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American Statistical Association, 82, 171–185.",
    "Enders, C. K. (2010). Applied missing data analysis. Guilford.",
    "Fornell, C., & Larcker, D. F. (1981). Evaluating structural equation models with unobservable variables and measurement error. Journal of Marketing Research, 18, 39–50.",
    "Hair, J. F., Black, W. C., Babin, B. J., & Anderson, R. E. (2019). Multivariate data analysis (8th ed.). Cengage.",
    "Henseler, J., Ringle, C. M., & Sarstedt, M. (2015). A new criterion for assessing discriminant validity in variance-based structural equation modeling. Journal of the Academy of Marketing Science, 43, 115–135.",
    "Hoelter, J. W. (1983). The analysis of covariance structures: Goodness-of-fit indices. Sociological Methods & Research, 11, 325–344.",
    "Horn, J. L. (1965). A rationale and test for the number of factors in factor analysis. Psychometrika, 30, 179–185.",
    "Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance structure analysis. Structural Equation Modeling, 6, 1–55.",
    "James, L. R., Mulaik, S. A., & Brett, J. M. (1982). Causal analysis: Assumptions, models, and data. Sage.",
    "Jöreskog, K. G., & Sörbom, D. (1984). LISREL VI user's guide. Scientific Software.",
    "Kaiser, H. F. (1974). An index of factorial simplicity. Psychometrika, 39, 31–36.",
    "Kline, R. B. (2016). Principles and practice of structural equation modeling (4th ed.). Guilford.",
    "Mardia, K. V. (1970). Measures of multivariate skewness and kurtosis with applications. Biometrika, 57, 519–530.",
    "McDonald, R. P. (1999). Test theory: A unified treatment. Erlbaum.",
    "Mulaik, S. A., James, L. R., Van Alstine, J., Bennett, N., Lind, S., & Stilwell, C. D. (1989). Evaluation of goodness-of-fit indices for structural equation models. Psychological Bulletin, 105, 430–445.",
    "Muthén, B. (1984). A general structural equation model with dichotomous, ordered categorical, and continuous latent variable indicators. Psychometrika, 49, 115–132.",
    "Muthén, B. O., du Toit, S. H. C., & Spisic, D. (1997). Robust inference using weighted least squares and quadratic estimating equations in latent variable modeling with categorical and continuous outcomes. Unpublished technical report, University of California, Los Angeles.",
    "Nunnally, J. C. (1978). Psychometric theory (2nd ed.). McGraw-Hill.",
    "Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases in behavioral research. Journal of Applied Psychology, 88, 879–903.",
    "Preacher, K. J., & Hayes, A. F. (2008). Asymptotic and resampling strategies for assessing and comparing indirect effects in multiple mediator models. Behavior Research Methods, 40, 879–891.",
    "Raftery, A. E. (1995). Bayesian model selection in social research. Sociological Methodology, 25, 111–163.",
    "Satorra, A. (2000). Scaled and adjusted restricted tests in multi-sample analysis of moment structures. In R. D. H. Heijmans, D. S. G. Pollock, & A. Satorra (Eds.), Innovations in multivariate statistical analysis (pp. 233–247). Kluwer.",
    "Satorra, A., & Bentler, P. M. (1994). Corrections to test statistics and standard errors in covariance structure analysis. In A. von Eye & C. C. Clogg (Eds.), Latent variables analysis (pp. 399–419). Sage.",
    "Satorra, A., & Bentler, P. M. (2001). A scaled difference chi-square test statistic for moment structure analysis. Psychometrika, 66, 507–514.",
    "Tucker, L. R., & Lewis, C. (1973). A reliability coefficient for maximum likelihood factor analysis. Psychometrika, 38, 1–10.",
    "West, S. G., Finch, J. F., & Curran, P. J. (1995). Structural equation models with nonnormal variables. In R. H. Hoyle (Ed.), Structural equation modeling (pp. 56–75). Sage.",
    "Wu, M. (2010). Practice of questionnaire statistical analysis: SPSS operation and application. Chongqing University Press.",
    "Yuan, K.-H., & Bentler, P. M. (2000). Three likelihood-based methods for mean and covariance structure analysis with nonnormal missing data. Sociological Methodology, 30, 165–200.",
    "Zhao, X., Lynch, J. G., & Chen, Q. (2010). Reconsidering Baron and Kenny: Myths and truths about mediation analysis. Journal of Consumer Research, 37, 197–206.",
]


def judge_fit(block: dict) -> list[dict]:
    """Rows of the fit table: index, value, cut-off, source, verdict (comparison indices vs the
    saturated and independence models)."""
    rows = []
    for key, c in FIT_CRITERIA.items():
        value = block.get(key)
        if c.direction == "compare":
            sat, ind = block.get(f"{key}_saturated"), block.get(f"{key}_independence")
            if value is None or sat is None or ind is None:
                verdict = "n/a"
            else:
                verdict = "met" if value < sat and value < ind else "not met"
            rows.append({"key": key, "label": c.label, "value": value, "saturated": sat, "independence": ind,
                         "cutoff": c.text, "source": c.source, "verdict": verdict, "family": c.family})
        else:
            rows.append({"key": key, "label": c.label, "value": value, "saturated": None, "independence": None,
                         "cutoff": c.text, "source": c.source, "verdict": c.judge(value), "family": c.family})
    return rows
