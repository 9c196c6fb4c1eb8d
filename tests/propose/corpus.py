"""A corpus of client exports built from the sample generator, each knowing its true mapping.

Every fixture is the sample (small: about 60 customers over 14 months) written the way one kind
of client keeps it: renamed sheets, columns and codes in English, German, Persian or Arabic,
title rows, yearly sheets, invoice lines with cancellations, decimal commas, `dd/mm/yyyy` and
`yyyymmdd` dates, currency signs in amounts, missing optional sheets, a CSV folder, an
orders-only export. `truth(spec)` gives every field `deckgen init` should propose, and
`score(spec, toml_text)` compares a proposal with it. Some names are deliberately not in
deckgen/propose/synonyms.toml (misspelt, or words the lists lack) to measure the fuzzy and
content matching rather than the lists. bench/bench_init.py and tests/propose/test_accuracy.py
use it.
"""

from __future__ import annotations

import csv
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from deckgen.data.mapping import canonical_code
from deckgen.data.sample import generate_sample
from deckgen.data.schema import SHEETS_BY_NAME
from tests.data.workbooks import write_book

_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
Field = tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    """One client export: how the sample is renamed and reshaped."""

    name: str
    sheets: dict[str, str]  # our sheet -> the client's sheet (file) name; only these are written
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> ours -> theirs
    values: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # code -> theirs
    drop: dict[str, tuple[str, ...]] = field(default_factory=dict)  # our columns left out
    dates: dict[str, str] = field(default_factory=dict)  # sheet -> strftime of its text dates
    lang: str = "en"
    form: str = "xlsx"  # or "csv": a folder of CSV files
    seed: int = 1
    currency: str = "USD"
    decimal_comma: tuple[str, ...] = ()  # sheets whose numbers are text like 1.234,50
    money: dict[str, str] = field(default_factory=dict)  # sheet -> amounts as text, "${}"
    titles: dict[str, tuple[str, ...]] = field(default_factory=dict)  # rows above the header
    native_digits: tuple[str, ...] = ()  # sheets whose text dates use Persian digits
    yearly: bool = False  # the orders as one sheet per year, "<name> 2025", "<name> 2026"
    lines: bool = False  # the orders as invoice lines (quantity x unit price, cancellations)
    total_row: bool = False  # a TOTAL row below the orders
    walkins: bool = False  # some orders name no customer
    everything: bool = False  # the customers' attributes on the orders, no customers sheet
    offset: str | None = None  # the orders' dates as ISO times with this UTC offset
    timezone: str | None = None  # the zone init should propose for `offset`
    digit_ids: bool = False  # ids as digits with leading zeros (00042), no letter prefix


# -- the corpus ----------------------------------------------------------------------------

_EN_CHANNELS = {
    "trade_show": "Trade fair",
    "email": "Newsletter",
    "seo": "Google",
    "social": "Insta",
    "blog": "Blog",
    "tv": "TV",
    "radio": "Radio",
    "print": "Magazine",
}
_DE_CHANNELS = {
    "trade_show": "Messe",
    "email": "Newsletter",
    "seo": "Suchmaschine",
    "social": "Soziale Medien",
    "blog": "Blog",
    "tv": "Fernsehen",
    "radio": "Radio",
    "print": "Zeitung",
}
_FA_CHANNELS = {
    "trade_show": "نمایشگاه",
    "email": "ایمیل",
    "seo": "گوگل",
    "social": "اینستاگرام",
    "blog": "وبلاگ",
    "tv": "تلویزیون",
    "radio": "رادیو",
    "print": "روزنامه",
}
_AR_CHANNELS = {
    "trade_show": "معرض",
    "email": "البريد الإلكتروني",
    "seo": "محركات البحث",
    "social": "وسائل التواصل الاجتماعي",
    "blog": "مدونة",
    "tv": "التلفزيون",
    "radio": "الراديو",
    "print": "الصحف",
}

