"""A hand-built Deck that uses every block type and area, in English or Persian (RTL)."""

from __future__ import annotations

from deckgen.formats import format_value
from deckgen.model import (
    Cell,
    ChartSpec,
    Deck,
    FunnelSpec,
    FunnelStage,
    Kpi,
    KpiStrip,
    Paragraph,
    ScatterSpec,
    Series,
    Slide,
    TableColumn,
    TableSpec,
    TextBlock,
    XYSeries,
)

FUNNEL_VALUES = (48_000.0, 11_040.0, 2_650.0, 1_590.0, 620.0)
SPEND = (42_000.0, 9_500.0, 12_000.0, 15_500.0, 4_000.0, 88_000.0, 21_000.0, 7_500.0)
CAC = (95.0, 12.0, 18.0, 31.0, 22.0, 210.0, 140.0, 88.0)
SEGMENT_SHARES = (0.12, 0.31, 0.22, 0.19, 0.16)
MONTHLY_NEW = (310.0, 295.0, 340.0, 362.0, 351.0, 398.0)
REPEAT = (0.24, 0.25, 0.27, 0.26, 0.29, 0.31)
COHORT = (
    (1.0, 0.42, 0.35, 0.31, 0.28),
    (1.0, 0.45, 0.37, 0.33, None),
    (1.0, 0.40, 0.34, None, None),
    (1.0, 0.47, None, None, None),
)

