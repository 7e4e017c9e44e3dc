"""The analyses, one subpackage per area (and per notebook).

======================  =========================================  ========
package                 question                                   notebook
======================  =========================================  ========
:mod:`.quality`         can we trust the export?                   00
:mod:`.kpi`             how did the period go?                     01
:mod:`.behaviour`       how, when and what do customers buy?       02
:mod:`.segmentation`    which customer groups, worth what?         03
:mod:`.lifecycle`       where is each customer in the lifecycle?   04
:mod:`.clv`             what is each customer worth?               05
:mod:`.churn`           who is about to leave, and why?            06
:mod:`.satisfaction`    how satisfied are customers, and why?      07
:mod:`.basket`          what is bought together; what to offer?    08
:mod:`.forecast`        revenue, orders and customers ahead        09
:mod:`.funnel`          where do deals drop out; the pipeline      10
:mod:`.channels`        which channels bring value, at what cost?  11
:mod:`.profitability`   which customers make money?                12
:mod:`.sales_team`      how does each salesperson do?              13
======================  =========================================  ========

Each area package holds compute modules (pure functions on canonical frames, and
estimators) and a ``narrative`` module (findings in words and workshop checks against
planted truth). :mod:`.stats` holds statistics shared by several areas. Importing this
package imports no area; ``from crmkit.analysis import churn`` imports one.
"""
