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
======================  =========================================  ========

Each area package holds compute modules (pure functions on canonical frames, and
estimators) and a ``narrative`` module (findings in words and workshop checks against
planted truth). :mod:`.stats` holds statistics shared by several areas. Importing this
package imports no area; ``from crmkit.analysis import churn`` imports one.
"""