_TEXT = {
    "en": {
        "title": "Customer lifecycle review",
        "subtitle": "Monthly performance deck",
        "client": "Sample Retail Co.",
        "period": "October 2026",
        "footer": "Sample Retail Co. · Customer lifecycle · Confidential",
        "summary": "Executive summary",
        "summary_head": "Conversion is the biggest leak: only 24% of acquired leads buy",
        "kpis": (
            ("Active customers", "12,480", "+3.1% vs Sep", "good"),
            ("Repeat rate", "31.0%", "+2.0 pts vs Sep", "good"),
            ("CAC", "48 USD", "+6.5% vs Sep", "bad"),
            ("NPS", "+32", "0 pts vs Sep", "neutral"),
        ),
        "findings": (
            "Email brings the cheapest customers: CAC 12 USD, a seventeenth of TV's",
            "Repeat rate rose for the third month running, to 31%",
            "Loyal customers are 9% of the base but 38% of revenue",
            "Detractors cite delivery times more than price",
        ),
        "sub_finding": "Late deliveries: 41 of 96 open complaints",
        "callout": "Fix the lead-to-purchase step first: a 5-point gain is worth more "
        "than doubling the TV budget.",
        "section": "Acquisition",
        "section_sub": "Which channels bring customers, and at what cost",
        "funnel": "Customer lifecycle funnel",
        "funnel_head": "Only 24% of acquired leads convert to a first purchase",
        "stages": ("Reach", "Acquisition", "Conversion", "Retention", "Loyalty"),
        "convert": "{} convert",
        "funnel_notes": (
            "Retention is the share of converted customers who buy again within 90 days.",
            "Loyalty counts club members with three or more orders in twelve months.",
            "The biggest leak is the step with the lowest conversion.",
        ),
        "channels": "Acquisition channels",
        "channels_head": "TV is the most expensive channel by far; email the cheapest",
        "channel_names": ("Trade show", "Email", "SEO", "Social", "Blog", "TV", "Radio", "Print"),
        "spend": "Spend",
        "cac": "CAC",
        "spend_axis": "Spend (USD)",
        "cac_axis": "CAC (USD)",
        "segments": "Customer segmentation",
        "segments_head": "Loyal customers are the smallest segment but the most valuable",
        "segment_names": ("Champions", "Loyal", "Potential", "At risk", "Lost"),
        "seg_chart": "Customers by RFM segment",
        "seg_share": "Share of revenue",
        "customers": "Customers",
        "loyalty": "Loyalty lifecycle",
        "loyalty_head": "Repeat purchases keep rising while new-customer growth slows",
        "months": ("May", "Jun", "Jul", "Aug", "Sep", "Oct"),
        "new_customers": "New customers",
        "repeat_rate": "Repeat rate",
        "channel_mix": "Leads by channel and stage",
        "new": "New",
        "retained": "Retained",
        "loyal": "Loyal",
        "regions": ("North", "South", "East", "West"),
        "region_chart": "Customers by region and status",
        "satisfaction": "Satisfaction vs loyalty",
        "satisfaction_head": "Most customers are satisfied, but a third would not recommend us",
        "scatter": "Satisfaction and likelihood to recommend",
        "csat": "Satisfaction (CSAT, 1-5)",
        "recommend": "Likelihood to recommend (0-10)",
        "segments_xy": ("Customers",),
        "quadrants": ("Hostages", "Loyalists", "Defectors", "Mercenaries"),
        "sat_text": (
            "Loyalists (high satisfaction, high loyalty) are 46% of respondents.",
            "Mercenaries are satisfied but would switch for a better offer.",
        ),
        "caption": "Source: October 2026 survey, n = 1,214. Quadrants after Jones & Sasser.",
        "cohorts": "Cohort retention",
        "cohorts_head": "Each cohort keeps about a third of its customers after three months",
        "cohort_table": "Share of each monthly cohort still buying",
        "cohort_col": "Cohort",
        "cohort_months": ("Month 0", "Month 1", "Month 2", "Month 3", "Month 4"),
        "cohort_rows": ("June 2026", "July 2026", "August 2026", "September 2026"),
        "prospects": "Target prospects",
        "prospects_head": "Families in the north who found us through search convert best",
        "prospect_cols": ("Profile", "Why", "Conversion"),
        "prospect_rows": (
            (
                "Families, 35-44, North",
                "Search visitors with two or more site visits in a week",
                0.31,
            ),
            ("Young professionals, South", "Opened three newsletters in a row", 0.24),
            ("Retirees, East", "Attended the spring trade show and asked for a catalogue", 0.19),
            ("Students, West", "Follow us on social media; price-sensitive", 0.11),
        ),
        "profile_title": "Ideal prospect",
        "profile": ("Family household, 35-44", "Lives in the north", "Found us through search"),
        "quad_notes": (
            "Body text: a plain paragraph that explains the figure in one or two sentences "
            "and wraps across several lines in its area.",
        ),
        "appendix": "Appendix: definitions and data quality",
        "appendix_body": (
            "Conversion: first purchases divided by acquired leads in the month.",
            "Repeat rate: customers with a second order within 90 days of the first.",
            "CAC: channel spend divided by the customers it brought in.",
            "Data quality: 12 orders without a customer were left out.",
        ),
        "notes": "How the figures were computed: see docs/metrics.md.",
    },
    "fa": {
        "title": "بررسی چرخه عمر مشتری",
        "subtitle": "گزارش ماهانه عملکرد",
        "client": "فروشگاه نمونه",
        "period": "مهر ۱۴۰۵",
        "footer": "فروشگاه نمونه · چرخه عمر مشتری · محرمانه",
        "summary": "خلاصه مدیریتی",
        "summary_head": "بزرگ‌ترین نشتی در تبدیل است: فقط ۲۴٪ از سرنخ‌های جذب‌شده خرید می‌کنند",
        "kpis": (
            ("مشتریان فعال", "۱۲٬۴۸۰", "‎+۳٫۱٪ نسبت به شهریور", "good"),
            ("نرخ خرید مجدد", "۳۱٫۰٪", "‎+۲٫۰ واحد درصد", "good"),
            ("هزینه جذب مشتری", "۴۸ دلار", "‎+۶٫۵٪ نسبت به شهریور", "bad"),
            ("خالص امتیاز ترویج", "‎+۳۲", "بدون تغییر", "neutral"),
        ),
        "findings": (
            "ایمیل ارزان‌ترین مشتریان را می‌آورد: هزینه جذب ۱۲ دلار، یک‌هفدهم تلویزیون",
            "نرخ خرید مجدد برای سومین ماه پیاپی بالا رفت و به ۳۱٪ رسید",
            "مشتریان وفادار ۹٪ از مشتریان اما ۳۸٪ از درآمد هستند",
            "ناراضیان بیشتر از زمان تحویل گله دارند تا از قیمت",
        ),
        "sub_finding": "تأخیر در تحویل: ۴۱ مورد از ۹۶ شکایت باز",
        "callout": "اول مرحله سرنخ تا خرید را درست کنید: پنج واحد درصد بهبود در آن "
        "از دو برابر کردن بودجه تلویزیون ارزشمندتر است.",
        "section": "جذب مشتری",
        "section_sub": "کدام کانال‌ها مشتری می‌آورند و با چه هزینه‌ای",
        "funnel": "قیف چرخه عمر مشتری",
        "funnel_head": "فقط ۲۴٪ از سرنخ‌های جذب‌شده به اولین خرید می‌رسند",
        "stages": ("رسیدن", "جذب", "تبدیل", "حفظ", "وفاداری"),
        "convert": "{} تبدیل",
        "funnel_notes": (
            "حفظ: سهم مشتریان تبدیل‌شده‌ای که ظرف ۹۰ روز دوباره خرید می‌کنند.",
            "وفاداری: اعضای باشگاه با سه سفارش یا بیشتر در دوازده ماه.",
            "بزرگ‌ترین نشتی مرحله‌ای است که کمترین نرخ تبدیل را دارد.",
        ),
        "channels": "کانال‌های جذب",
        "channels_head": "تلویزیون گران‌ترین کانال است و ایمیل ارزان‌ترین",
        "channel_names": (
            "نمایشگاه",
            "ایمیل",
            "سئو",
            "شبکه‌های اجتماعی",
            "وبلاگ",
            "تلویزیون",
            "رادیو",
            "چاپی",
        ),
        "spend": "هزینه",
        "cac": "هزینه جذب",
        "spend_axis": "هزینه (دلار)",
        "cac_axis": "هزینه جذب (دلار)",
        "segments": "بخش‌بندی مشتریان",
        "segments_head": "مشتریان وفادار کوچک‌ترین بخش اما باارزش‌ترین هستند",
        "segment_names": ("قهرمانان", "وفاداران", "بالقوه", "در خطر", "ازدست‌رفته"),
        "seg_chart": "مشتریان بر اساس بخش RFM",
        "seg_share": "سهم از درآمد",
        "customers": "مشتریان",
        "loyalty": "چرخه وفاداری",
        "loyalty_head": "خرید مجدد رو به افزایش است و رشد مشتریان جدید کند شده است",
        "months": ("اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر"),
        "new_customers": "مشتریان جدید",
        "repeat_rate": "نرخ خرید مجدد",
        "channel_mix": "سرنخ‌ها بر اساس کانال و مرحله",
        "new": "جدید",
        "retained": "حفظ‌شده",
        "loyal": "وفادار",
        "regions": ("شمال", "جنوب", "شرق", "غرب"),
        "region_chart": "مشتریان بر اساس منطقه و وضعیت",
        "satisfaction": "رضایت در برابر وفاداری",
        "satisfaction_head": "بیشتر مشتریان راضی‌اند اما یک‌سوم ما را توصیه نمی‌کنند",
        "scatter": "رضایت و احتمال توصیه",
        "csat": "رضایت (CSAT، ۱ تا ۵)",
        "recommend": "احتمال توصیه (۰ تا ۱۰)",
        "segments_xy": ("مشتریان",),
        "quadrants": ("گروگان‌ها", "وفاداران", "فراریان", "مزدوران"),
        "sat_text": (
            "وفاداران (رضایت بالا، وفاداری بالا) ۴۶٪ از پاسخ‌دهندگان هستند.",
            "مزدوران راضی‌اند اما برای پیشنهاد بهتر ما را ترک می‌کنند.",
        ),
        "caption": "منبع: نظرسنجی مهر ۱۴۰۵، ۱٬۲۱۴ پاسخ. ربع‌ها بر اساس جونز و ساسر.",
        "cohorts": "ماندگاری گروه‌ها",
        "cohorts_head": "هر گروه پس از سه ماه حدود یک‌سوم مشتریانش را نگه می‌دارد",
        "cohort_table": "سهم هر گروه ماهانه که هنوز خرید می‌کند",
        "cohort_col": "گروه",
        "cohort_months": ("ماه ۰", "ماه ۱", "ماه ۲", "ماه ۳", "ماه ۴"),
        "cohort_rows": ("خرداد ۱۴۰۵", "تیر ۱۴۰۵", "مرداد ۱۴۰۵", "شهریور ۱۴۰۵"),
        "prospects": "مشتریان هدف",
        "prospects_head": "خانواده‌های شمال که از جست‌وجو به ما رسیده‌اند بهتر از همه تبدیل می‌شوند",
        "prospect_cols": ("نیمرخ", "دلیل", "تبدیل"),
        "prospect_rows": (
            (
                "خانواده‌ها، ۳۵ تا ۴۴ سال، شمال",
                "بازدیدکنندگان جست‌وجو با دو بازدید یا بیشتر در هفته",
                0.31,
            ),
            ("جوانان شاغل، جنوب", "سه خبرنامه پیاپی را باز کرده‌اند", 0.24),
            ("بازنشستگان، شرق", "در نمایشگاه بهاره شرکت کردند و کاتالوگ خواستند", 0.19),
            ("دانشجویان، غرب", "ما را در شبکه‌های اجتماعی دنبال می‌کنند؛ حساس به قیمت", 0.11),
        ),
        "profile_title": "مشتری ایدئال",
        "profile": ("خانوار خانوادگی، ۳۵ تا ۴۴ سال", "ساکن شمال", "آشنایی از راه جست‌وجو"),
        "quad_notes": (
            "متن ساده: پاراگرافی که عدد را در یکی دو جمله توضیح می‌دهد و در چند سطر "
            "در ناحیه خود می‌شکند.",
        ),
        "appendix": "پیوست: تعریف‌ها و کیفیت داده",
        "appendix_body": (
            "تبدیل: اولین خریدها تقسیم بر سرنخ‌های جذب‌شده در ماه.",
            "نرخ خرید مجدد: مشتریانی که ظرف ۹۰ روز پس از اولین سفارش دوباره سفارش داده‌اند.",
            "هزینه جذب: هزینه کانال تقسیم بر مشتریانی که آورده است.",
            "کیفیت داده: ۱۲ سفارش بدون مشتری کنار گذاشته شد.",
        ),
        "notes": "روش محاسبه ارقام: به docs/metrics.md مراجعه کنید.",
    },
}


