"""Datasets shipped with ecobelt (ecosystem/data/)."""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["zhejiang_2016_2020"]


def zhejiang_2016_2020() -> pd.DataFrame:
    """Qian's Table 1: Zhejiang cross-border e-commerce, 2016-2020.

    Qian F., "Research on the Coordinated Development of Zhejiang
    Cross-border E-commerce and Regional Industrial Clusters Based on
    Coupling Theory", Table 1 (data: Department of Commerce of Zhejiang
    Province). Volumes are in 100 million yuan (the printed header says
    "trillion yuan", contradicted by the paper's own text: 2020 = 138.71
    billion yuan = 1387.1), growth in percent on the previous year as
    printed: the export growth rates follow from the export volumes, the
    import and total ones differ from the volumes' ratios by up to 3.7
    points (presumably computed from unrounded or revised figures). The
    table's "Total" row is left out (the column sums, up to printing slips).

    Returns
    -------
    DataFrame
        Columns ``year``, ``total_volume``, ``total_growth``,
        ``export_volume``, ``export_growth``, ``import_volume``,
        ``import_growth``; one row per year.

    Examples
    --------
    >>> table = zhejiang_2016_2020()
    >>> table.loc[table.year == 2020, ["total_volume", "export_volume", "import_volume"]]
       total_volume  export_volume  import_volume
    4        1387.1         1023.0          364.1
    """
    source = resources.files("ecosystem") / "data" / "zhejiang_cbec_2016_2020.csv"
    with source.open("r", encoding="utf-8") as handle:
        return pd.read_csv(handle, comment="#")
