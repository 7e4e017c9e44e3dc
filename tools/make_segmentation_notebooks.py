"""Write the first version of notebook 03 (customer segmentation); see tools/nbbuild.py.

Run: ``PYTHONPATH=tools .venv/bin/python tools/make_segmentation_notebooks.py``
"""

from nbbuild import VERSIONS, code, md, parameters, write

EXTRA = '''n_clusters: int = 0  # k-means clusters; 0 means: choose k by the silhouette score (else analysis: segmentation: n_clusters)'''

IMPORTS = '''import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import crmkit
from crmkit import plots
from crmkit import segmentation as seg
from crmkit.plots import segmentation as segplots
from crmkit.rfm import rfm_table

plots.set_theme()
pd.options.display.float_format = "{:,.2f}".format'''

LOAD = '''data = crmkit.open_data(params_file, prepared_dir)
ds = data.dataset
first_day, last_day = ds.date_range
P = ds.period(period)
rules = seg.validate_rules(data.rules("segmentation", seg.SEGMENTATION_DEFAULTS))
if n_clusters:
    rules["n_clusters"] = n_clusters
as_of = P.end
start = as_of - pd.Timedelta(days=rules["lookback_days"] - 1) if rules["lookback_days"] else None
print(f"{ds.name}: orders from {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}; customers as of {as_of:%Y-%m-%d} "
      f"(end of {P.label}), purchases {'since ' + f'{start:%Y-%m-%d}' if start is not None else 'since the first order'}")'''