def _paragraphs(texts: tuple[str, ...], **kwargs: object) -> tuple[Paragraph, ...]:
    return tuple(Paragraph(text, **kwargs) for text in texts)  # type: ignore[arg-type]


def demo_deck(lang: str = "en") -> Deck:
    """A deck of 12 slides covering every block type, area and chart kind."""
    t = _TEXT[lang]
    digits = "native" if lang != "en" else "latn"

    def fmt(value: float, kind: str) -> str:
        return format_value(value, kind, lang, digits, "USD")  # type: ignore[arg-type]

    stages = tuple(
        FunnelStage(
            label=label,
            value=value,
            value_text=fmt(value, "count"),
            conversion_text=None
            if i == 0
            else t["convert"].format(fmt(value / FUNNEL_VALUES[i - 1], "percent")),
        )
        for i, (label, value) in enumerate(zip(t["stages"], FUNNEL_VALUES, strict=True))
    )
    notes = t["notes"]
    slides = (
        Slide(kind="title", title=t["title"], subtitle=t["subtitle"], notes=notes),
        Slide(
            kind="summary",
            title=t["summary"],
            headline=t["summary_head"],
            notes=notes + "\n" + t["summary_head"],
            blocks=(
                KpiStrip(kpis=tuple(Kpi(*k) for k in t["kpis"]), area="top"),  # type: ignore[arg-type]
                TextBlock(
                    paragraphs=(
                        *_paragraphs(t["findings"][:2]),
                        Paragraph(t["sub_finding"], level=1),
                        *_paragraphs(t["findings"][2:]),
                    ),
                    area="left_bottom",
                    style="bullets",
                ),
                TextBlock(
                    paragraphs=(Paragraph(t["callout"]),), area="right_bottom", style="callout"
                ),
            ),
        ),
        Slide(kind="section", title=t["section"], subtitle=t["section_sub"], notes=notes),
        Slide(
            kind="lifecycle",
            title=t["funnel"],
            headline=t["funnel_head"],
            notes=notes,
            blocks=(
                FunnelSpec(stages=stages, area="left", highlight=2),
                TextBlock(
                    paragraphs=_paragraphs(t["funnel_notes"]),
                    area="right",
                    style="bullets",
                    title=t["funnel"],
                ),
            ),
        ),
        Slide(
            kind="channels",
            title=t["channels"],
            headline=t["channels_head"],
            notes=notes,
            blocks=(
                ChartSpec(
                    kind="combo",
                    title=t["channels"],
                    categories=t["channel_names"],
                    series=(
                        Series(t["spend"], SPEND, "money"),
                        Series(t["cac"], CAC, "money", axis="secondary", plot="line"),
                    ),
                    value_axis_title=t["spend_axis"],
                    secondary_axis_title=t["cac_axis"],
                    data_labels=False,
                    highlight=1,
                ),
            ),
        ),
        Slide(
            kind="segmentation",
            title=t["segments"],
            headline=t["segments_head"],
            notes=notes,
            blocks=(
                ChartSpec(
                    kind="column",
                    title=t["seg_chart"],
                    categories=t["segment_names"],
                    series=(Series(t["customers"], (1480.0, 3920.0, 2710.0, 2390.0, 1980.0)),),
                    area="left",
                    highlight=1,
                    legend=False,
                ),
                ChartSpec(
                    kind="doughnut",
                    title=t["seg_share"],
                    categories=t["segment_names"],
                    series=(Series(t["seg_share"], SEGMENT_SHARES, "percent"),),
                    area="right",
                ),
            ),
        ),
        Slide(
            kind="loyalty",
            title=t["loyalty"],
            headline=t["loyalty_head"],
            notes=notes,
            blocks=(
                ChartSpec(
                    kind="line",
                    title=t["repeat_rate"],
                    categories=t["months"],
                    series=(Series(t["repeat_rate"], REPEAT, "percent"),),
                    area="top",
                    legend=False,
                ),
                ChartSpec(
                    kind="stacked_bar",
                    title=t["region_chart"],
                    categories=t["regions"],
                    series=(
                        Series(t["new"], (420.0, 380.0, 310.0, 290.0)),
                        Series(t["retained"], (610.0, 540.0, 480.0, 400.0)),
                        Series(t["loyal"], (220.0, 160.0, 150.0, 120.0)),
                    ),
                    area="bottom",
                ),
            ),
        ),
        Slide(
            kind="channels",
            title=t["channel_mix"],
            headline=t["channels_head"],
            notes=notes,
            blocks=(
                ChartSpec(
                    kind="bar",
                    title=t["cac"],
                    categories=t["channel_names"],
                    series=(Series(t["cac"], CAC, "money"),),
                    area="left",
                    highlight=5,
                    legend=False,
                ),
                ChartSpec(
                    kind="stacked_column",
                    title=t["channel_mix"],
                    categories=t["months"],
                    series=(
                        Series(t["new_customers"], MONTHLY_NEW),
                        Series(t["retained"], (180.0, 190.0, 205.0, 220.0, 231.0, 250.0)),
                    ),
                    area="right",
                    data_labels=False,
                    value_axis_title=t["customers"],
                ),
            ),
        ),
        Slide(
            kind="satisfaction",
            title=t["satisfaction"],
            headline=t["satisfaction_head"],
            notes=notes,
            blocks=(
                ScatterSpec(
                    title=t["scatter"],
                    series=(
                        XYSeries(
                            t["segments_xy"][0],
                            (4.5, 4.1, 2.2, 3.9, 1.8, 4.8, 2.9, 3.3, 4.4, 1.5),
                            (9.0, 3.5, 2.0, 8.2, 6.5, 9.5, 4.0, 7.1, 5.0, 1.0),
                        ),
                    ),
                    x_title=t["csat"],
                    y_title=t["recommend"],
                    x_range=(1.0, 5.0),
                    y_range=(0.0, 10.0),
                    x_split=3.0,
                    y_split=7.0,
                    quadrant_labels=t["quadrants"],  # type: ignore[arg-type]
                    area="left",
                ),
                TextBlock(paragraphs=_paragraphs(t["sat_text"]), area="right_top", style="body"),
                TextBlock(
                    paragraphs=(Paragraph(t["caption"]),), area="right_bottom", style="caption"
                ),
            ),
        ),
        Slide(
            kind="loyalty",
            title=t["cohorts"],
            headline=t["cohorts_head"],
            notes=notes,
            blocks=(
                TableSpec(
                    columns=(
                        TableColumn(t["cohort_col"], width=1.6),
                        *(TableColumn(m, "center") for m in t["cohort_months"]),
                    ),
                    rows=tuple(
                        (
                            Cell(name),
                            *(
                                Cell(fmt(v, "percent"), v, v) if v is not None else Cell("")
                                for v in row
                            ),
                        )
                        for name, row in zip(t["cohort_rows"], COHORT, strict=True)
                    ),
                    title=t["cohort_table"],
                ),
            ),
        ),
        Slide(
            kind="prospects",
            title=t["prospects"],
            headline=t["prospects_head"],
            notes=notes,
            blocks=(
                KpiStrip(
                    kpis=(
                        Kpi(t["profile_title"], t["profile"][0]),
                        Kpi(t["profile"][1], fmt(0.31, "percent"), t["profile"][2]),
                    ),
                    area="left_top",
                ),
                TextBlock(
                    paragraphs=_paragraphs(t["quad_notes"]),
                    area="left_bottom",
                    style="body",
                    title=t["profile_title"],
                ),
                TableSpec(
                    columns=(
                        TableColumn(t["prospect_cols"][0], width=1.3),
                        TableColumn(t["prospect_cols"][1], width=2.0),
                        TableColumn(t["prospect_cols"][2], "end", 0.8),
                    ),
                    rows=tuple(
                        (Cell(a), Cell(b), Cell(fmt(c, "percent"), c))
                        for a, b, c in t["prospect_rows"]
                    ),
                    area="right",
                    title=t["prospects"],
                ),
            ),
        ),
        Slide(
            kind="appendix",
            title=t["appendix"],
            notes=notes,
            blocks=(TextBlock(paragraphs=_paragraphs(t["appendix_body"]), style="body"),),
        ),
    )
    return Deck(
        title=t["title"],
        client=t["client"],
        period_label=t["period"],
        lang=lang,
        direction="rtl" if lang in ("ar", "fa") else "ltr",
        currency="USD",
        slides=slides,
        footer=t["footer"],
        digits=digits,  # type: ignore[arg-type]
    )
