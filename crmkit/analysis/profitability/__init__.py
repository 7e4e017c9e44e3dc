"""Customer profitability (notebook 12): profit per customer, the whale curve, loss reasons, profit CLV."""

from ...labels import register
from .concentration import add_groups, profit_by, profit_deciles, whale_curve, whale_summary
from .drivers import REASONS, cost_structure, loss_reasons
from .narrative import (
    GROUPS,
    planted_loss_check,
    profit_actions,
    profit_findings,
    sources_sentence,
    window_words,
)
from .profit import COMPONENTS, cost_sources, customer_profit, order_profit
from .value import clv_comparison, profit_clv

__all__ = [
    "COMPONENTS",
    "REASONS",
    "GROUPS",
    "order_profit",
    "customer_profit",
    "cost_sources",
    "profit_deciles",
    "whale_curve",
    "whale_summary",
    "add_groups",
    "profit_by",
    "cost_structure",
    "loss_reasons",
    "profit_clv",
    "clv_comparison",
    "window_words",
    "sources_sentence",
    "profit_findings",
    "profit_actions",
    "planted_loss_check",
]

register({
    "purchases": "purchases",
    "returned_orders": "returned orders",
    "product_cost": "product cost",
    "discounts": "discounts",
    "discount_given": "discount given",
    "shipping": "shipping",
    "returns": "returns",
    "service": "service",
    "profit": "profit",
    "margin": "profit margin",
    "decile": "profit decile (1 = most profitable)",
    "profit_per_customer": "profit per customer",
    "profit_share": "share of total profit",
    "loss_makers": "customers losing money",
    "loss_share": "share losing money",
    "revenue_per_customer": "revenue per customer",
    "profit_group": "customers who",
    "loss_reason": "main reason",
    "main_reason": "main reason for the loss",
    "share_of_losers": "share of those losing money",
    "losses": "their losses",
    "excess": "cost beyond an ordinary customer",
    "cost_share_losers": "cost / revenue, these customers",
    "cost_share_others": "cost / revenue, profitable customers",
    "profit_clv": "predicted profit (CLV in profit)",
    "expected_profit_per_purchase": "expected profit per purchase",
    "expected_purchases": "expected purchases",
    "expected_spend": "expected spend per purchase",
}, values={
    "product_cost": "product cost (low-margin products)",
    "service": "service tickets",
    "makes money": "make money",
    "loses money": "lose money",
    "all": "all customers",
})