cells = [
    md("""
# Customer segmentation (客户分层)

*For marketing and CRM managers, and the analysts who run their campaigns. Question: which groups of customers do we have, how much is each worth, and what should we do with each group?*

Every customer who bought before the end of the report period is described by three numbers, the classic **RFM** summary: **R**ecency (days since the last purchase), **F**requency (number of purchases) and **M**onetary value (total spend). From these the report builds four views of the same customers:

1. **RFM scores** 1-5 per measure, so that customers can be compared on one scale;
2. **named segments** (Champions, At risk, Lost, ...) from the recency and frequency scores, each with a recommended action;
3. **value tiers** (high / medium / low) by how much of the revenue the customers bring (ABC analysis);
4. **clusters** found by the k-means algorithm, without any predefined rule.

A file with every customer's scores, segment, tier and cluster is written next to the report for campaign tools (customer IDs only).
"""),
    parameters(EXTRA),
    code(IMPORTS),
    code(LOAD),
    md("""
## 1. RFM scores

Each measure is turned into a score from 1 to 5 by comparing customers with each other: a customer's score is **1 plus the number of fifths of customers who are behind them** on that measure. 5 means ahead of at least 80% of customers: bought more recently, more often, or spent more. Customers with equal values always get equal scores, and the customers with the lowest value always score 1 (so everyone who bought only once has F = 1, however many they are; when a value is that common, some scores stay unused).

**How to read the table:** each row is a score, each column says which values that score stands for in this data (recency in days, frequency in purchases, spend in the dataset's currency). An empty cell is a score nobody got.
"""),
    code("""rfm = rfm_table(ds.orders, as_of=as_of, start=start)
customers = seg.segment_customers(rfm, segment_map=rules["segment_map"],
                                  tier_thresholds=rules["tier_thresholds"])
ranges = seg.score_ranges(customers)
display(ranges.pivot(index="score", columns="measure", values="range")
        .reindex(index=range(5, 0, -1), columns=["recency_days", "frequency", "monetary"]).fillna("")
        .rename(columns={"recency_days": "R: days since last purchase", "frequency": "F: purchases",
                         "monetary": f"M: spend ({ds.currency})"}).rename_axis(index="score", columns=None))
print(f"{len(customers):,} customers with at least one purchase")"""),
    md("""
## 2. Named segments

The segment of a customer is read from a grid of recency score (rows) by frequency score (columns): recent and frequent buyers are *Champions*, frequent buyers who stopped coming are *At risk* or *Can't lose them*, one-time buyers who never came back are *Lost*. The grid is a business rule, not a law of nature: it can be replaced in the params file (`analysis: segmentation: segment_map:`), and crmkit checks that every cell belongs to exactly one segment.

**How to read the heatmap:** each cell shows how many customers have that pair of scores, and the segment it belongs to; darker cells hold more customers. The top-right corner holds the best customers, the bottom-left the lost ones.
"""),
    code("""grid = seg.rf_grid(customers, segment_map=rules["segment_map"])
segplots.plot_rf_heatmap(grid);"""),
    md("""
**Size and worth of each segment.** The grey bar is the segment's share of customers, the blue bar its share of revenue (total spend of its customers up to the report date). A segment whose blue bar is longer than its grey bar is worth more than its size suggests.
"""),
    code("""segments = seg.segment_table(customers, actions=rules["segment_actions"])
segplots.plot_segment_shares(segments);"""),
    md("""
### What to do with each segment

The recommended action per segment is also a business rule (`analysis: segmentation: segment_actions:` in the params file overrides it). Recency is the median number of days since the last purchase; purchases and spend are averages per customer.
"""),
    code("""segplots.style_group_table(segments, currency=ds.currency)"""),
    md("""
## 3. Value tiers (ABC analysis)

Revenue is usually concentrated in a minority of customers. Sorting customers from the biggest spender down and adding up their spend gives the curve below. The **high** tier is the smallest group of top spenders that together make the first share of revenue (80% by default), **medium** the next ones up to the second threshold (95%), and **low** the rest. Customers who spent the same amount always share a tier. The thresholds are parameters (`tier_thresholds` in the params file).

**How to read the chart:** the steeper the curve rises at the left, the more revenue depends on a few customers. The dotted diagonal is what it would look like if everyone spent the same.
"""),
    code("""segplots.plot_revenue_concentration(seg.revenue_concentration(customers), thresholds=rules["tier_thresholds"])
plt.show()
tiers = seg.tier_table(customers)
segplots.style_group_table(tiers, currency=ds.currency)"""),
    md("""
## 4. Clusters found by k-means

The segments above follow rules someone wrote down. **k-means** instead lets the data form groups: it places *k* centres and assigns each customer to the nearest one, moving the centres until the groups are as tight as possible. Before that, purchases and spend are put on a log scale (a few very large customers would otherwise form groups of their own) and all three measures are standardised so that days, counts and money weigh the same.

**Choosing k.** For each k from the smallest to the largest tried, the **silhouette score** measures how much closer customers are to their own cluster than to the next one (from -1 to 1; higher means tighter, better separated groups). The k with the highest silhouette is used, unless the params file or the `n_clusters` parameter fixes it. The grey dashed line (within-cluster sum of squares) always falls as k grows; a bend ("elbow") in it is a second hint.
"""),
    code("""km = seg.RFMClusterer(n_clusters=rules["n_clusters"] or None, k_range=rules["k_range"], random_state=0).fit(rfm)
customers["cluster"] = km.labels_
segplots.plot_k_selection(km.scores_, chosen=km.n_clusters_);"""),
    md("""
**What each cluster is.** Clusters are numbered from the highest spend per customer down. The heatmap shows the average R, F and M score (1-5) of each cluster's members: green is good (recent, frequent, big spenders), red is poor. The description below is computed from these averages: a mean score above 3.5 counts as high, below 2.5 as low.
"""),
    code("""segplots.plot_cluster_profiles(km.profiles_)
plt.show()
segplots.style_group_table(km.profiles_, currency=ds.currency)"""),
    md("""
## 5. The customer list for campaigns

One row per customer: the RFM values and scores, segment, value tier and cluster. It is written next to this report as `customer_segments.csv` (customer IDs only, no names or contact details) so that campaign tools can pick a segment. The ten biggest spenders are shown as an example.
"""),
    code("""columns = ["recency_days", "frequency", "monetary", "r_score", "f_score", "m_score", "rfm_score",
           "segment", "value_tier", "cluster"]
path = crmkit.save_table(customers[columns], output_dir, "customer_segments.csv")
crmkit.save_summary(output_dir, "segmentation", {
    "as_of": f"{as_of:%Y-%m-%d}", "customers": len(customers), "n_clusters": km.n_clusters_,
    "segments": {s: {"customers": int(r["customers"]), "revenue_share": round(float(r["revenue_share"]), 4)}
                 for s, r in segments.iterrows()},
})
print(f"wrote {path.name}: {len(customers):,} customers")
display(customers[columns].sort_values("monetary", ascending=False).head(10))"""),
    md("""
## 6. For workshops: do the clusters find the planted customer types?

The bundled `demo` dataset was generated from three planted customer types (VIP, regular, occasional) with different buying rates, drop-out rates and order values. If segmentation works, the clusters and value tiers should line up with these types. The **adjusted Rand index** (ARI) measures the agreement of two groupings of the same customers: 1 is perfect agreement, 0 is what random groups would give. The types overlap by design (a VIP who stopped buying early looks like an occasional customer; a busy occasional customer looks regular), so no grouping built from R, F and M can reach 1. Besides the clusters chosen above, the table shows k-means forced to three clusters, one per planted type. The heatmaps show, for each planted type, how its customers spread over the clusters and the tiers.
"""),
    code("""truth_customers = ds.truth.get("customers") if ds.truth else None
if truth_customers is not None:
    km3 = seg.RFMClusterer(n_clusters=3, k_range=(3, 3), random_state=0).fit(rfm)
    compare = customers.assign(**{"cluster (k=3)": km3.labels_})
    display(seg.planted_recovery(compare, truth_customers, columns=["cluster", "cluster (k=3)", "value_tier", "segment"])
            .style.format({"adjusted_rand_index": "{:.2f}", "customers": "{:,}"}))
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
    segplots.plot_planted_crosstab(seg.planted_crosstab(customers, truth_customers, column="cluster"), ax=axes[0])
    segplots.plot_planted_crosstab(seg.planted_crosstab(customers, truth_customers, column="value_tier"),
                                   title="Planted customer type vs value tier", ax=axes[1])
    fig.tight_layout()
else:
    display(Markdown("This dataset has no planted truth (real data)."))"""),
    md("""
## Findings
"""),
    code("""findings = seg.segmentation_findings(customers, clusterer=km, tier_thresholds=rules["tier_thresholds"],
                                    currency=ds.currency, truth_customers=truth_customers)
display(crmkit.bullets(findings))"""),
    code(VERSIONS),
]

write("notebooks/03_segmentation.ipynb", cells, title="Customer segmentation", requires=["orders"])