CORPUS: tuple[Spec, ...] = (
    Spec(
        "en_crm_names",
        sheets={
            "customers": "Customer List",
            "orders": "Sales",
            "leads": "Marketing Leads",
            "channels": "Media Spend",
            "feedback": "Customer Voice",
            "surveys": "NPS Survey",
            "loyalty": "Rewards Club",
        },
        columns={
            "customers": {
                "customer_id": "Cust #",
                "signup_date": "Joined",
                "region": "State",
                "gender": "Sex",
                "income_band": "Income",
                "interests": "Hobbies",
                "acquisition_channel": "Source",
                "loyalty_member": "Club member",
                "loyalty_join_date": "Club since",
            },
            "orders": {
                "order_id": "Invoice No",
                "customer_id": "Cust #",
                "order_date": "Invoice Date",
                "amount": "Net Amount",
                "product_category": "Category",
            },
            "leads": {
                "lead_id": "Lead",
                "created_date": "Created",
                "channel": "Source",
                "status": "Stage",
                "name": "Contact",
                "converted_date": "Won on",
                "customer_id": "Cust #",
            },
            "channels": {
                "month": "Month",
                "channel": "Medium",
                "spend": "Cost",
                "reach": "Audience",
            },
            "feedback": {
                "feedback_id": "Ticket",
                "date": "Received",
                "kind": "Type",
                "topic": "Subject",
                "severity": "Priority",
                "status": "State",
                "customer_id": "Cust #",
                "resolved_date": "Closed",
                "text": "Message",
            },
            "surveys": {
                "response_id": "Response",
                "date": "Answered",
                "satisfaction": "CSAT",
                "recommend": "NPS",
                "customer_id": "Cust #",
            },
            "loyalty": {
                "customer_id": "Member",
                "event": "Activity",
                "tier": "Level",
                "offer": "Reward",
            },
        },
        values={
            "customers": {
                "gender": {"female": "F", "male": "M", "other": "X", "unknown": "?"},
                "acquisition_channel": _EN_CHANNELS,
            },
            "leads": {
                "channel": _EN_CHANNELS,
                "status": {"open": "Open", "converted": "Won", "lost": "Lost"},
            },
            "channels": {"channel": _EN_CHANNELS},
            "feedback": {"status": {"open": "New", "in_progress": "Working", "resolved": "Closed"}},
        },
        dates={"orders": "%d/%m/%Y"},
    ),
    Spec(
        "de_kunden",
        sheets={"customers": "Kunden", "orders": "Bestellungen", "leads": "Interessenten"},
        columns={
            "customers": {
                "customer_id": "Kunden-Nr",
                "signup_date": "Angelegt",
                "country": "Land",
                "region": "Bundesland",
                "city": "Stadt",
                "age": "Alter",
                "gender": "Geschlecht",
                "income_band": "Einkommen",
                "interests": "Interessen",
                "acquisition_channel": "Quelle",
                "loyalty_member": "Clubmitglied",
                "loyalty_join_date": "Mitglied seit",
            },
            "orders": {
                "order_id": "Beleg",
                "customer_id": "Kunden-Nr",
                "order_date": "Datum",
                "amount": "Betrag",
                "product_category": "Warengruppe",
            },
            "leads": {
                "lead_id": "Interessent",
                "created_date": "Erfasst am",
                "channel": "Kanal",
                "status": "Stufe",
                "name": "Ansprechpartner",
                "converted_date": "Gewonnen am",
            },
        },
        values={
            "customers": {
                "gender": {"female": "W", "male": "M", "other": "D", "unknown": "unbekannt"},
                "acquisition_channel": _DE_CHANNELS,
                "loyalty_member": {"true": "ja", "false": "nein"},
            },
            "leads": {
                "channel": _DE_CHANNELS,
                "status": {"open": "offen", "converted": "gewonnen", "lost": "verloren"},
            },
        },
        drop={"leads": ("customer_id",)},
        dates={"orders": "%d.%m.%Y", "customers": "%d.%m.%Y"},
        decimal_comma=("orders",),
        money={"orders": "{} €"},
        currency="EUR",
        seed=2,
    ),
    Spec(
        "fa_persian",
        lang="fa",
        sheets={
            "customers": "مشتریان",
            "orders": "سفارش‌ها",
            "leads": "سرنخ‌ها",
            "channels": "هزینه تبلیغات",
            "feedback": "بازخورد مشتریان",
            "surveys": "نظرسنجی",
            "loyalty": "باشگاه مشتریان",
        },
        columns={
            "customers": {
                "customer_id": "شماره مشتری",
                "signup_date": "تاریخ عضویت",
                "country": "کشور",
                "region": "استان",
                "city": "شهر",
                "age": "سن",
                "gender": "جنسیت",
                "income_band": "سطح درآمد",
                "interests": "علایق",
                "acquisition_channel": "کانال جذب",
                "loyalty_member": "عضو باشگاه",
                "loyalty_join_date": "تاریخ عضویت باشگاه",
            },
            "orders": {
                "order_id": "شماره فاکتور",
                "customer_id": "شماره مشتری",
                "order_date": "تاریخ",
                "amount": "مبلغ",
                "product_category": "گروه کالا",
            },
            "leads": {
                "lead_id": "کد سرنخ",
                "created_date": "تاریخ ثبت",
                "channel": "کانال",
                "status": "وضعیت",
                "name": "نام و نام خانوادگی",
                "country": "کشور",
                "region": "استان",
                "age": "سن",
                "income_band": "سطح درآمد",
                "interest": "علاقه",
                "converted_date": "تاریخ تبدیل",
                "customer_id": "شماره مشتری",
            },
            "channels": {"month": "ماه", "channel": "کانال", "spend": "هزینه", "reach": "دسترسی"},
            "feedback": {
                "feedback_id": "شماره تیکت",
                "date": "تاریخ دریافت",
                "kind": "نوع",
                "topic": "موضوع",
                "severity": "اولویت",
                "status": "وضعیت",
                "customer_id": "شماره مشتری",
                "resolved_date": "تاریخ حل",
                "text": "متن",
            },
            "surveys": {
                "response_id": "شماره پاسخ",
                "date": "تاریخ",
                "satisfaction": "رضایت",
                "recommend": "احتمال توصیه",
                "customer_id": "شماره مشتری",
            },
            "loyalty": {
                "customer_id": "شماره مشتری",
                "date": "تاریخ",
                "event": "رویداد",
                "tier": "سطح",
                "points": "امتیاز",
                "offer": "جایزه",
            },
        },
        values={
            "customers": {
                "gender": {"female": "زن", "male": "مرد", "other": "سایر", "unknown": "نامشخص"},
                "acquisition_channel": _FA_CHANNELS,
                "loyalty_member": {"true": "بله", "false": "خیر"},
            },
            "leads": {
                "channel": _FA_CHANNELS,
                "status": {"open": "باز", "converted": "تبدیل شده", "lost": "از دست رفته"},
            },
            "channels": {"channel": _FA_CHANNELS},
            "feedback": {
                "kind": {
                    "comment": "نظر",
                    "complaint": "شکایت",
                    "issue": "مشکل",
                    "concern": "نگرانی",
                },
                "severity": {"low": "کم", "medium": "متوسط", "high": "زیاد", "critical": "بحرانی"},
                "status": {"open": "باز", "in_progress": "در حال بررسی", "resolved": "حل شده"},
            },
        },
        money={"orders": "{} ریال"},
        currency="IRR",
        seed=3,
    ),
    Spec(
        "ar_arabic",
        lang="ar",
        sheets={
            "customers": "العملاء",
            "orders": "الطلبات",
            "feedback": "الشكاوى",
            "surveys": "استبيان الرضا",
        },
        columns={
            "customers": {
                "customer_id": "رقم العميل",
                "signup_date": "تاريخ التسجيل",
                "country": "الدولة",
                "region": "المنطقة",
                "city": "المدينة",
                "age": "العمر",
                "gender": "الجنس",
                "income_band": "فئة الدخل",
                "interests": "الاهتمامات",
                "acquisition_channel": "قناة الاكتساب",
                "loyalty_member": "عضو نادي الولاء",
                "loyalty_join_date": "تاريخ الانضمام للنادي",
            },
            "orders": {
                "order_id": "رقم الطلب",
                "customer_id": "رقم العميل",
                "order_date": "تاريخ الطلب",
                "amount": "المبلغ",
                "product_category": "الفئة",
            },
            "feedback": {
                "feedback_id": "رقم التذكرة",
                "date": "تاريخ الاستلام",
                "kind": "النوع",
                "topic": "الموضوع",
                "severity": "الأولوية",
                "status": "الحالة",
                "customer_id": "رقم العميل",
                "resolved_date": "تاريخ الحل",
                "text": "النص",
            },
            "surveys": {
                "response_id": "رقم الرد",
                "date": "التاريخ",
                "satisfaction": "مستوى الرضا",
                "recommend": "احتمال التوصية",
                "customer_id": "رقم العميل",
            },
        },
        values={
            "customers": {
                "gender": {"female": "أنثى", "male": "ذكر", "other": "آخر", "unknown": "غير محدد"},
                "acquisition_channel": _AR_CHANNELS,
                "loyalty_member": {"true": "نعم", "false": "لا"},
            },
            "feedback": {
                "kind": {
                    "comment": "تعليق",
                    "complaint": "شكوى",
                    "issue": "مشكلة",
                    "concern": "استفسار",
                },
                "severity": {"low": "منخفض", "medium": "متوسط", "high": "مرتفع", "critical": "حرج"},
                "status": {"open": "مفتوح", "in_progress": "قيد المعالجة", "resolved": "مغلق"},
            },
        },
        currency="SAR",
        seed=4,
    ),
    Spec(
        "crm_titles_yearly",
        sheets={"customers": "Accounts", "orders": "Sales"},
        columns={
            "customers": {"customer_id": "Account", "signup_date": "Created"},
            "orders": {
                "order_id": "Invoice",
                "customer_id": "Account",
                "order_date": "Date",
                "amount": "Total",
                "product_category": "Product line",
            },
        },
        titles={"orders": ("ACME CRM - sales export", ""), "customers": ("Accounts", "")},
        yearly=True,
        total_row=True,
        dates={"orders": "%d/%m/%Y"},
        money={"orders": "${:,.2f}"},
        seed=5,
    ),
    Spec(
        "invoice_lines",
        sheets={"orders": "Online Retail"},
        columns={
            "orders": {
                "order_id": "InvoiceNo",
                "customer_id": "CustomerID",
                "order_date": "InvoiceDate",
                "product_category": "Description",
            }
        },
        lines=True,
        walkins=True,
        everything=True,
        dates={"orders": "%m/%d/%Y %H:%M"},
        seed=6,
    ),
    Spec(
        "transaction_log",
        sheets={"orders": "transactions"},
        columns={"orders": {"customer_id": "customer", "order_date": "date", "amount": "dollars"}},
        drop={"orders": ("order_id", "product_category")},
        dates={"orders": "yyyymmdd"},
        digit_ids=True,
        seed=7,
    ),
    Spec(
        "csv_folder",
        form="csv",
        sheets={"customers": "customers", "orders": "orders", "channels": "marketing"},
        columns={
            "customers": {
                "customer_id": "CustomerID",
                "signup_date": "SignupDate",
                "gender": "Gender",
            },
            "orders": {
                "order_id": "OrderID",
                "customer_id": "CustomerID",
                "order_date": "OrderDate",
                "amount": "OrderValue",
            },
            "channels": {
                "month": "Period",
                "channel": "Channel",
                "spend": "Budget",
                "reach": "Impressions",
            },
        },
        decimal_comma=("orders", "channels"),
        dates={"orders": "%d/%m/%Y", "customers": "%d/%m/%Y"},
        currency="EUR",
        money={"orders": "{} €"},
        seed=8,
    ),
    Spec(
        "missing_optional",
        sheets={"customers": "Clients", "orders": "Orders", "surveys": "Survey results"},
        columns={
            "customers": {"customer_id": "Client ID"},
            "orders": {
                "order_id": "Order Number",
                "customer_id": "Client ID",
                "order_date": "Order Date",
            },
            "surveys": {
                "date": "Survey date",
                "satisfaction": "How satisfied (1-5)",
                "recommend": "Likelihood to recommend",
                "customer_id": "Client ID",
            },
        },
        drop={"surveys": ("response_id",)},
        seed=9,
    ),
    Spec(
        "one_sheet_everything",
        sheets={"orders": "Export"},
        columns={
            "orders": {
                "order_id": "Order",
                "customer_id": "Customer",
                "order_date": "Date",
                "amount": "Value",
                "product_category": "Category",
            },
        },
        everything=True,
        seed=10,
    ),
    Spec(
        "fa_digits_titles",
        lang="fa",
        sheets={"customers": "مشتری", "orders": "فروش"},
        columns={
            "customers": {"customer_id": "کد مشتری", "signup_date": "تاریخ ثبت نام", "city": "شهر"},
            "orders": {
                "order_id": "شماره سفارش",
                "customer_id": "کد مشتری",
                "order_date": "تاریخ سفارش",
                "amount": "مبلغ کل",
                "product_category": "دسته‌بندی",
            },
        },
        drop={"customers": ("country", "region")},
        titles={"orders": ("گزارش فروش ۱۴۰۵", ""), "customers": ("فهرست مشتریان",)},
        dates={"orders": "%Y/%m/%d"},
        native_digits=("orders",),
        currency="IRR",
        seed=11,
    ),
    Spec(
        "ar_offsets",
        lang="ar",
        sheets={"customers": "قائمة العملاء", "orders": "المبيعات"},
        columns={
            "customers": {"customer_id": "كود العميل", "country": "البلد", "city": "مدينة"},
            "orders": {
                "order_id": "رقم الفاتورة",
                "customer_id": "كود العميل",
                "order_date": "تاريخ الفاتورة",
                "amount": "القيمة",
            },
        },
        drop={"orders": ("product_category",)},
        offset="+03:00",
        timezone="Asia/Riyadh",
        currency="SAR",
        seed=12,
    ),
    Spec(
        "en_us_dates",
        sheets={"customers": "Client master", "orders": "Purchases", "feedback": "Support tickets"},
        columns={
            "customers": {
                "customer_id": "Client ID",
                "signup_date": "Customer since",
                "acquisition_channel": "How did you hear",
            },
            "orders": {
                "order_id": "Order Ref",
                "customer_id": "Client ID",
                "order_date": "Purchase Date",
                "amount": "Order Total",
            },
            "feedback": {
                "feedback_id": "Case Number",
                "date": "Opened",
                "kind": "Case type",
                "topic": "Subject",
                "severity": "Priority",
                "status": "Case status",
                "customer_id": "Client ID",
                "resolved_date": "Closed on",
                "text": "Description",
            },
        },
        values={
            "feedback": {
                "severity": {
                    "low": "Minor",
                    "medium": "Normal",
                    "high": "Major",
                    "critical": "Urgent",
                },
                "status": {"open": "New", "in_progress": "Pending", "resolved": "Solved"},
                "kind": {
                    "comment": "Suggestion",
                    "complaint": "Complaint",
                    "issue": "Problem",
                    "concern": "Question",
                },
            },
        },
        dates={"orders": "%m/%d/%Y", "feedback": "%m/%d/%Y"},
        money={"orders": "${:,.2f}"},
        seed=13,
    ),
    Spec(
        "de_csv_lines",
        form="csv",
        sheets={"customers": "Kundenstamm", "orders": "Belege"},
        columns={
            "customers": {
                "customer_id": "Kundennummer",
                "signup_date": "Kunde seit",
                "city": "Ort",
            },
            "orders": {
                "order_id": "Belegnummer",
                "customer_id": "Kundennummer",
                "order_date": "Belegdatum",
                "product_category": "Warengruppe",
            },
        },
        lines=True,
        decimal_comma=("orders",),
        dates={"orders": "%d.%m.%Y", "customers": "%d.%m.%Y"},
        seed=14,  # no amount carries a sign: the currency comes from the (US) countries
    ),
    Spec(
        "en_misspelt",
        sheets={"customers": "Custmers", "orders": "Ordrs", "surveys": "Satisfacton survey"},
        columns={
            "customers": {
                "customer_id": "Custmer No",
                "signup_date": "Sign-up",
                "acquisition_channel": "Acquisiton channel",
            },
            "orders": {
                "order_id": "Ordr Num",
                "customer_id": "Custmer No",
                "order_date": "Ordr Date",
                "amount": "Ammount",
            },
            "surveys": {
                "response_id": "Respons ID",
                "date": "Date answered",
                "satisfaction": "Satisfacton",
                "recommend": "Recomend score",
                "customer_id": "Custmer No",
            },
        },
        drop={"orders": ("product_category",)},
        seed=15,
    ),
    Spec(
        "ar_csv_yearly",
        lang="ar",
        form="csv",
        sheets={"customers": "العملاء", "orders": "المبيعات"},
        columns={
            "customers": {
                "customer_id": "معرف العميل",
                "signup_date": "تاريخ الانضمام",
                "gender": "الجنس",
            },
            "orders": {
                "order_id": "رقم الإيصال",
                "customer_id": "معرف العميل",
                "order_date": "تاريخ الشراء",
                "amount": "المبلغ الإجمالي",
            },
        },
        values={
            "customers": {
                "gender": {"female": "أنثى", "male": "ذكر", "other": "آخر", "unknown": "غير معروف"}
            }
        },
        drop={"orders": ("product_category",)},
        titles={"orders": ("تقرير المبيعات",)},
        yearly=True,
        dates={"orders": "%d-%m-%Y"},
        currency="SAR",
        seed=16,
    ),
    Spec(
        "fa_orders_only",
        lang="fa",
        sheets={"orders": "فاکتورها"},
        columns={
            "orders": {
                "order_id": "شماره فاکتور",
                "customer_id": "کد مشتری",
                "order_date": "تاریخ فاکتور",
                "amount": "مبلغ (تومان)",
            }
        },
        drop={"orders": ("product_category",)},
        currency="toman",
        seed=17,
    ),
    Spec(
        "en_unlisted_names",  # names no list holds: the cells alone must tell
        sheets={"customers": "People", "orders": "Ledger"},
        columns={
            "customers": {"customer_id": "Acct", "signup_date": "Onboarded"},
            "orders": {
                "order_id": "Doc",
                "customer_id": "Acct",
                "order_date": "When",
                "amount": "Paid",
                "product_category": "Line",
            },
        },
        seed=19,
    ),
    Spec(
        "en_value_maps",
        sheets={
            "customers": "customers",
            "orders": "orders",
            "leads": "pipeline",
            "feedback": "complaints",
            "loyalty": "loyalty program",
        },
        columns={
            "leads": {
                "lead_id": "Opportunity ID",
                "created_date": "Created At",
                "status": "Stage",
                "channel": "Lead Source",
            },
            "feedback": {"kind": "Category", "severity": "Urgency"},
            "loyalty": {"event": "Action", "tier": "Membership level"},
        },
        values={
            "customers": {
                "gender": {
                    "female": "Woman",
                    "male": "Man",
                    "other": "Non-binary",
                    "unknown": "Prefer not to say",
                }
            },
            "leads": {
                "status": {"open": "Qualified", "converted": "Closed Won", "lost": "Closed Lost"},
                "channel": {
                    "trade_show": "Events",
                    "email": "E-mail campaign",
                    "seo": "Organic search",
                    "social": "Facebook",
                    "blog": "Blog post",
                    "tv": "TV spot",
                    "radio": "Radio ad",
                    "print": "Print ad",
                },
            },
            "feedback": {
                "kind": {
                    "comment": "Praise",
                    "complaint": "Complaint",
                    "issue": "Bug",
                    "concern": "Inquiry",
                },
                "severity": {
                    "low": "Low",
                    "medium": "Moderate",
                    "high": "High",
                    "critical": "Blocker",
                },
            },
            "loyalty": {
                "event": {
                    "joined": "Sign up",
                    "tier_change": "Upgrade",
                    "points_earned": "Earned",
                    "points_redeemed": "Redeemed",
                    "offer_redeemed": "Coupon used",
                    "referral": "Refer a friend",
                }
            },
        },
        seed=18,
    ),
    Spec(
        "fa_invoice_rial",  # invoice lines whose unit prices carry the currency, a Persian total
        lang="fa",
        sheets={"customers": "مشتریان", "orders": "فاکتورها"},
        columns={
            "customers": {"customer_id": "کد مشتری", "signup_date": "تاریخ ثبت نام"},
            "orders": {
                "order_id": "شماره فاکتور",
                "customer_id": "کد مشتری",
                "order_date": "تاریخ فاکتور",
                "product_category": "گروه کالا",
            },
        },
        lines=True,
        total_row=True,
        money={"orders": "{:,.2f} ریال"},
        dates={"orders": "%d/%m/%Y"},
        currency="IRR",
        seed=20,
    ),
)


