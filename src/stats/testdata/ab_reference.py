"""Reference values for the A/B statistics in `src/stats` (the core crate's tests read the JSON
this writes). Run from the repository root:

    python3 -m venv /tmp/ref && /tmp/ref/bin/pip install statsmodels==0.15.0 scipy==1.17.1 gbstats==0.8.0
    /tmp/ref/bin/python src/stats/testdata/ab_reference.py > src/stats/testdata/ab_reference.json

Sources: statsmodels (pooled two-proportion z-test, Wald interval of the difference, power by
Cohen's h, Benjamini-Hochberg, the Wald test of two Poisson rates), scipy (Welch's t-test from sufficient statistics, chi-square
goodness of fit for the sample-ratio check), gbstats (GrowthBook's sequential test: the
asymptotic confidence sequence of Waudby-Smith et al. 2023, eq. 9, 155 and 161). The relative
lift's delta-method interval is gbstats' relative variance with the normal quantile.
"""

import json
import math

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.rates import confint_poisson_2indep, test_poisson_2indep
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
)
from gbstats.frequentist.tests import SequentialConfig, SequentialTwoSidedTTest
from gbstats.models.statistics import ProportionStatistic, SampleMeanStatistic

# (conversions a, visitors a, conversions b, visitors b, alpha)
PROPORTIONS = [
    (30, 1000, 36, 1000, 0.05),
    (300, 10000, 360, 10000, 0.05),
    (3000, 100000, 3600, 100000, 0.05),
    (1, 7, 3, 9, 0.05),
    (2, 5, 4, 5, 0.05),
    (0, 50, 5, 50, 0.05),
    (5, 50, 0, 50, 0.05),
    (1, 20, 1, 20, 0.05),
    (12, 130, 19, 140, 0.1),
    (45, 1500, 44, 1520, 0.05),
    (120, 2400, 150, 2300, 0.01),
    (1000, 10000, 1500, 10000, 0.05),
    (10000, 100000, 12000, 100000, 0.05),
    (50000, 1000000, 51000, 1000000, 0.05),
    (3000000, 100000000, 3003000, 100000000, 0.05),
    (31000000, 1000000000, 31050000, 1000000000, 0.05),
    (500, 1000, 700, 1000, 0.05),
    (990, 1000, 999, 1000, 0.05),
    (999, 1000, 990, 1000, 0.05),
    (25, 100, 40, 100, 0.05),
    (100, 100000, 180, 100000, 0.05),
    (7, 12000, 19, 11800, 0.05),
    (250, 5000, 240, 5200, 0.2),
    (3300, 110000, 3960, 110000, 0.001),
    (80, 4000, 120, 4000, 0.05),
    (18, 600, 31, 590, 0.05),
    (1, 1, 0, 1, 0.05),
    (400, 20000, 2000, 20000, 0.05),
    (20000, 200000, 23000, 200000, 0.05),
    (5, 100000, 60, 100000, 0.05),
    (60, 240, 30, 260, 0.05),
    (123456, 4000000, 125000, 4000000, 0.05),
]

# (mean a, sd a, n a, mean b, sd b, n b, alpha): revenue per click, ROAS
WELCH = [
    (1.20, 3.5, 1000, 1.35, 3.9, 1000, 0.05),
    (2.8, 1.1, 40, 3.4, 1.6, 35, 0.05),
    (10.0, 2.0, 5, 12.0, 4.0, 7, 0.05),
    (0.52, 2.4, 25000, 0.55, 2.6, 24000, 0.05),
    (4.1, 0.5, 300, 4.0, 0.7, 320, 0.1),
    (1.0, 1.0, 2000, 1.5, 1.0, 2000, 0.05),
    (3.0, 6.0, 12, 3.1, 0.5, 90, 0.05),
    (5.0, 1.0, 100000, 5.05, 1.0, 100000, 0.01),
]

SEQUENTIAL_TUNING = [5000, 60000]


def proportions():
    out = []
    for xa, na, xb, nb, alpha in PROPORTIONS:
        pa, pb = xa / na, xb / nb
        case = {"a": {"conversions": xa, "visitors": na}, "b": {"conversions": xb, "visitors": nb}, "alpha": alpha}
        if 0 < xa + xb < na + nb:
            z, p = proportions_ztest([xb, xa], [nb, na])
            case["z"], case["p_value"] = float(z), float(p)
        lo, hi = confint_proportions_2indep(xb, nb, xa, na, method="wald", compare="diff", alpha=alpha)
        case["diff"] = pb - pa
        case["diff_ci"] = [float(lo), float(hi)]
        if pa > 0:
            lift = pb / pa - 1
            var = pb * (1 - pb) / (pa**2 * nb) + pa * (1 - pa) * pb**2 / (pa**4 * na)
            q = stats.norm.isf(alpha / 2)
            case["relative_lift"] = lift
            case["relative_lift_ci"] = [lift - q * math.sqrt(var), lift + q * math.sqrt(var)]
        seq = []
        for tuning in SEQUENTIAL_TUNING:
            if not (0 < pa < 1 or 0 < pb < 1):
                continue
            row = {"tuning": tuning}
            for relative in (False, True):
                # No lift without A's conversions; and when B's rate is 0 or 1 the delta method's
                # variance is 0, where gbstats divides by it (p = 0) and we answer p = 1.
                if relative and (pa == 0 or pb in (0, 1)):
                    continue
                test = SequentialTwoSidedTTest(
                    ProportionStatistic(sum=xa, n=na),
                    ProportionStatistic(sum=xb, n=nb),
                    SequentialConfig(alpha=alpha, sequential_tuning_parameter=tuning,
                                     difference_type="relative" if relative else "absolute"),
                )
                key = "relative" if relative else "diff"
                row[key + "_ci"] = [float(v) for v in test.confidence_interval]
                row[key + "_p_value"] = float(test.p_value)
            seq.append(row)
        case["sequential"] = seq
        out.append(case)
    return out


