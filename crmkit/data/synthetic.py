"""A deterministic synthetic CRM with planted, documented truth.

:func:`make_demo` builds every canonical table of :mod:`crmkit.data.schema`
(customers, orders, order_items, products, events, tickets, surveys, referrals,
marketing_spend, opportunities, opportunity_stages, ...) from a few explicit
random processes. Because the processes are known, every analysis in crmkit
can be checked against the truth it should recover: ``Dataset.truth`` holds
the planted parameters and, per customer, the latent values. The same ``seed``
gives identical tables (compare ``Dataset.fingerprint()``); each table draws
from its own random stream, so leaving a table out with ``include`` does not
change the others.

Time window
-----------
Everything happens in ``[start, end)``: ``as_of`` is ``end`` at midnight, so
with the defaults the last day with data is 2025-12-30 and no clean timestamp
is at or after ``as_of``. Customers sign up over the whole window, a little
more in the first months (a linear trend from 1.3 to 0.7 times the mean rate,
times the square root of the seasonal intensity below). 8% are *prospects*:
signed up, never ordered. Every other customer places a first order on the
signup day (60%) or 1-5 days later.

Customer types and the purchase process
---------------------------------------
Buyers are ``vip`` (10%), ``regular`` (45%) or ``occasional`` (45%). Each type
has its own BG/NBD parameters (Fader, Hardie & Lee 2005), in **days**
(``truth["time_unit"] == "D"``)::

    type         r     alpha    a     b      mean rate        mean dropout
    vip         3.0    20.0    2.0  100.0   0.150 / day      0.020
    regular     2.0    35.0    2.0   30.0   0.057 / day      0.063
    occasional  1.2    60.0    3.0    5.0   0.020 / day      0.375

Each buyer draws ``lambda ~ Gamma(r, rate alpha)`` and ``p ~ Beta(a, b)``. The
first purchase happens at acquisition; repeat purchases follow a Poisson
process with rate ``lambda``; after each *repeat* purchase (never the first)
the customer drops out for good with probability ``p``. The process runs in
*operational time*: calendar days are stretched by the seasonal intensity
``s(t)`` (mean 1 over the window), so the number of repeat purchases of a
customer observed for ``T`` operational days is exactly BG/NBD while calendar
dates show the seasonality. ``truth["customers"]["operational_days"]`` is that
``T``; in calendar days it is ``observation_days``. All BG/NBD purchases are
orders with status ``completed`` (about 9-10 per customer over two years).

Order values follow the Gamma-Gamma model per type: the value of each order is
``z ~ Gamma(shape p, rate nu)`` with ``nu ~ Gamma(shape q, rate gamma)`` drawn
once per customer, so a customer's mean order value is ``p / nu``::

    type         p     q     gamma   mean order value (p * gamma / (q - 1))
    vip         8.0  12.0   550.0    ¥400
    regular     5.0   8.0   252.0    ¥180
    occasional  4.0   7.0   150.0    ¥100

Values are clipped to [¥5, 40 x median order value] (``truth["gamma_gamma_clip"]``
counts the clipped draws: none at the default size and seed, where the largest
order is about 9x the median; at 100 times the size about 1 draw in 40,000 is
raised to the floor and the largest is about 19x the median), then rounded to
0.01. Note for model checks: the Gamma-Gamma likelihood sees only each
customer's mean order value, so with many orders per customer (VIPs have about
35) the data pin down the mean value ``p * gamma / (q - 1)`` well but ``p``
only loosely: with the ~480 VIPs of the default size a fit may return a much
larger ``p`` (with 10 times the customers it recovers about 7.9, 11.9, 549).
``revenue / expected_order_value`` has variance ``1 / p`` per order.

On top of this, extra orders that do not touch the BG/NBD data are placed at
uniformly random times within a customer's active life (first purchase to
dropout, or to ``end``): for each completed order, a ``returned`` order with
probability 0.03 and a ``cancelled`` one with probability 0.02. BTYD models
fitted on completed orders therefore see exact BG/NBD data.

Seasonality
-----------
The daily intensity is ``weekday factor x yearly curve x festival factors``,
normalised to mean 1 over the window (``truth["seasonality"]``): weekdays
Mon-Sun 0.92, 0.90, 0.93, 0.95, 1.02, 1.15, 1.13; yearly ``1 + 0.10 cos(2 pi
(day_of_year - 350) / 365.25)`` (high in December, low in June); 618 (June
1-15 x1.25, June 16-17 x1.6, June 18 x2.5); Double 11 (Nov 1-10 x1.3, Nov 11
x4.0, Nov 12 x1.5); Black Friday x1.8; Double 12 (Dec 12) x2.0; Chinese New
Year dip x0.55 from 5 days before to 7 days after (dates known for 2015-2030).
The hour of an order follows a planted hourly profile with peaks at 12:00 and
20:00-22:00 (``truth["seasonality"]["hourly"]``).

Channels and acquisition cost
-----------------------------
``acquisition_channel`` depends on the type (referral and search bring more
VIPs, social more occasional buyers; ``truth["channel_mix"]``). Paid channels
have a planted cost per acquired customer (``truth["cac"]``): search ¥80,
social ¥45, referral ¥30, email ¥12, offline ¥120 (organic has no spend). An
acquired customer is a customer row (prospects included), counted in the
month of ``signup_date``. ``marketing_spend`` has one row per day and campaign
(2-3 campaigns per paid channel); for every calendar month and channel the
spend sums to CAC x acquired customers exactly (to the cent), ``conversions``
summed over a day's campaigns equal that day's signups in the channel, and
``leads`` exceed conversions (planted lead-to-customer rates in
``truth["lead_conversion"]``).

Baskets
-------
120 products in 8 categories. Every order (all statuses) has 1-4 lines drawn
from the customer's favourite category (probability 0.55, favourite drawn
from type-dependent preferences) or the overall category mix, one line per
product. Then the planted companions: when product A of a pair in
``truth["product_pairs"]`` is in the basket, its companion B is added as an
extra line with probability 0.6 (B is otherwise rare), so an order has at most
4 lines besides companions. Line prices share the order revenue in proportion
to list prices (``truth["list_prices"]``); the dearest line has quantity 1 and
takes the rounding, so ``sum(quantity * unit_price) == revenue`` to the cent.
Cost is 55-70% of revenue; discounts are more frequent on festival days.

Events, tickets and surveys
---------------------------
Every completed order placed online (not ``store``) has a session with view,
click, add_to_cart and purchase events; extra sessions that stop earlier are
added so that the conversion rates from stage to stage per traffic channel
equal ``truth["funnel"]`` (up to rounding of the counts); about 5.5 events per
order.

Churn drivers that leave the BG/NBD truth untouched (``truth["churn_drivers"]``):
a customer who drops out files a complaint ticket 0-20 days after the last
purchase with probability 0.35; everyone files ordinary tickets at 0.25 a year
and complaints at 0.03 a year. Complaints take longer to resolve (median 72 h
against 6 h). After 15% of completed orders the customer answers a survey; the
answer after the purchase at which the customer drops out is low (NPS mean 4.0,
CSAT mean 2.5, against 8.5 and 4.3), with comments in Chinese or English whose
sentiment matches the score.

Service, satisfaction and referral links (random streams ``service`` and ``referrals``,
``truth["service"]`` and ``truth["referrals"]``; the tickets and survey answers above are
drawn first, so the other tables keep their numbers):

- every ticket gets a ``first_response_at``: log-normal hours after opening with median
  2 h (ordinary tickets) or 8 h (complaints), sigma 1.0, never after ``resolved_at``
  (missing when it falls after ``as_of``);
- **slow service lowers satisfaction**: a survey answer given when a ticket of the same
  customer, opened in the 90 days before and resolved by then, took more than 3 days to
  resolve is lowered by 2 NPS points (not below 0) and 1 CSAT point (not below 1), and
  its comment is redrawn from service comments matching the new score ("Waited days for
  support", "客服处理太慢", ...). About 30 answers at the default size; a quarter of the
  lowered detractor comments name the customer and a phone number ("我是Wang Fang，请回电
  138 1234 5678"), so the masking of comments can be checked
  (``truth["service"]["comments_with_pii_rows"]``: rows of ``surveys``);
- **promoters refer more**: the ``referrals`` table names, for each customer acquired by
  ``referral``, a referrer who bought before the sign-up, drawn with weight 1.0 if that
  customer's *first* survey answer (given before the sign-up) was a promoter, 0.4 a
  passive, 0.2 a detractor, and 0.3 before any answer. Referrals per customer-year after
  the first answer are therefore in the ratio 2.5 (promoters / passives) and 5.0
  (promoters / detractors); referral customers who signed up before any possible
  referrer (the first days) have no row.

B2B pipeline
------------
Business customers (``crm_segment == "business"``) get about 0.2 opportunities
per customer of the dataset, owned by 8 reps with planted win rates from 0.15
to 0.45 (``truth["win_rates"]``). Deals move lead -> qualified -> proposal ->
negotiation -> closed (lost deals skip to closed from an earlier stage); the
length of a deal does not depend on its outcome, so the win rate among closed
deals estimates the planted rate. Deals not closed by ``as_of`` are ``open``.

Planted stage bottleneck (stream ``stage_bottleneck``, ``truth["stage_bottleneck"]``):
the reps differ only at the **proposal** stage. Every rep loses a deal in the same way
as the best rep (Song Lu, 0.45) does, with the stage lost after drawn from
``lost_after_stage_p``; the rest of a weaker rep's losses (a share ``(0.45 - w) /
(1 - w)`` of their lost deals, for win rate ``w``) happen after the proposal. So the
lead and qualified stages convert alike for all reps (about 81% and 80%), the share of
deals reaching the proposal that go on to negotiation is ``(w + 0.0825) / 0.6425``
(83% for Song Lu, 36% for Deng Kai: ``truth["stage_bottleneck"]["proposal_conversion"]``),
and the proposal is the stage whose conversion costs the most won revenue against the
best rep. Won/lost outcomes, and so the win rates, are those drawn before.

Sales targets (stream ``targets``, ``truth["targets"]``): one row per rep and quarter
from the first quarter of the window to the quarter after it, ``target_amount`` =
1.1 x (deals created in the quarter / 8) x the mean planted win rate (0.30375) x the
mean deal value (about 45,000; the quarter after the window reuses the last quarter's
deals), times a uniform factor in [0.9, 1.1] per row, rounded to 10,000 (at least
10,000). ``channel`` is empty (the targets are per person).

Unprofitable customers (stream ``profitability``, ``truth["profitability"]``):
*discount hunters*, buyers drawn with a probability that depends on the acquisition
channel (social 15%, every other channel 4%; about 7% of buyers), get a discount of
46-60% of revenue on every order instead of the ordinary one. Since an order's cost is
at least 55% of its revenue, each of their purchases loses money when discounts count
as a cost (revenue before discount, the profitability report's default), whatever the
shipping, return and service costs: every discount hunter with a purchase is
unprofitable, and discounts are the reason. Only the ``discount`` column changes, so
no other table or number moves. ``truth["customers"]["discount_hunter"]`` flags them;
other customers can lose money too (small orders with shipping and service tickets).

Planted data-quality defects
----------------------------
With ``defects=True`` the clean tables get defects in exact counts
(``truth["defects"]``, keys ``"table.rule"``; row positions in
``truth["defect_rows"]``); the clean data has no instance of any rule:

- orders: 30 exact copies of completed orders and 10 rows reusing the ID of
  another completed order with a different revenue (all appended after the
  clean rows, so the first occurrence is the genuine one); 40 ``completed``
  rows with negative revenue (refunds); 5 rows dated after ``as_of``; 8 rows
  with revenue 200-1000x the median completed order; 12 rows of customers not
  in ``customers``. These rows are disjoint and have no order_items.
- customers: 15 exact copies appended; 60 e-mails with upper case or
  surrounding spaces; 10 invalid e-mails; 80 phones in other formats of the
  same number (``+86 138 1234 5678``, ``138-1234-5678``, ...); 50
  ``acquisition_channel`` spellings with other case or spaces; 40 missing
  regions.
- surveys: 6 answers with a score out of range; tickets: 4 resolved before
  they were created.

``truth["customers"]`` describes the clean process only.

The truth dictionary
--------------------
``time_unit`` ("D"), ``window``, ``prospect_share``, ``type_shares``, ``bgnbd``
and ``gamma_gamma`` (per type), ``gamma_gamma_clip``, ``first_order_delay``,
``extra_order_status``, ``seasonality`` (factors, ``hourly`` profile and the
``daily`` intensity Series), ``channel_mix``, ``cac``, ``cac_definition``,
``lead_conversion``, ``campaigns``, ``business_share``, ``sales_channels``,
``category_preference``, ``product_pairs`` (product IDs), ``product_pair_names``,
``pair_probability``, ``list_prices``, ``funnel``, ``purchase_traffic``,
``churn_drivers``, ``tickets``, ``surveys``, ``service``, ``referrals``, ``win_rates``,
``opportunities``,
``stage_bottleneck``, ``targets``, ``profitability``, ``defects``, ``defect_rows`` and ``customers``: one row per customer with
``customer_id``, ``customer_type`` (vip, regular, occasional or prospect),
``lambda_`` (purchases per operational day), ``p_dropout``, ``nu``,
``expected_order_value`` (``p / nu``), ``dropped_out`` (by ``as_of``),
``dropout_date`` (time of the purchase after which the customer left, NaT if
alive), ``n_purchases`` (completed orders), ``acquisition_channel``,
``signup_date``, ``first_purchase``, ``observation_days`` and
``operational_days`` (from the first purchase to ``as_of``), ``crm_segment``,
``favourite_category``, ``churn_complaint`` (a dropout complaint is in
tickets), ``low_satisfaction_survey`` (a survey answered after the dropout
purchase is in surveys) and ``discount_hunter`` (see "Unprofitable customers").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .dataset import Dataset
from .schema import TABLES

__all__ = ["make_demo", "DEFECT_COUNTS"]

# --------------------------------------------------------------------------- planted parameters
_TYPES = ("vip", "regular", "occasional")
_PROSPECT_SHARE = 0.08
_TYPE_SHARES = {"vip": 0.10, "regular": 0.45, "occasional": 0.45}  # of buyers
_BGNBD = {
    "vip": {"r": 3.0, "alpha": 20.0, "a": 2.0, "b": 100.0},
    "regular": {"r": 2.0, "alpha": 35.0, "a": 2.0, "b": 30.0},
    "occasional": {"r": 1.2, "alpha": 60.0, "a": 3.0, "b": 5.0},
}
_GAMMA_GAMMA = {
    "vip": {"p": 8.0, "q": 12.0, "gamma": 550.0},
    "regular": {"p": 5.0, "q": 8.0, "gamma": 252.0},
    "occasional": {"p": 4.0, "q": 7.0, "gamma": 150.0},
}
_VALUE_FLOOR = 5.0
_VALUE_CAP_X_MEDIAN = 40.0
_FIRST_ORDER_DELAY = (0.60, 0.15, 0.10, 0.07, 0.05, 0.03)  # P(delay = 0..5 days)
_SIGNUP_TREND = (1.3, 0.7)  # relative signup rate at start and end
_EXTRA_STATUS = {"returned": 0.03, "cancelled": 0.02}  # per completed order

_WEEKDAY = (0.92, 0.90, 0.93, 0.95, 1.02, 1.15, 1.13)  # Monday .. Sunday
_YEARLY = {"amplitude": 0.10, "peak_day_of_year": 350}
_FESTIVALS = (  # name, (month, first day), (month, last day), factor
    ("618 presale", (6, 1), (6, 15), 1.25),
    ("618 eve", (6, 16), (6, 17), 1.6),
    ("618", (6, 18), (6, 18), 2.5),
    ("Double 11 presale", (11, 1), (11, 10), 1.3),
    ("Double 11", (11, 11), (11, 11), 4.0),
    ("Double 11 after", (11, 12), (11, 12), 1.5),
    ("Double 12", (12, 12), (12, 12), 2.0),
)
_BLACK_FRIDAY = 1.8
_CNY = {"factor": 0.55, "days_before": 5, "days_after": 7}
_CNY_DATES = {
    2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16",
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
}
_HOURLY = (  # relative order intensity by hour of day, 0..23
    0.8, 0.45, 0.25, 0.15, 0.1, 0.15, 0.3, 0.6, 1.0, 1.3, 1.5, 1.8,
    2.3, 1.9, 1.5, 1.4, 1.4, 1.5, 1.7, 2.2, 2.8, 3.0, 2.7, 1.6,
)

_CHANNELS = ("search", "social", "referral", "email", "offline", "organic")
_CHANNEL_MIX = {
    "vip": (0.30, 0.06, 0.28, 0.10, 0.12, 0.14),
    "regular": (0.24, 0.22, 0.12, 0.14, 0.10, 0.18),
    "occasional": (0.16, 0.40, 0.04, 0.10, 0.08, 0.22),
    "prospect": (0.18, 0.42, 0.04, 0.10, 0.06, 0.20),
}
_CAC = {"search": 80.0, "social": 45.0, "referral": 30.0, "email": 12.0, "offline": 120.0}
_LEAD_CONVERSION = {"search": 0.10, "social": 0.04, "referral": 0.25, "email": 0.08, "offline": 0.15}
_CAMPAIGNS = {
    "search": (("search_brand", 0.5), ("search_generic", 0.3), ("search_shopping", 0.2)),
    "social": (("social_wechat", 0.45), ("social_douyin", 0.35), ("social_xiaohongshu", 0.2)),
    "referral": (("referral_invite", 0.7), ("referral_partner", 0.3)),
    "email": (("email_newsletter", 0.6), ("email_promo", 0.4)),
    "offline": (("offline_mall", 0.65), ("offline_events", 0.35)),
}
_BUSINESS_SHARE = {"vip": 0.15, "regular": 0.08, "occasional": 0.05, "prospect": 0.06}

_SALES_CHANNELS = ("web", "app", "mini-program", "store")
_SALES_CHANNEL_P = (0.22, 0.33, 0.15, 0.30)
_COST_SHARE = (0.55, 0.70)
_DISCOUNT = {"p_normal": 0.35, "p_festival": 0.6, "share": (0.05, 0.25)}
_SHIPPING = (6.0, 8.0, 10.0, 12.0, 15.0)

_REGIONS = {  # region: (weight, cities)
    "East China": (0.30, ("Shanghai", "Hangzhou", "Nanjing", "Suzhou", "Ningbo")),
    "North China": (0.17, ("Beijing", "Tianjin", "Shijiazhuang")),
    "South China": (0.20, ("Guangzhou", "Shenzhen", "Xiamen", "Nanning")),
    "Central China": (0.12, ("Wuhan", "Changsha", "Zhengzhou")),
    "Southwest China": (0.11, ("Chengdu", "Chongqing", "Kunming")),
    "Northeast China": (0.05, ("Shenyang", "Harbin", "Dalian")),
    "Northwest China": (0.05, ("Xi'an", "Lanzhou", "Urumqi")),
}
_FAMILY = ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
           "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Gao", "Luo")
_GIVEN = {
    "female": ("Fang", "Jing", "Min", "Li", "Yan", "Ting", "Na", "Hui", "Xiu", "Ying",
               "Yun", "Lan", "Mei", "Qing", "Xue"),
    "male": ("Wei", "Qiang", "Lei", "Jun", "Yong", "Jie", "Tao", "Ming", "Hao", "Bo",
             "Peng", "Chao", "Hua", "Jian", "Xin"),
}
_EMAIL_DOMAINS = (("qq.com", 0.35), ("163.com", 0.25), ("126.com", 0.10), ("gmail.com", 0.10),
                  ("outlook.com", 0.10), ("sina.com", 0.10))

# Catalogue: 8 categories x 15 products (name, list price in ¥); the first product
# of a category is the most popular.
_CATALOGUE = {
    "apparel": (("T-Shirt", 79), ("Jeans", 299), ("Hoodie", 259), ("Down Jacket", 699),
                ("Dress", 359), ("Polo Shirt", 169), ("Sweater", 289), ("Skirt", 199),
                ("Trench Coat", 599), ("Socks 5-Pack", 49), ("Pajamas", 159), ("Scarf", 129),
                ("Cap", 89), ("Leggings", 139), ("Blazer", 499)),
    "beauty": (("Face Cream", 329), ("Lipstick", 259), ("Sunscreen", 159), ("Serum", 499),
               ("Shampoo", 69), ("Face Masks 10-Pack", 119), ("Perfume", 599), ("Eye Shadow", 199),
               ("Cleanser", 99), ("Toner", 179), ("Body Lotion", 89), ("Hand Cream", 49),
               ("Mascara", 149), ("Conditioner", 69), ("Foundation", 289)),
    "electronics": (("Smartphone", 3299), ("Wireless Earbuds", 699), ("Power Bank", 149),
                    ("Smartwatch", 1299), ("Tablet", 2499), ("Charger", 99), ("USB-C Cable", 39),
                    ("Bluetooth Speaker", 399), ("Keyboard", 299), ("Mouse", 129),
                    ("Laptop Stand", 159), ("Camera", 3999), ("E-Reader", 899),
                    ("Screen Protector", 49), ("Phone Case", 59)),
    "home": (("Rice Cooker", 399), ("Bedsheet Set", 299), ("Pillow", 129), ("Towel Set", 99),
             ("Air Purifier", 999), ("Desk Lamp", 179), ("Storage Box", 59), ("Kettle", 149),
             ("Vacuum Cleaner", 1499), ("Cookware Set", 599), ("Mug", 39), ("Curtains", 249),
             ("Humidifier", 199), ("Chopsticks Set", 29), ("Tea Set", 259)),
    "food": (("Coffee Beans", 89), ("Green Tea", 129), ("Mooncakes", 168), ("Dried Fruit", 49),
             ("Instant Noodles", 35), ("Rice 5 kg", 59), ("Chocolate", 69), ("Mixed Nuts", 99),
             ("Honey", 79), ("Soy Sauce", 19), ("Hotpot Base", 29), ("Oolong Tea", 159),
             ("Snack Box", 88), ("Oat Milk", 45), ("Coffee Filters", 25)),
    "sports": (("Yoga Mat", 129), ("Running Shoes", 599), ("Dumbbells", 199), ("Basketball", 179),
               ("Badminton Racket", 259), ("Shuttlecocks", 59), ("Fitness Tracker", 299),
               ("Jump Rope", 39), ("Water Bottle", 69), ("Cycling Helmet", 329),
               ("Tennis Balls", 49), ("Sports Bag", 229), ("Resistance Bands", 59),
               ("Swim Goggles", 89), ("Yoga Blocks", 49)),
    "books": (("Novel", 45), ("Cookbook", 68), ("Children's Picture Book", 39),
              ("Language Course", 99), ("History Book", 79), ("Notebook", 25), ("Comic", 35),
              ("Travel Guide", 59), ("Poetry Collection", 42), ("Business Book", 69),
              ("Science Book", 58), ("Art Book", 128), ("Calendar", 39), ("Puzzle Book", 29),
              ("Dictionary", 89)),
    "baby": (("Diapers", 139), ("Baby Formula", 299), ("Baby Wipes", 49), ("Stroller", 1299),
             ("Baby Bottle", 89), ("Onesie", 79), ("Teether", 39), ("Baby Lotion", 69),
             ("Crib Sheet", 99), ("Bib Set", 45), ("Baby Carrier", 399), ("Rattle", 29),
             ("Baby Shampoo", 59), ("Sippy Cup", 49), ("Play Mat", 259)),
}
_CATEGORIES = tuple(_CATALOGUE)
_POPULARITY_EXPONENT = 0.7  # weight of the k-th product of a category: 1 / k ** 0.7
_CATEGORY_MIX = (0.16, 0.14, 0.12, 0.14, 0.16, 0.10, 0.09, 0.09)
_CATEGORY_PREFERENCE = {
    "vip": (0.12, 0.18, 0.22, 0.14, 0.08, 0.12, 0.06, 0.08),
    "regular": (0.16, 0.15, 0.12, 0.15, 0.14, 0.10, 0.08, 0.10),
    "occasional": (0.20, 0.12, 0.06, 0.10, 0.22, 0.08, 0.14, 0.08),
    "prospect": (0.18, 0.14, 0.10, 0.12, 0.18, 0.09, 0.11, 0.08),
}
_FAVOURITE_SHARE = 0.55
_N_LINES_P = (0.45, 0.30, 0.17, 0.08)  # 1..4 lines
_LINE_QTY_P = (0.75, 0.17, 0.08)  # quantity 1..3 (the largest line always has quantity 1)
_PAIRS = (("Smartphone", "Phone Case"), ("Coffee Beans", "Coffee Filters"), ("Yoga Mat", "Yoga Blocks"))
_PAIR_PROBABILITY = 0.6
_COMPANION_WEIGHT = 0.05  # popularity of a companion product B outside its pair, relative

_FUNNEL = {  # traffic channel: (view->click, click->add_to_cart, add_to_cart->purchase)
    "direct": (0.80, 0.70, 0.75),
    "search": (0.70, 0.60, 0.70),
    "social": (0.50, 0.50, 0.60),
    "email": (0.75, 0.65, 0.70),
}
_PURCHASE_TRAFFIC = (0.40, 0.30, 0.15, 0.15)  # traffic channel of purchase sessions
_STEP_SECONDS = ((10, 180), (10, 600), (30, 900))  # gaps view->click->cart->purchase

_TICKET_CATEGORIES = ("delivery", "product", "billing", "account", "returns")
_TICKET_MIX = {"ordinary": (0.30, 0.25, 0.15, 0.20, 0.10), "complaint": (0.40, 0.35, 0.10, 0.05, 0.10)}
_TICKETS = {
    "ordinary_per_year": 0.25,
    "complaint_per_year": 0.03,
    "dropout_complaint_probability": 0.35,
    "dropout_complaint_days": (0, 20),
    "active_tail_days": 60,  # tickets possible until 60 days after the last purchase
    "median_resolution_hours": {"ordinary": 6.0, "complaint": 72.0},
    "resolution_sigma": {"ordinary": 1.0, "complaint": 0.8},
}
_SURVEYS = {
    "probability": 0.15,
    "delay_hours": (1, 120),
    "nps_mean": {"dropout": 4.0, "other": 8.5},
    "csat_mean": {"dropout": 2.5, "other": 4.3},
}
_COMMENTS = {
    "promoter": ("Great service", "Fast delivery, will buy again", "Love the quality",
                 "Excellent value for money", "非常满意", "物流很快，包装很好", "质量很好，会回购",
                 "客服很耐心"),
    "passive": ("Good overall", "Delivery was OK", "Decent, nothing special", "还不错",
                "质量一般，价格合适", "包装可以再好一点"),
    "detractor": ("Delivery was late", "Product broke after a week", "Very disappointed",
                  "Wrong item received", "物流太慢了", "质量很差", "客服态度不好", "退款太慢"),
}

# Service links (stream "service"), planted on top of the tickets and surveys above.
_SERVICE = {
    "first_response_median_hours": {"ordinary": 2.0, "complaint": 8.0},
    "first_response_sigma": 1.0,
    "slow_ticket_days": 3.0,  # a ticket resolved after more than 3 days is slow ...
    "window_days": 90,  # ... when opened in the 90 days before a survey answer and resolved by it
    "nps_drop": 2,  # the answer's NPS falls by 2 points (not below 0)
    "csat_drop": 1,  # and its CSAT by 1 (not below 1)
    "pii_comment_probability": 0.25,  # a lowered detractor comment names the customer and a phone
}
_SERVICE_COMMENTS = {
    "promoter": ("Support sorted it out in the end", "客服最后解决了问题"),
    "passive": ("Support took a while to answer", "Waited days for support", "客服回复有点慢",
                "处理时间太长"),
    "detractor": ("Waited days for support, nobody answered", "Support too slow to help",
                  "客服处理太慢", "等了好几天没人处理"),
}
_PII_COMMENTS = ("{name} here, please call me back on {phone}", "我是{name}，请回电 {phone}")
# Referrals (stream "referrals"): who referred each customer acquired by referral.
_REFERRAL_WEIGHT = {"promoter": 1.0, "passive": 0.4, "detractor": 0.2, "no_answer": 0.3}
_REFERRAL_ROUNDS = 300

# salespeople's family names are outside the customers' pool (_FAMILY): a rep's name on a
# sales page can never be mistaken for a customer's personal data
_REPS = {"Deng Kai": 0.15, "Feng Rui": 0.20, "Cao Xin": 0.24, "Peng Yu": 0.28,
         "Xie Dan": 0.32, "Tang Yi": 0.36, "Han Bin": 0.40, "Song Lu": 0.45}
_STAGES = ("lead", "qualified", "proposal", "negotiation", "closed")
_OPPORTUNITIES = {
    "per_customer": 0.2,  # opportunities per customer of the dataset
    "lost_after_stage_p": (0.35, 0.30, 0.20, 0.15),  # lead, qualified, proposal, negotiation
    "cycle_days": {"offset": 1.0, "shape": 2.0, "scale": 22.0},
    "amount": {"median": 30_000.0, "sigma": 0.9},
}

_STAGE_BOTTLENECK = {"stage": "proposal", "dimension": "owner"}
_TARGETS = {"stretch": 1.1, "noise": (0.9, 1.1), "rounding": 10_000.0}
# Unprofitable customers (stream "profitability"): discount hunters by acquisition channel.
_DISCOUNT_HUNTERS = {"probability": {"social": 0.15, "search": 0.04, "referral": 0.04, "email": 0.04,
                                     "offline": 0.04, "organic": 0.04},
                     "discount_share": (0.46, 0.60)}

DEFECT_COUNTS: dict[str, int] = {
    "orders.exact_duplicates": 30,
    "orders.duplicate_key": 10,
    "orders.negative_amount_as_return": 40,
    "orders.future_date": 5,
    "orders.outlier": 8,
    "orders.unknown_customer": 12,
    "customers.exact_duplicates": 15,
    "customers.email_normalised": 60,
    "customers.email_invalid": 10,
    "customers.phone_normalised": 80,
    "customers.text_normalised": 50,
    "customers.missing_filled": 40,
    "surveys.invalid_score": 6,
    "tickets.resolved_before_created": 4,
}
"""Rows planted per data-quality rule (``"table.rule"``) when ``defects=True``."""

_STREAMS = {name: i for i, name in enumerate(
    ("calendar", "customers", "pii", "purchases", "extras", "values", "order_attrs", "items",
     "products", "events", "tickets", "surveys", "spend", "opportunities", "order_defects",
     "customer_defects", "survey_defects", "ticket_defects", "service", "referrals",
     "stage_bottleneck", "targets", "profitability"), start=1)}
_DAY = 86_400


# --------------------------------------------------------------------------- helpers
def _rng(seed: int, stream: str) -> np.random.Generator:
    return np.random.default_rng([_STREAMS[stream], seed])


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pd.Series:
    return prefix + pd.Series(np.asarray(numbers)).astype("str").str.zfill(width)


def _labels(codes: np.ndarray, labels) -> pd.Series:
    return pd.Series(np.asarray(labels, dtype=object)[codes], dtype="str")


def _width(n: int, minimum: int) -> int:
    return max(minimum, len(str(int(n))))


def _pick(rng: np.random.Generator, probs, size: int) -> np.ndarray:
    """Draw ``size`` category codes from one probability vector."""
    probs = np.asarray(probs, dtype=float)
    return rng.choice(len(probs), size=size, p=probs / probs.sum())


def _pick_rows(rng: np.random.Generator, table, rows: np.ndarray) -> np.ndarray:
    """Draw one category code per element of ``rows`` from the probabilities ``table[row]``."""
    table = np.asarray(table, dtype=float)
    n_rows, k = table.shape
    cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    cum[:, -1] = 1.0
    # row r occupies (r, r + 1] on one line, so a single sorted search serves all rows
    flat = (cum + np.arange(n_rows)[:, None]).ravel()
    idx = np.searchsorted(flat, rows + rng.random(len(rows)), side="right")
    return idx - np.asarray(rows) * k


def _round2(x) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float), 2)


def _group_starts(counts: np.ndarray) -> np.ndarray:
    return np.cumsum(counts) - counts


def _rank_in_group(groups_sorted: np.ndarray) -> np.ndarray:
    """0-based position of each element within its run of equal (sorted) group values."""
    n = len(groups_sorted)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.r_[True, groups_sorted[1:] != groups_sorted[:-1]]
    start = np.maximum.accumulate(np.where(new, np.arange(n), 0))
    return np.arange(n) - start


@dataclass
class _Calendar:
    start: pd.Timestamp
    end: pd.Timestamp
    days: pd.DatetimeIndex
    intensity: np.ndarray  # s(d), mean 1
    festival: np.ndarray  # festival factor per day (1 outside festivals)
    cum: np.ndarray  # operational time at the start of each day, len n_days + 1
    hourly: np.ndarray  # probabilities by hour

    @property
    def n_days(self) -> int:
        return len(self.days)

    @property
    def end_s(self) -> int:
        return self.n_days * _DAY

    def to_datetime(self, seconds: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
        ns = np.datetime64(self.start, "ns").astype(np.int64) + np.asarray(seconds, np.int64) * 10**9
        if missing is not None:
            ns = np.where(missing, np.iinfo(np.int64).min, ns)
        return pd.Series(ns.view("datetime64[ns]"))

    def seconds_of_day(self, rng: np.random.Generator, size: int) -> np.ndarray:
        hour = rng.choice(24, size=size, p=self.hourly)
        return hour * 3600 + rng.integers(0, 3600, size=size)


def _make_calendar(start: pd.Timestamp, end: pd.Timestamp) -> _Calendar:
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    weekday = np.asarray(_WEEKDAY)[days.day_of_week.to_numpy()]
    yearly = 1 + _YEARLY["amplitude"] * np.cos(
        2 * np.pi * (days.day_of_year.to_numpy() - _YEARLY["peak_day_of_year"]) / 365.25)
    festival = np.ones(len(days))
    for year in range(days.year.min(), days.year.max() + 1):
        for _, (m0, d0), (m1, d1), factor in _FESTIVALS:
            on = (days >= pd.Timestamp(year, m0, d0)) & (days <= pd.Timestamp(year, m1, d1))
            festival[on] *= factor
        nov1 = pd.Timestamp(year, 11, 1)
        thanksgiving = nov1 + pd.Timedelta(days=(3 - nov1.day_of_week) % 7 + 21)
        festival[days == thanksgiving + pd.Timedelta(days=1)] *= _BLACK_FRIDAY
        if year in _CNY_DATES:
            cny = pd.Timestamp(_CNY_DATES[year])
            on = (days >= cny - pd.Timedelta(days=_CNY["days_before"])) & (
                days <= cny + pd.Timedelta(days=_CNY["days_after"]))
            festival[on] *= _CNY["factor"]
    raw = weekday * yearly * festival
    intensity = raw / raw.mean()
    hourly = np.asarray(_HOURLY) / np.sum(_HOURLY)
    return _Calendar(start, end, days, intensity, festival, np.r_[0.0, np.cumsum(intensity)], hourly)


# --------------------------------------------------------------------------- customers
@dataclass
class _Customers:
    n: int
    signup_day: np.ndarray
    ctype: np.ndarray  # 0 prospect, 1 vip, 2 regular, 3 occasional
    channel: np.ndarray
    business: np.ndarray
    favourite: np.ndarray
    region: np.ndarray
    city: np.ndarray  # index into the flat city list
    gender: np.ndarray  # 0 female, 1 male
    birth_year: np.ndarray


_TYPE_NAMES = ("prospect",) + _TYPES
_CITIES = tuple(c for _, cities in _REGIONS.values() for c in cities)
_CITY_REGION = np.asarray([i for i, (_, cities) in enumerate(_REGIONS.values()) for _ in cities])


def _make_customers(rng: np.random.Generator, cal: _Calendar, n: int) -> _Customers:
    trend = np.linspace(_SIGNUP_TREND[0], _SIGNUP_TREND[1], cal.n_days)
    w = trend * np.sqrt(cal.intensity)
    signup_day = np.sort(rng.choice(cal.n_days, size=n, p=w / w.sum()))
    shares = [_PROSPECT_SHARE] + [(1 - _PROSPECT_SHARE) * _TYPE_SHARES[t] for t in _TYPES]
    ctype = _pick(rng, shares, n)
    channel = _pick_rows(rng, [_CHANNEL_MIX[t] for t in _TYPE_NAMES], ctype)
    business = rng.random(n) < np.asarray([_BUSINESS_SHARE[t] for t in _TYPE_NAMES])[ctype]
    favourite = _pick_rows(rng, [_CATEGORY_PREFERENCE[t] for t in _TYPE_NAMES], ctype)
    region = _pick(rng, [w for w, _ in _REGIONS.values()], n)
    n_cities = np.asarray([len(c) for _, c in _REGIONS.values()])
    first_city = _group_starts(n_cities)
    city = first_city[region] + (rng.random(n) * n_cities[region]).astype(int)
    gender = (rng.random(n) < 0.48).astype(int)
    age = np.clip(np.round(18 + rng.gamma(3.0, 6.0, size=n)), 18, 75).astype(int)
    birth_year = cal.start.year - age
    return _Customers(n, signup_day, ctype, channel, business, favourite, region, city,
                      gender, birth_year)


def _customer_table(rng: np.random.Generator, cal: _Calendar, cu: _Customers, ids: pd.Series
                    ) -> pd.DataFrame:
    n = cu.n
    fam = rng.integers(0, len(_FAMILY), n)
    given_idx = rng.integers(0, 15, n)
    given = np.where(cu.gender == 0, np.asarray(_GIVEN["female"], dtype=object)[given_idx],
                     np.asarray(_GIVEN["male"], dtype=object)[given_idx])
    family = np.asarray(_FAMILY, dtype=object)[fam]
    name = family + " " + given
    serial = (rng.permutation(n) + 100).astype(str).astype(object)
    domain = np.asarray([d for d, _ in _EMAIL_DOMAINS], dtype=object)[
        _pick(rng, [p for _, p in _EMAIL_DOMAINS], n)]
    email = (pd.Series(given, dtype="str").str.lower() + "." + pd.Series(family, dtype="str").str.lower()
             + pd.Series(serial, dtype="str") + "@" + pd.Series(domain, dtype="str"))
    second = np.asarray(["3", "5", "7", "8", "9"], dtype=object)[rng.integers(0, 5, n)]
    body = rng.choice(10**9, size=n, replace=False)
    phone = "1" + pd.Series(second, dtype="str") + pd.Series(body).astype("str").str.zfill(9)
    return pd.DataFrame({
        "customer_id": ids,
        "signup_date": cal.to_datetime(cu.signup_day * _DAY),
        "acquisition_channel": _labels(cu.channel, _CHANNELS),
        "region": _labels(cu.region, list(_REGIONS)),
        "city": _labels(cu.city, _CITIES),
        "gender": _labels(cu.gender, ("female", "male")),
        "birth_year": pd.array(cu.birth_year, dtype="Int64"),
        "crm_segment": _labels(cu.business.astype(int), ("consumer", "business")),
        "name": pd.Series(name, dtype="str"),
        "email": email,
        "phone": phone,
    })


# --------------------------------------------------------------------------- purchases (BG/NBD)
@dataclass
class _Purchases:
    buyers: np.ndarray  # customer index of each buyer
    lam: np.ndarray  # per customer (NaN for prospects)
    p: np.ndarray
    nu: np.ndarray
    n_purchases: np.ndarray
    dropped: np.ndarray
    first_s: np.ndarray  # seconds since start (-1 for prospects)
    last_s: np.ndarray
    t_op: np.ndarray  # operational observation days after the first purchase
    cust: np.ndarray  # per completed order, sorted by customer then time
    ts: np.ndarray


def _type_param(ctype: np.ndarray, table: dict, key: str) -> np.ndarray:
    values = np.asarray([np.nan] + [table[t][key] for t in _TYPES])
    return values[ctype]


def _simulate_purchases(rng: np.random.Generator, cal: _Calendar, cu: _Customers) -> _Purchases:
    n = cu.n
    buyers = np.flatnonzero(cu.ctype > 0)
    ct = cu.ctype[buyers]
    nb = len(buyers)
    delay = _pick(rng, _FIRST_ORDER_DELAY, nb)
    first_day = np.minimum(cu.signup_day[buyers] + delay, cal.n_days - 1)
    first_sec = cal.seconds_of_day(rng, nb)
    tau0 = cal.cum[first_day] + cal.intensity[first_day] * first_sec / _DAY
    t_op = cal.cum[-1] - tau0
    r, alpha = _type_param(ct, _BGNBD, "r"), _type_param(ct, _BGNBD, "alpha")
    a, b = _type_param(ct, _BGNBD, "a"), _type_param(ct, _BGNBD, "b")
    lam = rng.gamma(r, 1.0 / alpha)
    p = rng.beta(a, b)
    dropout_at = rng.geometric(p)  # index of the repeat purchase after which the customer leaves
    k_alive = rng.poisson(lam * t_op)  # repeat purchases in the window if the customer never left
    x = np.minimum(dropout_at, k_alive)
    dropped = dropout_at <= k_alive
    # the first x of k_alive uniform order statistics on (0, t_op), via exponential spacings
    owner = np.repeat(np.arange(nb), x)
    cs = np.cumsum(rng.exponential(size=owner.size))
    starts = _group_starts(x)
    offset = np.r_[0.0, cs][starts]
    spacing = cs - offset[owner]
    total = np.zeros(nb)
    has = x > 0
    total[has] = cs[starts[has] + x[has] - 1] - offset[has]
    rest = rng.gamma(k_alive - x + 1.0)
    tau = tau0[owner] + t_op[owner] * spacing / (total[owner] + rest[owner])
    day = np.clip(np.searchsorted(cal.cum, tau, side="right") - 1, first_day[owner], cal.n_days - 1)
    rep_s = day * _DAY + cal.seconds_of_day(rng, owner.size)
    cust = np.r_[buyers, buyers[owner]]
    ts = np.r_[first_day * _DAY + first_sec, rep_s]
    order = np.lexsort((ts, cust))
    cust, ts = cust[order], ts[order]

    q, gamma = _type_param(ct, _GAMMA_GAMMA, "q"), _type_param(ct, _GAMMA_GAMMA, "gamma")
    nu_b = rng.gamma(q, 1.0 / gamma)

    def full(values, fill):
        out = np.full(n, fill, dtype=np.asarray(values).dtype)
        out[buyers] = values
        return out

    n_purchases = np.zeros(n, dtype=np.int64)
    n_purchases[buyers] = 1 + x
    first_s = np.full(n, -1, dtype=np.int64)
    last_s = np.full(n, -1, dtype=np.int64)
    ends = np.cumsum(n_purchases[buyers]) - 1
    first_s[buyers] = ts[ends - x]
    last_s[buyers] = ts[ends]
    return _Purchases(
        buyers=buyers, lam=full(lam, np.nan), p=full(p, np.nan), nu=full(nu_b, np.nan),
        n_purchases=n_purchases, dropped=full(dropped, False), first_s=first_s, last_s=last_s,
        t_op=full(t_op, np.nan), cust=cust, ts=ts,
    )


# --------------------------------------------------------------------------- orders and items
@dataclass
class _Orders:
    cust: np.ndarray
    ts: np.ndarray
    status: np.ndarray  # 0 completed, 1 returned, 2 cancelled
    revenue: np.ndarray
    cost: np.ndarray
    discount: np.ndarray
    shipping: np.ndarray
    channel: np.ndarray
    quantity: np.ndarray
    clip: dict
    # order lines, sorted by order
    line_order: np.ndarray
    line_product: np.ndarray
    line_qty: np.ndarray
    line_price: np.ndarray  # unit price in ¥


def _make_orders(seed: int, cal: _Calendar, cu: _Customers, pu: _Purchases,
                 products: pd.DataFrame) -> _Orders:
    # extra returned / cancelled orders inside each customer's active life
    rng = _rng(seed, "extras")
    u = rng.random(len(pu.cust))
    extra_status = np.where(u < _EXTRA_STATUS["returned"], 1,
                            np.where(u < sum(_EXTRA_STATUS.values()), 2, 0))
    sel = extra_status > 0
    ec = pu.cust[sel]
    life_end = np.where(pu.dropped[ec], pu.last_s[ec], cal.end_s)
    e_ts = pu.first_s[ec] + np.floor(rng.random(ec.size) * (life_end - pu.first_s[ec])).astype(np.int64)
    cust = np.r_[pu.cust, ec]
    ts = np.r_[pu.ts, e_ts]
    status = np.r_[np.zeros(len(pu.cust), dtype=np.int64), extra_status[sel]]
    order = np.lexsort((np.arange(len(ts)), ts))
    cust, ts, status = cust[order], ts[order], status[order]
    m = len(ts)

    # Gamma-Gamma order values
    rng = _rng(seed, "values")
    shape = _type_param(cu.ctype[cust], _GAMMA_GAMMA, "p")
    z = rng.gamma(shape, 1.0 / pu.nu[cust])
    cap = _VALUE_CAP_X_MEDIAN * float(np.median(z[status == 0])) if m else np.inf
    clip = {"floor": _VALUE_FLOOR, "cap": round(cap, 2), "n_floored": int((z < _VALUE_FLOOR).sum()),
            "n_capped": int((z > cap).sum())}
    revenue = _round2(np.clip(z, _VALUE_FLOOR, cap))

    rng = _rng(seed, "order_attrs")
    channel = _pick(rng, _SALES_CHANNEL_P, m)
    cost = _round2(revenue * rng.uniform(*_COST_SHARE, size=m))
    festive = cal.festival[ts // _DAY] > 1
    has_disc = rng.random(m) < np.where(festive, _DISCOUNT["p_festival"], _DISCOUNT["p_normal"])
    discount = np.where(has_disc, _round2(revenue * rng.uniform(*_DISCOUNT["share"], size=m)), 0.0)
    shipping = np.where(channel == _SALES_CHANNELS.index("store"), 0.0,
                        np.asarray(_SHIPPING)[rng.integers(0, len(_SHIPPING), m)])

    lines = _make_lines(_rng(seed, "items"), cu.favourite[cust], revenue, products)
    quantity = np.bincount(lines[0], weights=lines[2], minlength=m)
    return _Orders(cust, ts, status, revenue, cost, discount, shipping, channel, quantity,
                   clip, *lines)


def _catalogue_weights(pid_of_name: dict[str, int]) -> np.ndarray:
    k = len(next(iter(_CATALOGUE.values())))
    w = 1.0 / np.arange(1, k + 1) ** _POPULARITY_EXPONENT
    weights = np.tile(w, (len(_CATEGORIES), 1))
    for _, b in _PAIRS:
        i = pid_of_name[b]
        weights[i // k, i % k] *= _COMPANION_WEIGHT
    return weights / weights.sum(axis=1, keepdims=True)


def _make_lines(rng: np.random.Generator, favourite: np.ndarray, revenue: np.ndarray,
                products: pd.DataFrame):
    m = len(favourite)
    k = len(next(iter(_CATALOGUE.values())))
    names = products["product_name"].tolist()
    pid_of_name = {nm: i for i, nm in enumerate(names)}
    weights = _catalogue_weights(pid_of_name)
    list_price = np.asarray([p for items in _CATALOGUE.values() for _, p in items], dtype=float)

    n_lines = 1 + _pick(rng, _N_LINES_P, m)
    line_order = np.repeat(np.arange(m), n_lines)
    fav = rng.random(line_order.size) < _FAVOURITE_SHARE
    cat = np.where(fav, favourite[line_order], _pick(rng, _CATEGORY_MIX, line_order.size))
    product = cat * k + _pick_rows(rng, weights, cat)
    # one line per product and order
    _, first = np.unique(line_order * 1024 + product, return_index=True)
    keep = np.sort(first)
    line_order, product = line_order[keep], product[keep]
    # planted companions
    for a_name, b_name in _PAIRS:
        a, b = pid_of_name[a_name], pid_of_name[b_name]
        with_a = line_order[product == a]
        with_b = np.isin(with_a, line_order[product == b])
        add = with_a[~with_b & (rng.random(with_a.size) < _PAIR_PROBABILITY)]
        line_order = np.r_[line_order, add]
        product = np.r_[product, np.full(add.size, b)]
    order = np.argsort(line_order, kind="stable")
    line_order, product = line_order[order], product[order]

    # the dearest line of an order has quantity 1 and absorbs the rounding
    lp = list_price[product]
    by_price = np.lexsort((-lp, line_order))
    is_first = np.r_[True, line_order[by_price][1:] != line_order[by_price][:-1]]
    balancing = np.zeros(line_order.size, bool)
    balancing[by_price[is_first]] = True
    qty = np.where(balancing, 1, 1 + _pick(rng, _LINE_QTY_P, line_order.size))
    total_cents = np.round(revenue * 100).astype(np.int64)
    denom = np.bincount(line_order, weights=qty * lp, minlength=m)
    cents = np.maximum(1, np.round(total_cents[line_order] * lp / denom[line_order])).astype(np.int64)
    others = np.bincount(line_order, weights=np.where(balancing, 0, qty * cents), minlength=m)
    cents = np.where(balancing, total_cents[line_order] - others[line_order].astype(np.int64), cents)
    if (cents < 1).any():  # cannot happen with the value floor; guard the invariant
        raise RuntimeError("order line price allocation failed")
    return line_order, product, qty.astype(float), cents / 100.0


def _product_table(seed: int) -> pd.DataFrame:
    rng = _rng(seed, "products")
    rows = [(cat, nm, price) for cat, items in _CATALOGUE.items() for nm, price in items]
    n = len(rows)
    price = np.asarray([r[2] for r in rows], dtype=float)
    return pd.DataFrame({
        "product_id": _ids("P", np.arange(1, n + 1), 3),
        "product_name": pd.Series([r[1] for r in rows], dtype="str"),
        "category": pd.Series([r[0] for r in rows], dtype="str"),
        "unit_cost": _round2(price * rng.uniform(0.45, 0.65, size=n)),
    })


def _orders_table(cal: _Calendar, od: _Orders, order_ids: pd.Series, customer_ids: pd.Series
                  ) -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": order_ids,
        "customer_id": customer_ids.take(od.cust).reset_index(drop=True),
        "order_date": cal.to_datetime(od.ts),
        "revenue": od.revenue,
        "cost": od.cost,
        "discount": od.discount,
        "shipping_cost": od.shipping,
        "status": _labels(od.status, ("completed", "returned", "cancelled")),
        "sales_channel": _labels(od.channel, _SALES_CHANNELS),
        "quantity": od.quantity,
    })


# --------------------------------------------------------------------------- events
def _events_table(rng: np.random.Generator, cal: _Calendar, cu: _Customers, pu: _Purchases,
                  od: _Orders, customer_ids: pd.Series, product_ids: pd.Series) -> pd.DataFrame:
    k = len(next(iter(_CATALOGUE.values())))
    traffic = tuple(_FUNNEL)
    online = np.flatnonzero((od.status == 0) & (od.channel != _SALES_CHANNELS.index("store")))
    first_line = _group_starts(np.bincount(od.line_order, minlength=len(od.ts)))
    p_chan = _pick(rng, _PURCHASE_TRAFFIC, online.size)
    # browsing sessions that stop earlier, sized so that stage-to-stage rates match the funnel
    n_purchase = np.bincount(p_chan, minlength=len(traffic))
    stop_chan, stop_stage = [], []
    for c, name in enumerate(traffic):
        q1, q2, q3 = _FUNNEL[name]
        n_cart = int(round(n_purchase[c] / q3))
        n_click = int(round(n_cart / q2))
        n_view = int(round(n_click / q1))
        for stage, cnt in ((3, n_cart - n_purchase[c]), (2, n_click - n_cart), (1, n_view - n_click)):
            stop_chan.append(np.full(cnt, c))
            stop_stage.append(np.full(cnt, stage))
    b_chan = np.concatenate(stop_chan)
    b_stage = np.concatenate(stop_stage)
    nb = b_chan.size
    # browsers: weighted by activity, inside each customer's life
    weight = pu.n_purchases + 1.0
    b_cust = rng.choice(cu.n, size=nb, p=weight / weight.sum())
    lo = cu.signup_day[b_cust] * _DAY
    hi = np.where(pu.dropped[b_cust], pu.last_s[b_cust], cal.end_s)
    day = (lo + rng.random(nb) * (hi - lo)) // _DAY
    b_start = np.clip(day * _DAY + cal.seconds_of_day(rng, nb), lo, cal.end_s - 3 * 3600)
    fav = rng.random(nb) < _FAVOURITE_SHARE
    cat = np.where(fav, cu.favourite[b_cust], _pick(rng, _CATEGORY_MIX, nb))
    b_product = cat * k + rng.integers(0, k, nb)

    n_sess = online.size + nb
    stages = np.r_[np.full(online.size, 4), b_stage]
    gaps = np.column_stack([rng.integers(lo_, hi_, n_sess) for lo_, hi_ in _STEP_SECONDS])
    back = np.cumsum(gaps[:, ::-1], axis=1)[:, ::-1]  # seconds from each stage to the purchase
    s_start = np.r_[od.ts[online] - back[:online.size, 0], b_start]
    s_cust = np.r_[od.cust[online], b_cust]
    s_chan = np.r_[p_chan, b_chan]
    s_product = np.r_[od.line_product[first_line[online]], b_product]
    order = np.lexsort((np.arange(n_sess), s_start))
    s_start, s_cust, s_chan, s_product, stages, gaps = (
        s_start[order], s_cust[order], s_chan[order], s_product[order], stages[order], gaps[order])
    offsets = np.c_[np.zeros(n_sess, np.int64), np.cumsum(gaps, axis=1)]
    sess = np.repeat(np.arange(n_sess), stages)
    step = _rank_in_group(sess)
    ts = np.maximum(s_start[sess] + offsets[sess, step], 0)
    session_ids = _ids("S", np.arange(1, n_sess + 1), _width(n_sess, 7))
    return pd.DataFrame({
        "customer_id": customer_ids.take(s_cust[sess]).reset_index(drop=True),
        "timestamp": cal.to_datetime(ts),
        "event_type": _labels(step, ("view", "click", "add_to_cart", "purchase")),
        "product_id": product_ids.take(s_product[sess]).reset_index(drop=True),
        "session_id": session_ids.take(sess).reset_index(drop=True),
        "channel": _labels(s_chan[sess], traffic),
    })


# --------------------------------------------------------------------------- tickets and surveys
def _tickets(rng: np.random.Generator, cal: _Calendar, cu: _Customers, pu: _Purchases):
    n = cu.n
    lo = cu.signup_day * _DAY
    tail = _TICKETS["active_tail_days"] * _DAY
    hi = np.where(pu.n_purchases > 0, np.minimum(pu.last_s + tail, cal.end_s),
                  np.minimum(lo + 30 * _DAY, cal.end_s))
    years = (hi - lo) / (365.25 * _DAY)
    n_ord = rng.poisson(_TICKETS["ordinary_per_year"] * years)
    n_cmp = rng.poisson(_TICKETS["complaint_per_year"] * years)
    c_ord, c_cmp = np.repeat(np.arange(n), n_ord), np.repeat(np.arange(n), n_cmp)
    base_cust = np.r_[c_ord, c_cmp]
    base_ts = lo[base_cust] + np.floor(rng.random(base_cust.size) * (hi - lo)[base_cust]).astype(np.int64)
    # churn driver: complaint shortly after the purchase at which the customer left
    dropped = np.flatnonzero(pu.dropped)
    d0, d1 = _TICKETS["dropout_complaint_days"]
    files = rng.random(dropped.size) < _TICKETS["dropout_complaint_probability"]
    d_cust = dropped[files]
    d_ts = pu.last_s[d_cust] + rng.integers(d0 * _DAY, d1 * _DAY, d_cust.size)
    seen = d_ts < cal.end_s
    d_cust, d_ts = d_cust[seen], d_ts[seen]
    churn_complaint = np.zeros(n, bool)
    churn_complaint[d_cust] = True

    cust = np.r_[base_cust, d_cust]
    created = np.r_[base_ts, d_ts]
    complaint = np.r_[np.zeros(c_ord.size, bool), np.ones(c_cmp.size + d_cust.size, bool)]
    cat = np.where(complaint, _pick(rng, _TICKET_MIX["complaint"], cust.size),
                   _pick(rng, _TICKET_MIX["ordinary"], cust.size))
    med = np.where(complaint, _TICKETS["median_resolution_hours"]["complaint"],
                   _TICKETS["median_resolution_hours"]["ordinary"])
    sig = np.where(complaint, _TICKETS["resolution_sigma"]["complaint"],
                   _TICKETS["resolution_sigma"]["ordinary"])
    hours = med * np.exp(sig * rng.standard_normal(cust.size))
    resolved = created + np.maximum(60, np.round(hours * 3600)).astype(np.int64)
    order = np.lexsort((np.arange(cust.size), created))
    return (cust[order], created[order], resolved[order], cat[order], complaint[order],
            churn_complaint)


def _tickets_table(cal, cust, created, resolved, cat, complaint, customer_ids) -> pd.DataFrame:
    n = cust.size
    return pd.DataFrame({
        "ticket_id": _ids("T", np.arange(1, n + 1), _width(n, 6)),
        "customer_id": customer_ids.take(cust).reset_index(drop=True),
        "created_at": cal.to_datetime(created),
        "resolved_at": cal.to_datetime(resolved, missing=resolved >= cal.end_s),
        "category": _labels(cat, _TICKET_CATEGORIES),
        "is_complaint": complaint.astype(bool),
    })


def _surveys(rng: np.random.Generator, cal: _Calendar, cu: _Customers, pu: _Purchases):
    last_of_customer = np.r_[pu.cust[1:] != pu.cust[:-1], True]
    is_dropout = last_of_customer & pu.dropped[pu.cust]
    asked = np.flatnonzero(rng.random(len(pu.ts)) < _SURVEYS["probability"])
    h0, h1 = _SURVEYS["delay_hours"]
    ts = pu.ts[asked] + rng.integers(h0 * 3600, h1 * 3600, asked.size)
    seen = ts < cal.end_s
    asked, ts = asked[seen], ts[seen]
    low = is_dropout[asked]
    nps_p = np.where(low, _SURVEYS["nps_mean"]["dropout"], _SURVEYS["nps_mean"]["other"]) / 10
    csat_p = (np.where(low, _SURVEYS["csat_mean"]["dropout"], _SURVEYS["csat_mean"]["other"]) - 1) / 4
    nps = rng.binomial(10, nps_p)
    csat = 1 + rng.binomial(4, csat_p)
    bucket = np.where(nps >= 9, "promoter", np.where(nps >= 7, "passive", "detractor"))
    comment = np.empty(asked.size, dtype=object)
    for name, pool in _COMMENTS.items():
        on = bucket == name
        comment[on] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), on.sum())]
    cust = pu.cust[asked]
    order = np.lexsort((np.arange(asked.size), ts))
    low_customer = np.zeros(cu.n, bool)
    low_customer[cust[low]] = True
    return cust[order], ts[order], nps[order], csat[order], comment[order], low_customer


def _nps_bucket(nps: np.ndarray) -> np.ndarray:
    return np.where(nps >= 9, "promoter", np.where(nps >= 7, "passive", "detractor"))


def _service_links(rng: np.random.Generator, cal: _Calendar, tk: tuple, sv: tuple,
                   names: pd.Series, phones: pd.Series):
    """First responses to tickets, and slow tickets lowering the next survey answers.

    ``tk`` = (customer, created, resolved, complaint) and ``sv`` = (customer, time, nps,
    csat, comment) are the arrays of :func:`_tickets` and :func:`_surveys`; the survey
    arrays are returned changed (new arrays), with the first-response times and the
    planted facts for ``truth["service"]``.
    """
    t_cust, t_created, t_resolved, t_cmp = tk
    s_cust, s_ts, nps, csat, comment = sv
    med = np.where(t_cmp, _SERVICE["first_response_median_hours"]["complaint"],
                   _SERVICE["first_response_median_hours"]["ordinary"])
    hours = med * np.exp(_SERVICE["first_response_sigma"] * rng.standard_normal(t_cust.size))
    first = t_created + np.maximum(60, np.round(hours * 3600)).astype(np.int64)
    first = np.minimum(first, t_resolved)  # the answer that resolves a ticket is a response too

    # each survey answer against the same customer's tickets opened in the window before it
    st = pd.DataFrame({"s": np.arange(s_cust.size), "c": s_cust, "ts": s_ts})
    tt = pd.DataFrame({"c": t_cust, "created": t_created, "resolved": t_resolved})
    pairs = st.merge(tt, on="c")
    window = _SERVICE["window_days"] * _DAY
    took = (pairs["resolved"] - pairs["created"]).to_numpy()
    slow_pair = ((pairs["created"] >= pairs["ts"] - window) & (pairs["resolved"] <= pairs["ts"])
                 & (took > _SERVICE["slow_ticket_days"] * _DAY)).to_numpy()
    slow = np.zeros(s_cust.size, bool)
    slow[pairs["s"].to_numpy()[slow_pair]] = True
    hit = np.flatnonzero(slow)

    nps, csat, comment = nps.copy(), csat.copy(), comment.copy()
    before = nps[hit].copy()
    nps[hit] = np.maximum(nps[hit] - _SERVICE["nps_drop"], 0)
    csat[hit] = np.maximum(csat[hit] - _SERVICE["csat_drop"], 1)
    bucket = _nps_bucket(nps[hit])
    for name, pool in _SERVICE_COMMENTS.items():
        on = bucket == name
        comment[hit[on]] = np.asarray(pool, dtype=object)[rng.integers(0, len(pool), on.sum())]
    det = hit[bucket == "detractor"]
    pii = det[rng.random(det.size) < _SERVICE["pii_comment_probability"]]
    if len(names) == 0:  # surveys not built: no comment to sign
        pii = pii[:0]
    template = rng.integers(0, len(_PII_COMMENTS), pii.size)
    for k, idx in enumerate(pii):
        phone = str(phones.iloc[s_cust[idx]])
        spaced = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        comment[idx] = _PII_COMMENTS[template[k]].format(name=names.iloc[s_cust[idx]], phone=spaced)
    facts = {"slow": slow, "nps_before": before, "pii_rows": pii}
    return (nps, csat, comment), first, facts


def _referrals(rng: np.random.Generator, cal: _Calendar, cu: _Customers, pu: _Purchases,
               s_cust: np.ndarray, s_ts: np.ndarray, nps: np.ndarray) -> np.ndarray:
    """The referrer of each customer acquired by referral (-1: none found).

    A referral at signup time ``s`` picks one customer who made a first purchase before
    ``s``, with weight ``_REFERRAL_WEIGHT`` of that customer's NPS group at their *first*
    survey answer (``no_answer`` before it). Drawn by rejection sampling, vectorised over
    the referrals: a uniform candidate is accepted with probability weight / max weight.
    """
    n = cu.n
    ref = np.full(n, -1, dtype=np.int64)
    referred = np.flatnonzero(cu.channel == _CHANNELS.index("referral"))
    if referred.size == 0 or n < 2:
        return ref
    first_purchase = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    bought = pu.n_purchases > 0
    first_purchase[bought] = pu.first_s[bought]
    first_answer = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    first_group = np.full(n, "no_answer", dtype=object)
    if s_cust.size:
        order = np.lexsort((s_ts, s_cust))
        c, t, v = s_cust[order], s_ts[order], nps[order]
        head = np.r_[True, c[1:] != c[:-1]]
        first_answer[c[head]] = t[head]
        first_group[c[head]] = _nps_bucket(v[head])
    w_after = np.asarray([_REFERRAL_WEIGHT[g] for g in first_group])
    w_max = max(_REFERRAL_WEIGHT.values())
    at = cu.signup_day[referred].astype(np.int64) * _DAY
    pending = np.arange(referred.size)
    for _ in range(_REFERRAL_ROUNDS):
        if pending.size == 0:
            break
        cand = rng.integers(0, n, pending.size)
        t = at[pending]
        w = np.where(first_purchase[cand] >= t, 0.0,
                     np.where(first_answer[cand] < t, w_after[cand], _REFERRAL_WEIGHT["no_answer"]))
        ok = rng.random(pending.size) < w / w_max
        ref[referred[pending[ok]]] = cand[ok]
        pending = pending[~ok]
    return ref


# --------------------------------------------------------------------------- marketing spend
def _spend_table(rng: np.random.Generator, cal: _Calendar, cu: _Customers) -> pd.DataFrame:
    paid = [c for c in _CHANNELS if c in _CAC]
    rows = [(c, camp, share) for c in paid for camp, share in _CAMPAIGNS[c]]
    nd, nr = cal.n_days, len(rows)
    row_chan = np.asarray([_CHANNELS.index(r[0]) for r in rows])
    row_share = np.asarray([r[2] for r in rows])
    signups = np.zeros((len(_CHANNELS), nd), dtype=np.int64)
    np.add.at(signups, (cu.channel, cu.signup_day), 1)
    # split each day's conversions of a channel over its campaigns
    conv = np.zeros((nd, nr), dtype=np.int64)
    for c in paid:
        ci = _CHANNELS.index(c)
        cols = np.flatnonzero(row_chan == ci)
        share = row_share[cols] / row_share[cols].sum()
        conv[:, cols] = rng.multinomial(signups[ci], share)
    # spend: the month's CAC x signups, spread over days and campaigns, exact to the cent
    month = (cal.days.year * 12 + cal.days.month).to_numpy()
    month_idx = np.unique(month, return_inverse=True)[1]
    n_month = month_idx.max() + 1
    chan_group = (month_idx[:, None] * len(_CHANNELS) + row_chan[None, :]).ravel()
    acquired = np.zeros(n_month * len(_CHANNELS), dtype=np.int64)
    np.add.at(acquired, (month_idx[:, None] * len(_CHANNELS) + np.arange(len(_CHANNELS))).ravel(),
              signups.T.ravel())
    cac_cents = np.asarray([round(_CAC.get(c, 0.0) * 100) for c in _CHANNELS], dtype=np.int64)
    total = acquired * np.tile(cac_cents, n_month)
    w = (conv.ravel() + 0.3) * np.exp(0.3 * rng.standard_normal(nd * nr))
    wsum = np.bincount(chan_group, weights=w, minlength=total.size)
    raw = total[chan_group] * w / wsum[chan_group]
    cents = np.floor(raw).astype(np.int64)
    left = total - np.bincount(chan_group, weights=cents, minlength=total.size).astype(np.int64)
    frac_order = np.lexsort((-(raw - cents), chan_group))
    rank = _rank_in_group(chan_group[frac_order])
    bump = np.zeros(cents.size, dtype=np.int64)
    bump[frac_order] = rank < left[chan_group[frac_order]]
    cents = cents + bump
    # leads: conversions plus non-converting leads, in proportion to the campaign's monthly level
    rate = np.asarray([_LEAD_CONVERSION[rows[j][0]] for j in range(nr)])
    cm = (month_idx[:, None] * nr + np.arange(nr)[None, :]).ravel()
    level = (np.bincount(cm, weights=conv.ravel()) / np.bincount(cm))[cm].reshape(nd, nr)
    extra = rng.poisson((0.5 * conv + 0.5 * level) * (1 / rate - 1)[None, :])
    return pd.DataFrame({
        "date": cal.to_datetime(np.repeat(np.arange(nd), nr) * _DAY),
        "channel": _labels(np.tile(row_chan, nd), _CHANNELS),
        "campaign": _labels(np.tile(np.arange(nr), nd), [r[1] for r in rows]),
        "spend": cents / 100.0,
        "leads": (conv + extra).ravel().astype(float),
        "conversions": conv.ravel().astype(float),
    })


# --------------------------------------------------------------------------- unprofitable customers
def _discount_hunters(rng: np.random.Generator, cu: _Customers) -> np.ndarray:
    """Flag the planted discount hunters (buyers only; see the module docstring)."""
    p = np.asarray([_DISCOUNT_HUNTERS["probability"][c] for c in _CHANNELS])[cu.channel]
    return (rng.random(cu.n) < p) & (cu.ctype > 0)


def _plant_discount_hunters(rng: np.random.Generator, cu: _Customers, od: _Orders,
                            hunter: np.ndarray) -> np.ndarray:
    """The orders' discounts, with the hunters' orders at 46-60% of revenue.

    The stream first repeats the draws of :func:`_discount_hunters`, so the share drawn
    per order does not depend on which customers are hunters.
    """
    rng.random(cu.n)
    share = rng.uniform(*_DISCOUNT_HUNTERS["discount_share"], size=len(od.revenue))
    return np.where(hunter[od.cust], _round2(od.revenue * share), od.discount)


# --------------------------------------------------------------------------- opportunities
def _opportunity_tables(rng: np.random.Generator, cal: _Calendar, cu: _Customers,
                        customer_ids: pd.Series, bottleneck_rng: np.random.Generator,
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    accounts = np.flatnonzero(cu.business)
    n = int(round(_OPPORTUNITIES["per_customer"] * cu.n)) if accounts.size else 0
    acct = accounts[rng.integers(0, accounts.size, n)] if n else np.zeros(0, np.int64)
    lo = cu.signup_day[acct] * _DAY
    created = lo + np.floor(rng.random(n) * (cal.end_s - _DAY - lo)).astype(np.int64)
    reps = list(_REPS)
    owner = rng.integers(0, len(reps), n)
    won = rng.random(n) < np.asarray(list(_REPS.values()))[owner]
    reached = np.where(won, 4, 1 + _pick(rng, _OPPORTUNITIES["lost_after_stage_p"], n))
    reached = _plant_stage_bottleneck(bottleneck_rng, owner, won, reached)
    cyc = _OPPORTUNITIES["cycle_days"]
    cycle = (cyc["offset"] + rng.gamma(cyc["shape"], cyc["scale"], n)) * _DAY
    amt = _OPPORTUNITIES["amount"]
    amount = _round2(amt["median"] * np.exp(amt["sigma"] * rng.standard_normal(n)))
    # stage history: lead at creation, intermediate stages at sorted uniform times, closed at the end
    inter = np.sort(rng.random((n, 3)), axis=1)
    n_stage = reached + 1
    opp = np.repeat(np.arange(n), n_stage)
    pos = _rank_in_group(opp)
    is_closed = pos == n_stage[opp] - 1
    frac = np.where(pos == 0, 0.0, np.where(is_closed, 1.0, inter[opp, np.clip(pos - 1, 0, 2)]))
    # + pos keeps entry times strictly increasing even when two stages fall in the same second
    entered = created[opp] + np.floor(frac * cycle[opp]).astype(np.int64) + pos
    stage = np.where(is_closed, 4, pos)
    seen = entered < cal.end_s
    opp, stage, entered, is_closed = opp[seen], stage[seen], entered[seen], is_closed[seen]
    last = np.r_[opp[1:] != opp[:-1], True] if opp.size else np.zeros(0, bool)
    furthest = np.zeros(n, np.int64)
    furthest[opp[last]] = stage[last]
    closed = np.zeros(n, bool)
    closed[opp[is_closed]] = True
    closed_at = np.zeros(n, np.int64)
    closed_at[opp[is_closed]] = entered[is_closed]
    outcome = np.where(closed, np.where(won, 0, 1), 2)
    order = np.lexsort((np.arange(n), created))
    rank = np.empty(n, np.int64)
    rank[order] = np.arange(n)
    ids = _ids("OPP", np.arange(1, n + 1), _width(n, 5))
    opportunities = pd.DataFrame({
        "opportunity_id": ids,
        "customer_id": customer_ids.take(acct[order]).reset_index(drop=True),
        "owner": _labels(owner[order], reps),
        "created_at": cal.to_datetime(created[order]),
        "stage": _labels(furthest[order], _STAGES),
        "amount": amount[order],
        "closed_at": cal.to_datetime(closed_at[order], missing=~closed[order]),
        "outcome": _labels(outcome[order], ("won", "lost", "open")),
    })
    h = np.lexsort((entered, rank[opp]))
    stages = pd.DataFrame({
        "opportunity_id": ids.take(rank[opp][h]).reset_index(drop=True),
        "stage": _labels(stage[h], _STAGES),
        "entered_at": cal.to_datetime(entered[h]),
    })
    return opportunities, stages


def _plant_stage_bottleneck(rng: np.random.Generator, owner: np.ndarray, won: np.ndarray,
                            reached: np.ndarray) -> np.ndarray:
    """Move the losses beyond the best rep's loss rate to the proposal stage.

    A lost deal of a rep with win rate ``w`` is one of the losses the best rep would
    also have (probability ``(1 - w_best) / (1 - w)``: it keeps the stage drawn from
    ``lost_after_stage_p``) or an extra loss, lost after the proposal. ``reached`` is the
    number of stages entered before ``closed`` (1: lost after the lead).
    """
    rates = np.asarray(list(_REPS.values()))
    w = rates[owner]
    extra = ~won & (rng.random(owner.size) < (rates.max() - w) / (1 - w))
    return np.where(extra, _STAGES.index(_STAGE_BOTTLENECK["stage"]) + 1, reached)


def _stage_bottleneck_truth() -> dict[str, Any]:
    w_best = max(_REPS.values())
    lost_p = np.asarray(_OPPORTUNITIES["lost_after_stage_p"], dtype=float)
    lost_p = lost_p / lost_p.sum()
    ordinary = 1 - w_best
    reach_proposal = 1 - ordinary * (lost_p[0] + lost_p[1])
    return {
        **_STAGE_BOTTLENECK, "kind": "conversion", "benchmark": max(_REPS, key=_REPS.get),
        "proposal_conversion": {r: float((w + ordinary * lost_p[3]) / reach_proposal) for r, w in _REPS.items()},
        "lead_conversion": float(1 - ordinary * lost_p[0]),
        "qualified_conversion": float(1 - ordinary * lost_p[1] / (1 - ordinary * lost_p[0])),
        "note": "a rep's losses beyond the best rep's loss rate all happen after the proposal; "
                "the other stages convert alike for every rep",
    }


def _targets_table(rng: np.random.Generator, cal: _Calendar, opportunities: pd.DataFrame) -> pd.DataFrame:
    """Quarterly sales targets per rep (see the module docstring, "Sales targets")."""
    first = pd.Period(cal.start, freq="Q")
    last = pd.Period(cal.end - pd.Timedelta(days=1), freq="Q")
    quarters = pd.period_range(first, last + 1, freq="Q")
    created = opportunities["created_at"].dt.to_period("Q").value_counts()
    deals = created.reindex(quarters).fillna(0.0).to_numpy(dtype=float, copy=True)
    deals[-1] = deals[-2] if len(deals) > 1 else deals[-1]  # the quarter after the window
    amt = _OPPORTUNITIES["amount"]
    mean_amount = amt["median"] * np.exp(amt["sigma"] ** 2 / 2)
    reps = list(_REPS)
    base = _TARGETS["stretch"] * deals / len(reps) * float(np.mean(list(_REPS.values()))) * mean_amount
    lo, hi = _TARGETS["noise"]
    raw = np.repeat(base, len(reps)) * rng.uniform(lo, hi, base.size * len(reps))
    step = _TARGETS["rounding"]
    return pd.DataFrame({
        "period": pd.Series(np.repeat([f"{q.year}-Q{q.quarter}" for q in quarters], len(reps)), dtype="str"),
        "owner": pd.Series(np.tile(reps, len(quarters)), dtype="str"),
        "channel": pd.Series([None] * base.size * len(reps), dtype="str"),
        "target_amount": np.maximum(np.round(raw / step), 1.0) * step,
    })


# --------------------------------------------------------------------------- defects
def _plant_order_defects(rng, cal, orders, completed, median_value, n_customer_digits):
    counts = DEFECT_COUNTS
    n_copy, n_key = counts["orders.exact_duplicates"], counts["orders.duplicate_key"]
    src = rng.choice(completed, size=n_copy + n_key, replace=False)
    dup = orders.iloc[src[:n_copy]]
    key = orders.iloc[src[n_copy:]].copy()
    key["revenue"] = _round2(key["revenue"].to_numpy() * rng.uniform(0.5, 0.9, n_key))

    def new_rows(n, rule):
        cust = orders["customer_id"].take(rng.choice(completed, size=n)).to_numpy()
        ts = np.floor(rng.random(n) * cal.end_s).astype(np.int64)
        revenue = _round2(rng.uniform(50, 500, n))
        if rule == "negative":
            revenue = -revenue
        elif rule == "future":
            ts = cal.end_s + (rng.uniform(1, 4 * 365, n) * _DAY).astype(np.int64)
        elif rule == "outlier":
            revenue = _round2(median_value * rng.uniform(200, 1000, n))
        elif rule == "unknown":
            cust = "C9" + pd.Series(rng.choice(10**n_customer_digits, n, replace=False)).astype(
                "str").str.zfill(n_customer_digits).to_numpy()
        neg = rule == "negative"
        return pd.DataFrame({
            "order_id": "",
            "customer_id": pd.Series(cust, dtype="str"),
            "order_date": cal.to_datetime(ts),
            "revenue": revenue,
            "cost": 0.0 if neg else _round2(np.abs(revenue) * 0.6),
            "discount": 0.0,
            "shipping_cost": 0.0 if neg else 8.0,
            "status": "completed",
            "sales_channel": _labels(_pick(rng, _SALES_CHANNEL_P, n), _SALES_CHANNELS),
            "quantity": 1.0,
        })

    parts = {
        "orders.exact_duplicates": dup,
        "orders.duplicate_key": key,
        "orders.negative_amount_as_return": new_rows(counts["orders.negative_amount_as_return"], "negative"),
        "orders.future_date": new_rows(counts["orders.future_date"], "future"),
        "orders.outlier": new_rows(counts["orders.outlier"], "outlier"),
        "orders.unknown_customer": new_rows(counts["orders.unknown_customer"], "unknown"),
    }
    rule_of = np.concatenate([np.full(len(df), r, dtype=object) for r, df in parts.items()])
    extra = pd.concat([df.astype(orders.dtypes.to_dict()) for df in parts.values()], ignore_index=True)
    new_id = extra["order_id"].to_numpy() == ""
    width = len(orders["order_id"].iloc[0]) - 1
    extra.loc[new_id, "order_id"] = _ids("O", len(orders) + 1 + np.arange(new_id.sum()), width).to_numpy()
    shuffle = rng.permutation(len(extra))
    extra, rule_of = extra.iloc[shuffle].reset_index(drop=True), rule_of[shuffle]
    out = pd.concat([orders, extra], ignore_index=True)
    rows = {r: (len(orders) + np.flatnonzero(rule_of == r)).tolist() for r in parts}
    return out, rows


_PHONE_FORMATS = (
    lambda s: "+86 " + s.str.slice(0, 3) + " " + s.str.slice(3, 7) + " " + s.str.slice(7, 11),
    lambda s: s.str.slice(0, 3) + "-" + s.str.slice(3, 7) + "-" + s.str.slice(7, 11),
    lambda s: "0086 " + s,
    lambda s: "(+86)" + s,
)


def _plant_customer_defects(rng, customers):
    c = DEFECT_COUNTS
    rules = ["customers.email_normalised", "customers.email_invalid", "customers.phone_normalised",
             "customers.text_normalised", "customers.missing_filled", "customers.exact_duplicates"]
    picks = rng.permutation(len(customers))
    rows, at = {}, 0
    for r in rules:
        rows[r] = np.sort(picks[at:at + c[r]])
        at += c[r]
    out = customers.copy()

    i = rows["customers.email_normalised"]
    email = out["email"].iloc[i]
    kind = rng.integers(0, 4, i.size)
    local = email.str.split("@").str[0]
    domain = email.str.split("@").str[1]
    title = local.str.title() + "@" + domain.str.title()
    upper = email.str.upper()
    new = np.where(kind == 0, title, np.where(kind == 1, " " + email + " ",
                   np.where(kind == 2, " " + title, upper + "  ")))
    out.loc[out.index[i], "email"] = new

    i = rows["customers.email_invalid"]
    email = out["email"].iloc[i]
    kind = rng.integers(0, 2, i.size)
    out.loc[out.index[i], "email"] = np.where(kind == 0, email.str.replace("@", ".", regex=False),
                                              email.str.replace(r"\.([a-z]+)$", r"\1", regex=True))

    i = rows["customers.phone_normalised"]
    phone = out["phone"].iloc[i].reset_index(drop=True)
    kind = rng.integers(0, len(_PHONE_FORMATS), i.size)
    new = phone.copy()
    for k, fmt in enumerate(_PHONE_FORMATS):
        new[kind == k] = fmt(phone[kind == k])
    out.loc[out.index[i], "phone"] = new.to_numpy()

    i = rows["customers.text_normalised"]
    ch = out["acquisition_channel"].iloc[i]
    kind = rng.integers(0, 4, i.size)
    new = np.where(kind == 0, ch.str.capitalize() + " ", np.where(kind == 1, " " + ch.str.upper(),
                   np.where(kind == 2, ch.str.capitalize(), " " + ch + " ")))
    out.loc[out.index[i], "acquisition_channel"] = new

    out.loc[out.index[rows["customers.missing_filled"]], "region"] = np.nan

    src = rows.pop("customers.exact_duplicates")
    copies = customers.iloc[rng.permutation(src)]
    rows["customers.exact_duplicates"] = len(customers) + np.arange(src.size)
    out = pd.concat([out, copies], ignore_index=True)
    return out, {r: np.asarray(v).tolist() for r, v in rows.items()}


# --------------------------------------------------------------------------- entry point
def make_demo(
    *,
    seed: int = 42,
    n_customers: int = 5000,
    start: str | pd.Timestamp = "2024-01-01",
    end: str | pd.Timestamp = "2025-12-31",
    defects: bool = True,
    include: tuple[str, ...] | list[str] | None = None,
) -> Dataset:
    """Generate the synthetic demo CRM with planted truth (see the module docstring).

    Parameters
    ----------
    seed : int, default 42
        Seed of every random stream; the same seed gives identical tables.
    n_customers : int, default 5000
        Customers (about 9-10 completed orders each over two years).
    start, end : str or Timestamp, default "2024-01-01", "2025-12-31"
        Window ``[start, end)``; ``as_of`` is ``end``.
    defects : bool, default True
        Plant the data-quality defects of :data:`DEFECT_COUNTS`.
    include : sequence of str, optional
        Tables to build (default all). Leaving tables out saves time for large
        sizes; the tables built are the same as with ``include=None``.

    Returns
    -------
    Dataset
        ``name="demo"``, currency ``"¥"``, ``as_of=Timestamp(end)``; ``truth`` holds
        the planted parameters (``bgnbd``, ``gamma_gamma``, ``seasonality``, ``cac``,
        ``funnel``, ``win_rates``, ``product_pairs``, ``churn_drivers``, ``defects``,
        ...) and ``truth["customers"]``, one row per customer with its latent values.

    Examples
    --------
    >>> ds = make_demo(n_customers=1000, include=("customers", "orders"))
    >>> sorted(ds.tables)
    ['customers', 'orders']
    """
    tables_wanted = tuple(TABLES) if include is None else tuple(include)
    unknown = sorted(set(tables_wanted) - set(TABLES))
    if unknown:
        raise ValueError(f"include: unknown tables {unknown}; canonical tables are {list(TABLES)}")
    if int(n_customers) < 1:
        raise ValueError(f"n_customers must be positive, got {n_customers}")
    if defects and n_customers < 500:
        raise ValueError("defects=True needs n_customers >= 500 (the defects come in fixed "
                         "counts); pass defects=False for a smaller dataset")
    seed = int(seed)
    start_ts, end_ts = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end_ts - start_ts < pd.Timedelta(days=60):
        raise ValueError(f"the window {start_ts.date()}..{end_ts.date()} must span at least 60 days")
    want = set(tables_wanted)

    cal = _make_calendar(start_ts, end_ts)
    cu = _make_customers(_rng(seed, "customers"), cal, int(n_customers))
    hunter = _discount_hunters(_rng(seed, "profitability"), cu)
    cust_width = _width(cu.n, 6)
    customer_ids = _ids("C", np.arange(1, cu.n + 1), cust_width)
    pu = _simulate_purchases(_rng(seed, "purchases"), cal, cu)
    products = _product_table(seed)
    product_ids = products["product_id"]

    tables: dict[str, pd.DataFrame] = {}
    pii_table = None
    if want & {"customers", "surveys"}:  # surveys: a few comments carry the customer's name
        pii_table = _customer_table(_rng(seed, "pii"), cal, cu, customer_ids)
    if "customers" in want:
        tables["customers"] = pii_table.copy()
    od = None
    need_orders = want & {"orders", "order_items", "events"}
    if need_orders:
        od = _make_orders(seed, cal, cu, pu, products)
        od.discount = _plant_discount_hunters(_rng(seed, "profitability"), cu, od, hunter)
        order_ids = _ids("O", np.arange(1, len(od.ts) + 1), _width(len(od.ts), 7))
        if "orders" in want:
            tables["orders"] = _orders_table(cal, od, order_ids, customer_ids)
        if "order_items" in want:
            tables["order_items"] = pd.DataFrame({
                "order_id": order_ids.take(od.line_order).reset_index(drop=True),
                "product_id": product_ids.take(od.line_product).reset_index(drop=True),
                "quantity": od.line_qty,
                "unit_price": od.line_price,
            })
    if "products" in want:
        tables["products"] = products
    if "events" in want:
        tables["events"] = _events_table(_rng(seed, "events"), cal, cu, pu, od, customer_ids,
                                         product_ids)
    t_cust, t_created, t_resolved, t_cat, t_cmp, churn_complaint = _tickets(
        _rng(seed, "tickets"), cal, cu, pu)
    s_cust, s_ts, nps, csat, comment, low_satisfaction = _surveys(
        _rng(seed, "surveys"), cal, cu, pu)
    names = pii_table["name"] if pii_table is not None else pd.Series([], dtype="str")
    phones = pii_table["phone"] if pii_table is not None else pd.Series([], dtype="str")
    (nps, csat, comment), t_first, service = _service_links(
        _rng(seed, "service"), cal, (t_cust, t_created, t_resolved, t_cmp),
        (s_cust, s_ts, nps, csat, comment), names, phones)
    if "tickets" in want:
        tables["tickets"] = _tickets_table(cal, t_cust, t_created, t_resolved, t_cat, t_cmp,
                                           customer_ids)
        first_seen = t_first < cal.end_s
        tables["tickets"].insert(3, "first_response_at", cal.to_datetime(t_first, missing=~first_seen))
    referrer = _referrals(_rng(seed, "referrals"), cal, cu, pu, s_cust, s_ts, nps)
    if "referrals" in want:
        who = np.flatnonzero(referrer >= 0)
        tables["referrals"] = pd.DataFrame({
            "customer_id": customer_ids.take(who).reset_index(drop=True),
            "referrer_id": customer_ids.take(referrer[who]).reset_index(drop=True),
            "referred_at": cal.to_datetime(cu.signup_day[who].astype(np.int64) * _DAY),
        })
    if "surveys" in want:
        tables["surveys"] = pd.DataFrame({
            "customer_id": customer_ids.take(s_cust).reset_index(drop=True),
            "survey_date": cal.to_datetime(s_ts),
            "nps_score": pd.array(nps, dtype="Int64"),
            "csat_score": pd.array(csat, dtype="Int64"),
            "comment": pd.Series(comment, dtype="str"),
        })
    if "marketing_spend" in want:
        tables["marketing_spend"] = _spend_table(_rng(seed, "spend"), cal, cu)
    if want & {"opportunities", "opportunity_stages", "targets"}:
        opps, stages = _opportunity_tables(_rng(seed, "opportunities"), cal, cu, customer_ids,
                                           _rng(seed, "stage_bottleneck"))
        if "opportunities" in want:
            tables["opportunities"] = opps
        if "opportunity_stages" in want:
            tables["opportunity_stages"] = stages
        if "targets" in want:
            tables["targets"] = _targets_table(_rng(seed, "targets"), cal, opps)

    defect_counts = dict.fromkeys(DEFECT_COUNTS, 0)
    defect_rows: dict[str, list[int]] = {k: [] for k in DEFECT_COUNTS}
    if defects:
        if "orders" in tables:
            completed = np.flatnonzero(od.status == 0)
            tables["orders"], rows = _plant_order_defects(
                _rng(seed, "order_defects"), cal, tables["orders"], completed, float(np.median(od.revenue[completed])),
                cust_width)
            defect_rows.update(rows)
        if "customers" in tables:
            tables["customers"], rows = _plant_customer_defects(
                _rng(seed, "customer_defects"), tables["customers"])
            defect_rows.update(rows)
        if "surveys" in tables:
            rng = _rng(seed, "survey_defects")
            sv = tables["surveys"].copy()
            i = np.sort(rng.choice(len(sv), DEFECT_COUNTS["surveys.invalid_score"], replace=False))
            half = i.size // 2
            sv.loc[i[:half], "nps_score"] = rng.choice([11, -1, 12], half)
            sv.loc[i[half:], "csat_score"] = rng.choice([0, 6], i.size - half)
            tables["surveys"] = sv
            defect_rows["surveys.invalid_score"] = i.tolist()
        if "tickets" in tables:
            rng = _rng(seed, "ticket_defects")
            tk = tables["tickets"].copy()
            ok = np.flatnonzero(tk["resolved_at"].notna().to_numpy())
            i = np.sort(rng.choice(ok, DEFECT_COUNTS["tickets.resolved_before_created"], replace=False))
            hours = rng.uniform(1, 48, i.size)
            tk.loc[i, "resolved_at"] = (tk["created_at"].iloc[i]
                                        - pd.to_timedelta(np.round(hours * 3600), unit="s")).to_numpy()
            tables["tickets"] = tk
            defect_rows["tickets.resolved_before_created"] = i.tolist()
        defect_counts = {k: len(v) for k, v in defect_rows.items()}

    truth = _truth(cal, cu, pu, od, customer_ids, products, churn_complaint, low_satisfaction,
                   defect_counts, defect_rows)
    truth["service"] = {
        **{k: (dict(v) if isinstance(v, dict) else v) for k, v in _SERVICE.items()},
        "slow_answers": int(service["slow"].sum()),
        "slow_answer_rows": np.flatnonzero(service["slow"]).tolist(),
        "nps_drop_realised": float(np.mean(service["nps_before"] - nps[service["slow"]]))
        if service["slow"].any() else float("nan"),
        "comments_with_pii_rows": np.sort(service["pii_rows"]).tolist(),
        "note": "an answer is lowered when a ticket of the same customer, opened in the "
                "window_days before it and resolved by then, took more than slow_ticket_days "
                "to resolve",
    }
    truth["referrals"] = {
        "weights": dict(_REFERRAL_WEIGHT),
        "rate_ratio": {"promoter_vs_passive": _REFERRAL_WEIGHT["promoter"] / _REFERRAL_WEIGHT["passive"],
                       "promoter_vs_detractor": _REFERRAL_WEIGHT["promoter"] / _REFERRAL_WEIGHT["detractor"]},
        "referred": int((cu.channel == _CHANNELS.index("referral")).sum()),
        "with_referrer": int((referrer >= 0).sum()),
        "note": "each customer acquired by referral names a referrer who bought before the "
                "signup, drawn with these weights by the referrer's NPS group at their first "
                "survey answer (no_answer before it): referrals per customer-year after the "
                "first answer are in the ratio of the weights",
    }
    truth["stage_bottleneck"] = _stage_bottleneck_truth()
    truth["customers"]["discount_hunter"] = hunter
    truth["profitability"] = {
        "discount_hunters": int(hunter.sum()),
        "hunter_share_of_buyers": float(hunter.sum() / max(int((cu.ctype > 0).sum()), 1)),
        "probability": dict(_DISCOUNT_HUNTERS["probability"]),
        "discount_share": _DISCOUNT_HUNTERS["discount_share"],
        "cost_share": _COST_SHARE,
        "note": "every order of a discount hunter has a discount of 46-60% of revenue and a cost of at "
                "least 55% of it, so each of their purchases loses money when discounts count as a cost",
    }
    truth["targets"] = {**_TARGETS, "per": "rep and quarter", "mean_win_rate": float(np.mean(list(_REPS.values()))),
                        "mean_amount": _OPPORTUNITIES["amount"]["median"]
                        * float(np.exp(_OPPORTUNITIES["amount"]["sigma"] ** 2 / 2)),
                        "note": "stretch x deals created in the quarter / reps x mean win rate x mean "
                                "amount x uniform noise, rounded"}
    tables = {name: tables[name] for name in TABLES if name in tables}
    return Dataset(
        name="demo", tables=tables, currency="¥", as_of=end_ts, truth=truth,
        meta={"source": "crmkit.data.synthetic.make_demo", "seed": seed, "n_customers": int(n_customers),
              "start": str(start_ts.date()), "end": str(end_ts.date()), "defects": bool(defects),
              "include": list(tables_wanted), "window": "[start, end)"},
    )


def _truth(cal, cu, pu, od, customer_ids, products, churn_complaint, low_satisfaction,
           defect_counts, defect_rows) -> dict[str, Any]:
    names = np.asarray(_TYPE_NAMES)[cu.ctype]
    bought = pu.n_purchases > 0
    first = cal.to_datetime(np.where(bought, pu.first_s, 0), missing=~bought)
    dropout = cal.to_datetime(np.where(pu.dropped, pu.last_s, 0), missing=~pu.dropped)
    shape = _type_param(cu.ctype, _GAMMA_GAMMA, "p")
    customers = pd.DataFrame({
        "customer_id": customer_ids,
        "customer_type": pd.Series(names, dtype="str"),
        "lambda_": pu.lam,
        "p_dropout": pu.p,
        "nu": pu.nu,
        "expected_order_value": shape / pu.nu,
        "dropped_out": pu.dropped.astype(bool),
        "dropout_date": dropout,
        "n_purchases": pu.n_purchases,
        "acquisition_channel": _labels(cu.channel, _CHANNELS),
        "signup_date": cal.to_datetime(cu.signup_day * _DAY),
        "first_purchase": first,
        "observation_days": np.where(bought, (cal.end_s - pu.first_s) / _DAY, np.nan),
        "operational_days": pu.t_op,
        "crm_segment": _labels(cu.business.astype(int), ("consumer", "business")),
        "favourite_category": _labels(cu.favourite, _CATEGORIES),
        "churn_complaint": churn_complaint,
        "low_satisfaction_survey": low_satisfaction,
    })
    pid = dict(zip(products["product_name"], products["product_id"], strict=True))
    list_price = [p for items in _CATALOGUE.values() for _, p in items]
    seasonality = {
        "weekday": dict(zip(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), _WEEKDAY, strict=True)),
        "yearly": dict(_YEARLY),
        "festivals": {name: {"from": f"{m0:02d}-{d0:02d}", "to": f"{m1:02d}-{d1:02d}", "factor": f}
                      for name, (m0, d0), (m1, d1), f in _FESTIVALS},
        "black_friday": _BLACK_FRIDAY,
        "chinese_new_year": dict(_CNY),
        "hourly": dict(enumerate(np.round(cal.hourly, 4).tolist())),
        "daily": pd.Series(cal.intensity, index=cal.days, name="intensity"),
        "note": "daily intensity = weekday x yearly x festival factors, normalised to mean 1; "
                "repeat purchases run in operational time, whose clock runs at this intensity",
    }
    return {
        "time_unit": "D",
        "window": {"start": cal.start, "end": cal.end, "as_of": cal.end, "n_days": cal.n_days,
                   "note": "all clean timestamps are in [start, end)"},
        "prospect_share": _PROSPECT_SHARE,
        "type_shares": dict(_TYPE_SHARES),
        "bgnbd": {t: dict(v) for t, v in _BGNBD.items()},
        "gamma_gamma": {t: dict(v) for t, v in _GAMMA_GAMMA.items()},
        "gamma_gamma_clip": dict(od.clip) if od is not None else None,
        "first_order_delay": dict(enumerate(_FIRST_ORDER_DELAY)),
        "extra_order_status": dict(_EXTRA_STATUS),
        "seasonality": seasonality,
        "channel_mix": {t: dict(zip(_CHANNELS, v, strict=True)) for t, v in _CHANNEL_MIX.items()},
        "cac": dict(_CAC),
        "cac_definition": "spend / customers (rows of customers, prospects included) by "
                          "acquisition_channel and month of signup_date",
        "lead_conversion": dict(_LEAD_CONVERSION),
        "campaigns": {c: dict(v) for c, v in _CAMPAIGNS.items()},
        "business_share": dict(_BUSINESS_SHARE),
        "sales_channels": dict(zip(_SALES_CHANNELS, _SALES_CHANNEL_P, strict=True)),
        "category_preference": {t: dict(zip(_CATEGORIES, v, strict=True))
                                for t, v in _CATEGORY_PREFERENCE.items()},
        "product_pairs": [(pid[a], pid[b]) for a, b in _PAIRS],
        "product_pair_names": list(_PAIRS),
        "pair_probability": _PAIR_PROBABILITY,
        "list_prices": pd.Series(list_price, index=products["product_id"].to_numpy(), name="list_price"),
        "funnel": {c: dict(zip(("view_to_click", "click_to_add_to_cart", "add_to_cart_to_purchase"),
                               v, strict=True)) for c, v in _FUNNEL.items()},
        "purchase_traffic": dict(zip(_FUNNEL, _PURCHASE_TRAFFIC, strict=True)),
        "churn_drivers": {
            "complaints": {
                "probability_after_dropout": _TICKETS["dropout_complaint_probability"],
                "days_after_last_purchase": _TICKETS["dropout_complaint_days"],
                "base_complaints_per_year": _TICKETS["complaint_per_year"],
            },
            "low_satisfaction": {
                "survey_probability": _SURVEYS["probability"],
                "nps_mean": dict(_SURVEYS["nps_mean"]),
                "csat_mean": dict(_SURVEYS["csat_mean"]),
                "note": "the answer after the purchase at which the customer drops out is low",
            },
        },
        "tickets": {k: v for k, v in _TICKETS.items()},
        "surveys": {k: v for k, v in _SURVEYS.items()},
        "win_rates": dict(_REPS),
        "opportunities": {k: v for k, v in _OPPORTUNITIES.items()},
        "customers": customers,
        "defects": defect_counts,
        "defect_rows": defect_rows,
    }