# -- writing -------------------------------------------------------------------------------


def build(spec: Spec, folder: Path) -> Path:
    """Write the fixture of `spec` under `folder`; the path to give `deckgen init`."""
    frames = generate_sample(customers=60, months=14, end="2026-10", seed=spec.seed, lang=spec.lang)
    client = _client_frames(spec, frames)
    if spec.form == "csv":
        path = folder / spec.name
        path.mkdir(parents=True)
        for name, rows in client.items():
            with (path / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
                delimiter = ";" if spec.decimal_comma else ","
                csv.writer(handle, delimiter=delimiter).writerows(
                    [["" if c is None else _csv_cell(c) for c in row] for row in rows]
                )
        return path
    path = folder / f"{spec.name}.xlsx"
    write_book(path, client)
    return path


def _csv_cell(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _client_frames(spec: Spec, frames: dict[str, pd.DataFrame]) -> dict[str, list[list[object]]]:
    """The client's sheets as rows of cells, titles and header included."""
    frames = {name: frame.copy() for name, frame in frames.items()}
    if spec.digit_ids:
        for frame in frames.values():
            if "customer_id" in frame:
                frame["customer_id"] = frame["customer_id"].str.slice(1)
    if spec.everything:
        attributes = ["customer_id", "country", "city", "gender", "age", "acquisition_channel"]
        frames["orders"] = frames["orders"].merge(
            frames["customers"][attributes], on="customer_id", how="left"
        )
    if spec.lines:
        frames["orders"] = _lines(frames["orders"], spec.walkins)
    sheets: dict[str, list[list[object]]] = {}
    for ours, theirs in spec.sheets.items():
        frame = frames[ours].drop(columns=list(spec.drop.get(ours, ())))
        for column, spellings in spec.values.get(ours, {}).items():
            text = frame[column].map(lambda v: None if pd.isna(v) else str(v).casefold())
            frame[column] = text.map(lambda v, s=spellings: s.get(v, v) if v is not None else None)
        frame = _dates(spec, ours, frame)
        frame = _numbers(spec, ours, frame)
        frame = frame.rename(columns=spec.columns.get(ours, {}))
        parts = _years(frame, theirs, spec) if ours == "orders" and spec.yearly else {theirs: frame}
        for name, part in parts.items():
            if ours == "orders" and spec.total_row:
                part = _with_total(part, spec)
            titles = [[t] if t else [] for t in spec.titles.get(ours, ())]
            sheets[name] = [
                *titles,
                list(part.columns),
                *(_cells(row) for row in part.itertuples(index=False)),
            ]
    return sheets


def _cells(row: tuple[object, ...]) -> list[object]:
    out: list[object] = []
    for value in row:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            out.append(None)
        elif isinstance(value, pd.Timestamp):
            out.append(value.to_pydatetime())
        elif isinstance(value, np.integer | np.floating | np.bool_):
            out.append(value.item())
        else:
            out.append(value)
    return out


def _dates(spec: Spec, ours: str, frame: pd.DataFrame) -> pd.DataFrame:
    fmt = spec.dates.get(ours)
    dated = [c.name for c in SHEETS_BY_NAME[ours].columns if c.kind == "date" and c.name in frame]
    for column in dated:
        values = frame[column]
        if ours == "orders" and column == "order_date" and spec.offset:
            times = values + pd.to_timedelta(np.arange(len(values)) % 600 + 480, unit="m")
            frame[column] = times.dt.strftime("%Y-%m-%dT%H:%M:00") + spec.offset
        elif fmt == "yyyymmdd":
            frame[column] = values.dt.strftime("%Y%m%d").map(
                lambda v: int(v) if isinstance(v, str) else None
            )
        elif fmt:
            text = values.dt.strftime(fmt)
            if ours in spec.native_digits:
                text = text.map(lambda v: v.translate(_PERSIAN_DIGITS) if isinstance(v, str) else v)
            frame[column] = text.where(values.notna(), None)
    return frame


def _numbers(spec: Spec, ours: str, frame: pd.DataFrame) -> pd.DataFrame:
    money = spec.money.get(ours)
    comma = ours in spec.decimal_comma
    if not money and not comma:
        return frame
    for column in SHEETS_BY_NAME[ours].columns:
        if column.kind == "float" and column.name in frame:
            sign = money if column.name in ("amount", "spend") else None
            if sign or comma:
                frame[column.name] = [_number_text(v, sign, comma) for v in frame[column.name]]
    if "UnitPrice" in frame:
        frame["UnitPrice"] = [_number_text(v, money, comma) for v in frame["UnitPrice"]]
    return frame


def _number_text(value: object, money: str | None, comma: bool) -> object:
    if value is None or pd.isna(value):
        return None
    number = float(value)
    if comma:
        text = f"{number:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        return money.format(text) if money else text
    return money.format(number) if money else number


def _lines(orders: pd.DataFrame, walkins: bool) -> pd.DataFrame:
    """Each order as 1 to 3 lines of quantity x unit price; numeric invoice numbers; a few
    cancellations (C + the invoice number, a negative quantity) and, with `walkins`, orders
    that name no customer."""
    rows = []
    for i, order in enumerate(orders.itertuples(index=False)):
        number = str(536000 + i)
        customer = None if walkins and i % 29 == 5 else order.customer_id
        count = 1 + i % 3
        for j in range(count):
            quantity = 1 + (i + j) % 4
            price = round(float(order.amount) / count / quantity, 2)
            rows.append(
                {
                    **order._asdict(),
                    "order_id": number,
                    "customer_id": customer,
                    "Quantity": quantity,
                    "UnitPrice": price,
                }
            )
        if i % 23 == 7:
            later = order.order_date + pd.Timedelta(days=3)
            rows.append(
                {
                    **order._asdict(),
                    "order_id": f"C{number}",
                    "customer_id": customer,
                    "order_date": later,
                    "Quantity": -1,
                    "UnitPrice": price,
                }
            )
    lines = pd.DataFrame(rows).drop(columns=["amount"])
    return lines


_TOTAL_LABELS = {"fa": "جمع کل", "ar": "الإجمالي"}


def _with_total(frame: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    total = {column: None for column in frame.columns}
    total[frame.columns[0]] = _TOTAL_LABELS.get(spec.lang, "TOTAL")
    amount = spec.columns["orders"].get("amount", "amount")
    values = pd.to_numeric(frame[amount], errors="coerce") if amount in frame else None
    if values is not None and values.notna().any():
        total[amount] = float(values.sum())
    return pd.concat([frame, pd.DataFrame([total])], ignore_index=True)


def _years(frame: pd.DataFrame, name: str, spec: Spec) -> dict[str, pd.DataFrame]:
    date = spec.columns["orders"].get("order_date", "order_date")
    years = pd.to_datetime(frame[date], format=spec.dates.get("orders"), errors="coerce").dt.year
    return {f"{name} {int(year)}": frame[years == year] for year in sorted(years.dropna().unique())}


# -- the truth -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One field of a fixture's true mapping."""

    key: Field  # ("orders", "columns", "order_id"), ("currency",), ...
    value: object
    required: bool
    alternatives: tuple[object, ...] = ()  # other right answers (None: no key needed)


def truth(spec: Spec) -> tuple[Expected, ...]:
    """Every field `deckgen init` should propose for `spec`."""
    frames = generate_sample(customers=60, months=14, end="2026-10", seed=spec.seed, lang=spec.lang)
    written = {
        name: {cell for row in rows for cell in row if isinstance(cell, str)}
        for name, rows in _client_frames(spec, frames).items()
    }
    found: list[Expected] = [Expected(("currency",), spec.currency, False)]
    if spec.timezone:
        found.append(Expected(("timezone",), spec.timezone, False))
    sheets = dict(spec.sheets)
    for ours, theirs in sheets.items():
        schema = SHEETS_BY_NAME[ours]
        names: object = theirs
        if ours == "orders" and spec.yearly:
            names = [f"{theirs} {year}" for year in (2025, 2026)]  # 14 months to October 2026
        found.append(Expected((ours, "sheet"), names, schema.required))
        dropped = set(spec.drop.get(ours, ()))
        renamed = spec.columns.get(ours, {})
        for column in schema.columns:
            if column.name in dropped or (
                ours == "orders" and spec.lines and column.name == "amount"
            ):
                continue
            found.append(
                Expected(
                    (ours, "columns", column.name),
                    renamed.get(column.name, column.name),
                    column.required,
                )
            )
            present = set().union(
                *(cells for name, cells in written.items() if name.startswith(theirs))
            )
            for code, spelling in spec.values.get(ours, {}).get(column.name, {}).items():
                if spelling in present and not _read_as_is(
                    column.kind, spelling, column.allowed, code
                ):
                    found.append(Expected((ours, "values", column.name, spelling), code, False))
        if schema.key in dropped:
            found.append(Expected((ours, "row_ids"), True, schema.required))
        fmt = spec.dates.get(ours)
        if fmt and not (ours == "orders" and spec.offset):
            for column in schema.columns:
                if column.kind == "date" and column.name not in dropped:
                    # deckgen reads year-first dates without a format: giving one is right too
                    iso = (None,) if fmt in ("%Y/%m/%d", "%Y-%m-%d") else ()
                    value = "%Y%m%d" if fmt == "yyyymmdd" else fmt
                    found.append(
                        Expected((ours, "date_format", column.name), value, column.required, iso)
                    )
        if ours in spec.decimal_comma:
            found.append(Expected((ours, "decimal"), ",", True))
        if spec.titles.get(ours) and not (ours == "orders" and spec.yearly and spec.form == "csv"):
            found.append(Expected((ours, "header_row"), len(spec.titles[ours]) + 1, False))
    if spec.lines:
        found += [
            Expected(("orders", "order_lines"), True, True),
            Expected(("orders", "compute", "amount"), _amount_of_lines(spec), True),
            Expected(("orders", "returns"), True, False),
        ]
    if spec.total_row or spec.walkins:
        found.append(Expected(("orders", "where"), True, True))
    if "customers" not in sheets:
        found.append(Expected(("customers", "from_orders"), True, True))
        id_column = spec.columns["orders"].get("customer_id", "customer_id")
        found.append(Expected(("customers", "columns", "customer_id"), id_column, True))
        if spec.everything:
            for attribute in ("country", "city", "gender", "age", "acquisition_channel"):
                found.append(Expected(("customers", "columns", attribute), attribute, False))
    return tuple(found)


# The unit prices of fa_invoice_rial ("1,234.50 ریال") are text to the transforms: the
# expression reads the number in each (native digits and separators allowed), not the currency.
_PRICE_PAST_CURRENCY = (
    'TRY_CAST(regexp_replace(regexp_extract(translate("UnitPrice", '
    "'۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩٬٫', '01234567890123456789,.'), "
    "'-?[0-9](?:[0-9]|[, \\x{a0}\\x{202f}][0-9])*(?:\\.[0-9]+)?'), "
    "'[, \\x{a0}\\x{202f}]', '', 'g') AS DOUBLE)"
)


def _amount_of_lines(spec: Spec) -> str:
    price = _PRICE_PAST_CURRENCY if spec.money.get("orders") else '"UnitPrice"'
    return f'"Quantity" * {price}'


def _read_as_is(kind: str, spelling: str, allowed: tuple[str, ...] | None, code: str) -> bool:
    """True when deckgen reads the client's spelling as `code` without a value map."""
    if kind == "bool":
        return spelling.casefold() in ("true", "false", "yes", "no", "y", "n", "1", "0")
    return allowed is not None and canonical_code(spelling, allowed) == code


def observed(text: str) -> dict[Field, object]:
    """The fields a deckgen.toml text sets, keyed like `truth`."""
    data = tomllib.loads(text)
    found: dict[Field, object] = {}
    for key in ("currency", "timezone"):
        if key in data:
            found[(key,)] = data[key]
    for sheet, mapping in data.get("sheets", {}).items():
        if "sheet" in mapping:
            found[(sheet, "sheet")] = mapping["sheet"]
        for key in ("row_ids", "order_lines", "from_orders", "decimal", "header_row"):
            if key in mapping:
                found[(sheet, key)] = mapping[key]
        if "where" in mapping:
            found[(sheet, "where")] = True
        if "returns" in mapping:
            found[(sheet, "returns")] = True
        for part in ("columns", "date_format", "compute"):
            for ours, theirs in mapping.get(part, {}).items():
                found[(sheet, part, ours)] = theirs
        for ours, table in mapping.get("values", {}).items():
            for theirs, code in table.items():
                found[(sheet, "values", ours, theirs)] = code
    return found


@dataclass(frozen=True)
class Score:
    """How many fields of a fixture a proposal got right."""

    required_right: int
    required: int
    right: int
    total: int
    wrong: tuple[str, ...]  # "key: expected X, got Y" for every field got wrong


def score(spec: Spec, text: str) -> Score:
    """`text` (a proposed deckgen.toml) against the truth of `spec`."""
    return score_against(truth(spec), text)


def score_against(expectations: tuple[Expected, ...], text: str) -> Score:
    """`text` (a proposed deckgen.toml) against `expectations`, every field of a true mapping."""
    got = observed(text)
    required_right = required = right = 0
    wrong = []
    for expected in expectations:
        value = got.get(expected.key)
        ok = value == expected.value or value in expected.alternatives
        if (
            expected.key[-1] == "sheet"
            and isinstance(value, list)
            and isinstance(expected.value, list)
        ):
            ok = sorted(value) == sorted(expected.value)
        right += ok
        if expected.required:
            required += 1
            required_right += ok
        if not ok:
            wrong.append(f"{'.'.join(expected.key)}: expected {expected.value!r}, got {value!r}")
    return Score(required_right, required, right, len(expectations), tuple(wrong))