def welch():
    out = []
    for ma, sa, na, mb, sb, nb, alpha in WELCH:
        t, p = stats.ttest_ind_from_stats(mb, sb, nb, ma, sa, na, equal_var=False)
        va, vb = sa**2 / na, sb**2 / nb
        df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
        q = stats.t.isf(alpha / 2, df)
        d = mb - ma
        se = math.sqrt(va + vb)
        out.append({
            "a": {"mean": ma, "sd": sa, "n": na}, "b": {"mean": mb, "sd": sb, "n": nb}, "alpha": alpha,
            "t": float(t), "df": float(df), "p_value": float(p), "diff": d, "diff_ci": [d - q * se, d + q * se],
        })
    return out


def tails():
    # Two-sided normal p-values far in the tail (survival function, no 1 - cdf).
    return [{"z": z, "p_value": float(2 * stats.norm.sf(z))} for z in (0.5, 1.96, 3.0, 5.0, 7.5, 10.0, 20.0, 37.0)]


def srm():
    cases = [([5000, 5000], [0.5, 0.5]), ([5120, 4880], [0.5, 0.5]), ([6000, 4000], [0.5, 0.5]),
             ([5050, 4950], [0.5, 0.5]), ([3300, 3350, 3350], [1 / 3, 1 / 3, 1 / 3]),
             ([600, 400], [0.6, 0.4]), ([52000, 48000], [0.5, 0.5]), ([10, 14], [0.5, 0.5])]
    out = []
    for observed, weights in cases:
        total = sum(observed)
        chi2, p = stats.chisquare(observed, [w * total for w in weights])
        out.append({"observed": observed, "weights": weights, "chi2": float(chi2), "p_value": float(p)})
    return out


def bh():
    cases = [[0.01, 0.04, 0.03, 0.005], [0.2, 0.5, 0.01], [0.001, 0.002, 0.003, 0.004, 0.2],
             [0.049, 0.051], [0.04, 0.041, 0.042, 0.043, 0.9]]
    out = []
    for ps in cases:
        reject, adjusted, _, _ = multipletests(ps, alpha=0.05, method="fdr_bh")
        out.append({"p_values": ps, "adjusted": [float(x) for x in adjusted], "reject": [bool(x) for x in reject]})
    return out


def power():
    cases = [(0.03, 0.2, 1000, 0.05, 0.8), (0.03, 0.1, 500, 0.05, 0.8), (0.1, 0.05, 2000, 0.05, 0.9),
             (0.01, 0.3, 300, 0.05, 0.8), (0.2, 0.1, 150, 0.1, 0.8)]
    out = []
    for base, lift, daily, alpha, pw in cases:
        h = proportion_effectsize(base * (1 + lift), base)
        n = NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=pw, ratio=1.0)
        out.append({"baseline": base, "relative_lift": lift, "daily_visitors_per_arm": daily, "alpha": alpha,
                    "power": pw, "visitors_per_arm": float(n), "days": math.ceil(n / daily)})
    return out


def rates():
    # (events a, exposure a, events b, exposure b, alpha): conversions per unit of spend
    cases = [(60, 1000.0, 50, 1000.0, 0.05), (120, 2400.5, 150, 2300.25, 0.05), (5, 80.0, 19, 95.0, 0.1),
             (3000, 45000.0, 3400, 44000.0, 0.01), (1, 10.0, 0, 12.0, 0.05), (40000, 1.0e6, 41000, 1.0e6, 0.05)]
    out = []
    for xa, ea, xb, eb, alpha in cases:
        r = test_poisson_2indep(xb, eb, xa, ea, method="wald", compare="diff")
        lo, hi = confint_poisson_2indep(xb, eb, xa, ea, method="wald", compare="diff", alpha=alpha)
        out.append({"a": {"events": xa, "exposure": ea}, "b": {"events": xb, "exposure": eb}, "alpha": alpha,
                    "z": float(r.statistic), "p_value": float(r.pvalue), "diff_ci": [float(lo), float(hi)]})
    return out


print(json.dumps({"rates": rates(), "proportions": proportions(), "welch": welch(), "tails": tails(), "srm": srm(),
                  "benjamini_hochberg": bh(), "power": power()}, indent=1))
