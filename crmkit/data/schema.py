"""The canonical CRM data model: one vocabulary used everywhere in crmkit.

Every table a user exports is mapped to these names once, at load time
(:func:`crmkit.data.io.load_dataset`). Analysis code then relies on the names and
dtypes below and never takes column arguments for them.

Dtypes are given as kinds:

``id``
    identifier, stored as string (integer IDs in a source are converted).
``datetime``
    ``datetime64[ns]``, timezone-naive.
``float``
    ``float64`` amount or measure.
``int``
    nullable ``Int64``.
``bool``
    ``bool`` (missing values read as ``False``).
``category``
    short text label, whitespace-stripped (string dtype).
``text``
    free text (string dtype).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ColumnSpec",
    "TableSpec",
    "TABLES",
    "PII_COLUMNS",
    "ORDER_STATUSES",
    "EVENT_TYPES",
    "table_spec",
]


@dataclass(frozen=True)
class ColumnSpec:
    """One canonical column.

    Parameters
    ----------
    name : str
        Canonical column name.
    kind : str
        One of ``id``, ``datetime``, ``float``, ``int``, ``bool``, ``category``, ``text``.
    required : bool
        Whether the table is unusable without this column.
    description : str
        Meaning, shown in the README and in error messages.
    pii : bool
        Personal data: never shown in a report unless a parameter asks for it.
    """

    name: str
    kind: str
    required: bool
    description: str
    pii: bool = False


@dataclass(frozen=True)
class TableSpec:
    """One canonical table: its columns, primary key and references."""

    name: str
    description: str
    columns: tuple[ColumnSpec, ...]
    primary_key: tuple[str, ...] = ()
    references: dict[str, str] = field(default_factory=dict)

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name, kind, required, description, pii=False):
    return ColumnSpec(name, kind, required, description, pii)


TABLES: dict[str, TableSpec] = {
    t.name: t
    for t in [
        TableSpec(
            "customers",
            "One row per customer.",
            (
                _c("customer_id", "id", True, "Customer identifier."),
                _c("signup_date", "datetime", False, "Date the customer registered."),
                _c("acquisition_channel", "category", False, "Channel that acquired the customer (matches marketing_spend.channel)."),
                _c("region", "category", False, "Region or province."),
                _c("city", "category", False, "City."),
                _c("gender", "category", False, "Gender as recorded."),
                _c("birth_year", "int", False, "Year of birth."),
                _c("crm_segment", "category", False, "Segment or industry as recorded in the CRM."),
                _c("name", "text", False, "Customer name.", pii=True),
                _c("email", "text", False, "E-mail address.", pii=True),
                _c("phone", "text", False, "Phone number.", pii=True),
            ),
            primary_key=("customer_id",),
        ),
        TableSpec(
            "orders",
            "One row per order. The only required table.",
            (
                _c("order_id", "id", True, "Order identifier."),
                _c("customer_id", "id", True, "Customer who placed the order."),
                _c("order_date", "datetime", True, "Date and time of the order."),
                _c("revenue", "float", True, "Amount paid, in the dataset's currency; negative for a return."),
                _c("cost", "float", False, "Cost of goods sold for the order."),
                _c("discount", "float", False, "Discount granted on the order."),
                _c("shipping_cost", "float", False, "Shipping cost borne by the company."),
                _c("status", "category", False, "completed, returned or cancelled (missing means completed)."),
                _c("sales_channel", "category", False, "Where the order was placed (web, app, store, ...)."),
                _c("quantity", "float", False, "Units in the order."),
            ),
            primary_key=("order_id",),
            references={"customer_id": "customers"},
        ),
        TableSpec(
            "order_items",
            "Order lines.",
            (
                _c("order_id", "id", True, "Order the line belongs to."),
                _c("product_id", "id", True, "Product bought."),
                _c("quantity", "float", True, "Units bought."),
                _c("unit_price", "float", True, "Price paid per unit."),
            ),
            references={"order_id": "orders", "product_id": "products"},
        ),
        TableSpec(
            "products",
            "Product catalogue.",
            (
                _c("product_id", "id", True, "Product identifier."),
                _c("product_name", "text", False, "Product name."),
                _c("category", "category", False, "Product category."),
                _c("unit_cost", "float", False, "Cost per unit."),
            ),
            primary_key=("product_id",),
        ),
        TableSpec(
            "events",
            "Web or app behaviour events.",
            (
                _c("customer_id", "id", True, "Customer (logged-in visitor)."),
                _c("timestamp", "datetime", True, "When the event happened."),
                _c("event_type", "category", True, "view, click, add_to_cart or purchase."),
                _c("product_id", "id", False, "Product concerned."),
                _c("session_id", "id", False, "Session identifier."),
                _c("channel", "category", False, "Traffic channel of the session."),
            ),
            references={"customer_id": "customers"},
        ),
        TableSpec(
            "tickets",
            "Service tickets and complaints.",
            (
                _c("ticket_id", "id", True, "Ticket identifier."),
                _c("customer_id", "id", True, "Customer who raised it."),
                _c("created_at", "datetime", True, "When it was opened."),
                _c("first_response_at", "datetime", False, "When the customer first got an answer (missing: not recorded)."),
                _c("resolved_at", "datetime", False, "When it was resolved (missing: open)."),
                _c("category", "category", False, "Topic (delivery, product, billing, ...)."),
                _c("is_complaint", "bool", False, "Whether the ticket is a complaint."),
            ),
            primary_key=("ticket_id",),
            references={"customer_id": "customers"},
        ),
        TableSpec(
            "surveys",
            "Survey answers (NPS, CSAT).",
            (
                _c("customer_id", "id", True, "Respondent."),
                _c("survey_date", "datetime", True, "Date of the answer."),
                _c("nps_score", "int", False, "Likelihood to recommend, 0-10."),
                _c("csat_score", "int", False, "Satisfaction, 1-5."),
                _c("comment", "text", False, "Free-text comment (Chinese or English)."),
            ),
            references={"customer_id": "customers"},
        ),
        TableSpec(
            "referrals",
            "Referral programme: who referred whom (one row per referred customer).",
            (
                _c("customer_id", "id", True, "Customer who joined through the referral."),
                _c("referrer_id", "id", True, "Existing customer who referred them."),
                _c("referred_at", "datetime", False, "When the referral was recorded (usually the sign-up)."),
            ),
            primary_key=("customer_id",),
            references={"customer_id": "customers", "referrer_id": "customers"},
        ),
        TableSpec(
            "marketing_spend",
            "Marketing spend per day, channel and campaign.",
            (
                _c("date", "datetime", True, "Day of the spend."),
                _c("channel", "category", True, "Marketing channel (matches customers.acquisition_channel)."),
                _c("campaign", "category", False, "Campaign name."),
                _c("spend", "float", True, "Amount spent."),
                _c("leads", "float", False, "Leads generated."),
                _c("conversions", "float", False, "Conversions attributed."),
            ),
        ),
        TableSpec(
            "opportunities",
            "B2B sales opportunities.",
            (
                _c("opportunity_id", "id", True, "Opportunity identifier."),
                _c("customer_id", "id", False, "Account."),
                _c("owner", "category", True, "Sales rep who owns it."),
                _c("created_at", "datetime", True, "When it was opened."),
                _c("stage", "category", False, "Furthest stage reached."),
                _c("amount", "float", False, "Deal value."),
                _c("closed_at", "datetime", False, "When it was closed (missing: open)."),
                _c("outcome", "category", False, "won, lost or open."),
            ),
            primary_key=("opportunity_id",),
        ),
        TableSpec(
            "opportunity_stages",
            "Stage history of opportunities.",
            (
                _c("opportunity_id", "id", True, "Opportunity."),
                _c("stage", "category", True, "Stage entered."),
                _c("entered_at", "datetime", True, "When the stage was entered."),
            ),
            references={"opportunity_id": "opportunities"},
        ),
        TableSpec(
            "targets",
            "Sales targets per period, for a salesperson and/or a channel.",
            (
                _c("period", "category", True, "Period the target covers: 2025-10 (month), 2025-Q4 (quarter) or 2025 (year)."),
                _c("owner", "category", False, "Salesperson the target is for (matches opportunities.owner); empty: not per person."),
                _c("channel", "category", False, "Channel the target is for (matches customers.acquisition_channel); empty: not per channel."),
                _c("target_amount", "float", True, "Won deal value to reach in the period, in the dataset's currency."),
            ),
        ),
    ]
}

PII_COLUMNS: dict[str, list[str]] = {
    name: [c.name for c in spec.columns if c.pii] for name, spec in TABLES.items()
}
"""Personal-data columns per table."""

ORDER_STATUSES = ("completed", "returned", "cancelled")
EVENT_TYPES = ("view", "click", "add_to_cart", "purchase")


def table_spec(name: str) -> TableSpec:
    """Return the :class:`TableSpec` of a canonical table, with a clear error."""
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(
            f"unknown table {name!r}; canonical tables are: {', '.join(TABLES)}"
        ) from None
