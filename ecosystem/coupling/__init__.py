"""Coupling coordination degree of two or more subsystems.

Qian (§2.1) argues that cross-border e-commerce and the regional
industrial cluster are coupled systems; the Chinese regional-science
literature measures such a coupling with the *coupling coordination degree*
model. Each observation (a year, a region) gets

* a score ``U_k`` in [0, 1] for every subsystem k: the indicator values are
  min-max standardised (:func:`standardize`) and combined with weights, by
  default entropy weights (:func:`entropy_weights`);
* the coupling degree ``C`` (:func:`coupling_degree`): how evenly the
  subsystems are developed;
* the comprehensive development index ``T = sum_k alpha_k U_k``;
* the coupling coordination degree ``D = sqrt(C T)`` and its band among the
  usual ten (:func:`coordination_band`).

Two coupling degrees are offered. The *standard* one is the ratio of the
geometric to the arithmetic mean of the scores,

.. math:: C = n \\Big[\\prod_i U_i \\Big/ \\Big(\\sum_i U_i\\Big)^n\\Big]^{1/n},

which crowds near 1: two scores 0.5 and 0.8 already give 0.97. Wang Shujia,
Kong Wei, Ren Liang, Zhi Dandan and Dai Bingtao (2021), "Research on misuses
and modification of coupling coordination degree model in China", *Journal of
Natural Resources* 36(3): 793-810, replace it by the *adjusted* degree

.. math:: C = \\sqrt{\\Big[1 - \\frac{\\sum_{i<j} |U_i - U_j|}{\\sum_{m=1}^{n-1} m}\\Big]
          \\Big(\\prod_i \\frac{U_i}{\\max_k U_k}\\Big)^{1/(n-1)}},

the mean pairwise gap and the ratios to the leading subsystem, which spreads
over [0, 1] (0.5 and 0.8 give 0.66). For two subsystems it reads
``C = sqrt((1 - |U1 - U2|) min(U)/max(U))``.

References
----------
- Qian, F. (year not stated). *Research on the Coordinated Development of Zhejiang
  Cross-border E-commerce and Regional Industrial Clusters Based on Coupling Theory*.

Examples
--------
The worked example on Qian's Table 1 (:func:`zhejiang_2016_2020`): the
export side of Zhejiang's cross-border e-commerce (export volume, export
growth) against its import side (import volume, import growth). All four are
positive indicators (larger is better); the totals are left out because they
are the sums of the two sides.

>>> table = zhejiang_2016_2020()
>>> result = coordination(table, {"export": ["export_volume", "export_growth"],
...                               "import": ["import_volume", "import_growth"]},
...                       row_names="year")
>>> result[["U_export", "U_import", "C", "T", "D", "band"]].round(4)
      U_export  U_import       C       T       D                      band
year
2016    0.5607    0.2503  0.5548  0.4055  0.4743  on the verge of disorder
2017    0.4011    0.6835  0.6489  0.5423  0.5932        barely coordinated
2018    0.1693    0.4555  0.5150  0.3124  0.4011  on the verge of disorder
2019    0.5140    0.3134  0.6982  0.4137  0.5374        barely coordinated
2020    0.4753    0.5753  0.8623  0.5253  0.6730      primary coordination
>>> pd.Series(result.attrs["weights"]).round(4)
export_volume    0.4437
export_growth    0.5563
import_volume    0.4510
import_growth    0.5490
dtype: float64

The standard C crowds these five years into [0.89, 1]:

>>> standard = coordination(table, {"export": ["export_volume", "export_growth"],
...                                 "import": ["import_volume", "import_growth"]},
...                         row_names="year", method="standard")
>>> standard[["C", "D", "band"]].round(4)
           C       D                       band
year
2016  0.9238  0.6121       primary coordination
2017  0.9655  0.7236  intermediate coordination
2018  0.8889  0.5269         barely coordinated
2019  0.9702  0.6335       primary coordination
2020  0.9955  0.7231  intermediate coordination
"""

from ._coordination import coordination
from ._data import zhejiang_2016_2020
from ._degree import BANDS, METHODS, coordination_band, coupling_degree
from ._scores import entropy_weights, standardize

__all__ = [
    "coordination",
    "standardize",
    "entropy_weights",
    "coupling_degree",
    "coordination_band",
    "BANDS",
    "METHODS",
    "zhejiang_2016_2020",
]
