"""Words of the sample workbook in English, Persian and Arabic: places, names, labels, texts.

The generator in deckgen.data.sample works with the English keys below; each language gives
its own label for every key, written as a native speaker would. Canonical code columns
(channels, genders, kinds, statuses, severities, events) never appear here: they stay codes.
"""

from __future__ import annotations

from dataclasses import dataclass

INTERESTS: tuple[str, ...] = (
    "outdoor",
    "fitness",
    "fashion",
    "home",
    "travel",
    "tech",
    "cooking",
    "wellness",
    "family",
    "sustainability",
)
PRODUCTS: tuple[str, ...] = (
    "apparel",
    "footwear",
    "accessories",
    "sportswear",
    "outdoor_gear",
    "home",
    "kitchen",
    "beauty",
    "electronics",
)
TOPICS: tuple[str, ...] = (
    "delivery",
    "product_quality",
    "price",
    "customer_service",
    "website",
    "returns",
)


@dataclass(frozen=True)
class Place:
    """A city with its region and country, and its share of the customer base."""

    country: str
    region: str
    city: str
    weight: float


@dataclass(frozen=True)
class Words:
    """Everything language-specific in a sample workbook."""

    client: str  # the sample company's name, written to the deckgen.toml beside the workbook
    currency: str
    money_per_usd: float  # the model prices in US dollars; amounts are scaled by this
    money_step: float  # order amounts are rounded to multiples of this
    places: tuple[Place, ...]
    female_names: tuple[str, ...]
    male_names: tuple[str, ...]
    surnames: tuple[str, ...]
    interests: dict[str, str]  # key in INTERESTS -> label
    products: dict[str, str]  # key in PRODUCTS -> label
    topics: dict[str, str]  # key in TOPICS -> label
    texts: dict[tuple[str, str], tuple[str, ...]]  # (topic key, feedback kind) -> texts


def _names(text: str) -> tuple[str, ...]:
    """Names written space-separated, one string for a compact table."""
    return tuple(text.split())


_EN = Words(
    client="Sample Retail Co.",
    currency="USD",
    money_per_usd=1.0,
    money_step=0.01,
    places=(
        Place("United States", "California", "Los Angeles", 9),
        Place("United States", "California", "San Francisco", 5),
        Place("United States", "California", "San Diego", 4),
        Place("United States", "New York", "New York City", 10),
        Place("United States", "New York", "Buffalo", 2),
        Place("United States", "Texas", "Houston", 6),
        Place("United States", "Texas", "Austin", 4),
        Place("United States", "Texas", "Dallas", 5),
        Place("United States", "Florida", "Miami", 5),
        Place("United States", "Florida", "Orlando", 3),
        Place("United States", "Illinois", "Chicago", 6),
        Place("United States", "Washington", "Seattle", 4),
        Place("United States", "Massachusetts", "Boston", 4),
        Place("United States", "Colorado", "Denver", 3),
        Place("United States", "Georgia", "Atlanta", 3),
        Place("Canada", "Ontario", "Toronto", 6),
        Place("Canada", "Ontario", "Ottawa", 2),
        Place("Canada", "British Columbia", "Vancouver", 4),
        Place("Canada", "Quebec", "Montreal", 3),
        Place("Canada", "Alberta", "Calgary", 2),
        Place("United Kingdom", "England", "London", 6),
        Place("United Kingdom", "England", "Manchester", 2),
        Place("United Kingdom", "England", "Birmingham", 2),
        Place("United Kingdom", "Scotland", "Edinburgh", 1),
        Place("United Kingdom", "Scotland", "Glasgow", 1),
    ),
    female_names=_names(
        "Emma Olivia Ava Sophia Isabella Mia Charlotte Amelia Harper Evelyn Abigail Emily "
        "Ella Grace Chloe Hannah Lily Zoe Nora Sarah Laura Megan Rachel Anna Julia"
    ),
    male_names=_names(
        "Liam Noah James Oliver Elijah William Henry Lucas Benjamin Theodore Jack Daniel "
        "Michael Ethan Samuel David Ryan Nathan Thomas Adam Matthew Jacob Owen Leo Aaron"
    ),
    surnames=_names(
        "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Wilson "
        "Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
        "Walker Young King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell "
        "Roberts Carter Phillips Evans Turner"
    ),
    interests={
        "outdoor": "outdoors",
        "fitness": "fitness",
        "fashion": "fashion",
        "home": "home decor",
        "travel": "travel",
        "tech": "technology",
        "cooking": "cooking",
        "wellness": "wellness",
        "family": "family",
        "sustainability": "sustainability",
    },
    products={
        "apparel": "apparel",
        "footwear": "footwear",
        "accessories": "accessories",
        "sportswear": "sportswear",
        "outdoor_gear": "outdoor gear",
        "home": "home",
        "kitchen": "kitchen",
        "beauty": "beauty",
        "electronics": "electronics",
    },
    topics={
        "delivery": "delivery",
        "product_quality": "product quality",
        "price": "price",
        "customer_service": "customer service",
        "website": "website and app",
        "returns": "returns and refunds",
    },
    texts={
        ("delivery", "complaint"): (
            "My parcel arrived five days late and nobody told me why.",
            "The courier left the box outside in the rain.",
        ),
        ("delivery", "issue"): ("The tracking link has said 'label created' for a week.",),
        ("delivery", "concern"): (
            "Will orders still arrive before the holidays with these delays?",
        ),
        ("delivery", "comment"): ("Delivery was quicker than promised, thank you!",),
        ("product_quality", "complaint"): (
            "The seams on the jacket came apart after two washes.",
            "The colour faded much faster than I expected.",
        ),
        ("product_quality", "issue"): ("I received the wrong size although my order says M.",),
        ("product_quality", "concern"): ("The new fabric feels thinner than last season's.",),
        ("product_quality", "comment"): ("Great quality for the price and a perfect fit.",),
        ("price", "complaint"): (
            "The same item is cheaper in your app than on the website.",
            "Shipping doubled the price of a small order.",
        ),
        ("price", "issue"): ("The discount code was not applied at checkout.",),
        ("price", "concern"): ("Prices have gone up a lot this year; I may shop elsewhere.",),
        ("price", "comment"): ("Member prices make it worth staying with you.",),
        ("customer_service", "complaint"): (
            "I waited 40 minutes on the phone and then the call dropped.",
            "Three emails and still no answer about my refund.",
        ),
        ("customer_service", "issue"): ("The chat agent closed my ticket without solving it.",),
        ("customer_service", "concern"): (
            "It is hard to reach a real person when something goes wrong.",
        ),
        ("customer_service", "comment"): ("Your support team sorted everything out in one call.",),
        ("website", "complaint"): (
            "Checkout keeps failing on my phone.",
            "The app logs me out every time I open it.",
        ),
        ("website", "issue"): ("The payment page shows an error after I enter my card details.",),
        ("website", "concern"): ("I am not sure my card details are stored safely.",),
        ("website", "comment"): ("The new app makes reordering really easy.",),
        ("returns", "complaint"): (
            "My refund took three weeks to reach my account.",
            "I had to pay to send back a faulty item.",
        ),
        ("returns", "issue"): ("The return label in the email does not scan at the post office.",),
        ("returns", "concern"): ("The 14-day return window is too short for gifts.",),
        ("returns", "comment"): ("Returning was easy and the refund came quickly.",),
    },
)

_FA = Words(
    client="فروشگاه نمونه",
    currency="IRR",
    money_per_usd=1_000_000.0,
    money_step=10_000.0,
    places=(
        Place("ایران", "تهران", "تهران", 30),
        Place("ایران", "البرز", "کرج", 6),
        Place("ایران", "اصفهان", "اصفهان", 8),
        Place("ایران", "اصفهان", "کاشان", 2),
        Place("ایران", "فارس", "شیراز", 7),
        Place("ایران", "خراسان رضوی", "مشهد", 8),
        Place("ایران", "آذربایجان شرقی", "تبریز", 6),
        Place("ایران", "گیلان", "رشت", 4),
        Place("ایران", "خوزستان", "اهواز", 4),
        Place("ایران", "مازندران", "ساری", 3),
        Place("ایران", "مازندران", "بابل", 2),
        Place("ایران", "کرمان", "کرمان", 3),
        Place("ایران", "یزد", "یزد", 3),
        Place("ایران", "قم", "قم", 3),
        Place("امارات متحده عربی", "دبی", "دبی", 5),
    ),
    female_names=_names(
        "سارا مریم زهرا فاطمه نگار الهام نرگس شیرین مهسا لیلا ریحانه پریسا آزاده سمیرا یاسمن "
        "هانیه ترانه مینا فرناز نازنین الناز رویا سپیده کیمیا آیدا"
    ),
    male_names=_names(
        "علی محمد رضا حسین امیر مهدی حامد سعید بهزاد کامران آرش پویا سینا مجید فرهاد بابک "
        "نیما میلاد کاوه داریوش احسان مسعود پیمان یاسر امید"
    ),
    surnames=_names(
        "محمدی حسینی احمدی رضایی کریمی موسوی جعفری صادقی رحیمی عباسی نوری هاشمی قاسمی اکبری "
        "طاهری کاظمی مرادی فراهانی شریفی تهرانی اصفهانی شیرازی نجفی یزدانی کرمانی سلطانی "
        "بهرامی امینی زارعی فتحی"
    ),
    interests={
        "outdoor": "طبیعت‌گردی",
        "fitness": "تناسب اندام",
        "fashion": "مد و پوشاک",
        "home": "دکوراسیون منزل",
        "travel": "سفر",
        "tech": "فناوری",
        "cooking": "آشپزی",
        "wellness": "سلامت و تندرستی",
        "family": "خانواده",
        "sustainability": "محیط زیست",
    },
    products={
        "apparel": "پوشاک",
        "footwear": "کفش",
        "accessories": "اکسسوری",
        "sportswear": "لباس ورزشی",
        "outdoor_gear": "تجهیزات کوهنوردی",
        "home": "لوازم خانه",
        "kitchen": "لوازم آشپزخانه",
        "beauty": "آرایشی و بهداشتی",
        "electronics": "لوازم الکترونیکی",
    },
    topics={
        "delivery": "ارسال و تحویل",
        "product_quality": "کیفیت کالا",
        "price": "قیمت",
        "customer_service": "خدمات مشتریان",
        "website": "سایت و اپلیکیشن",
        "returns": "مرجوعی و بازپرداخت",
    },
    texts={
        ("delivery", "complaint"): (
            "بسته‌ام پنج روز دیرتر رسید و کسی هم توضیحی نداد.",
            "پیک بسته را زیر باران جلوی در گذاشت و رفت.",
        ),
        ("delivery", "issue"): ("کد رهگیری یک هفته است روی «ثبت شده» مانده.",),
        ("delivery", "concern"): ("با این تأخیرها سفارش‌ها پیش از عید می‌رسند؟",),
        ("delivery", "comment"): ("سفارشم زودتر از زمانی که گفته بودید رسید، ممنون!",),
        ("product_quality", "complaint"): (
            "درزهای کاپشن بعد از دو بار شستن باز شد.",
            "رنگ لباس خیلی زودتر از آنچه فکر می‌کردم رفت.",
        ),
        ("product_quality", "issue"): ("با اینکه سایز M سفارش داده بودم، سایز دیگری فرستادید.",),
        ("product_quality", "concern"): ("پارچه‌های جدید از جنس فصل قبل نازک‌ترند.",),
        ("product_quality", "comment"): ("کیفیتش نسبت به قیمت عالی است و اندازه‌اش هم دقیق بود.",),
        ("price", "complaint"): (
            "همین کالا در اپلیکیشن خودتان ارزان‌تر از سایت است.",
            "هزینه ارسال، قیمت یک سفارش کوچک را دو برابر کرد.",
        ),
        ("price", "issue"): ("کد تخفیف موقع پرداخت اعمال نشد.",),
        ("price", "concern"): ("قیمت‌ها امسال خیلی بالا رفته؛ شاید از جای دیگری خرید کنم.",),
        ("price", "comment"): ("قیمت ویژه اعضا باعث می‌شود همچنان از شما خرید کنم.",),
        ("customer_service", "complaint"): (
            "چهل دقیقه پشت خط ماندم و آخرش تماس قطع شد.",
            "سه ایمیل فرستادم و هنوز درباره بازپرداختم جوابی نگرفته‌ام.",
        ),
        ("customer_service", "issue"): ("پشتیبان گفت‌وگوی آنلاین درخواستم را بدون حل مشکل بست.",),
        ("customer_service", "concern"): ("وقتی مشکلی پیش می‌آید، صحبت با یک آدم واقعی سخت است.",),
        ("customer_service", "comment"): ("همکارتان در پشتیبانی با یک تماس همه‌چیز را درست کرد.",),
        ("website", "complaint"): (
            "پرداخت روی گوشی مدام خطا می‌دهد.",
            "اپلیکیشن هر بار که بازش می‌کنم از حسابم خارج می‌شود.",
        ),
        ("website", "issue"): ("بعد از وارد کردن مشخصات کارت، صفحه پرداخت خطا می‌دهد.",),
        ("website", "concern"): ("مطمئن نیستم اطلاعات کارتم امن نگه داشته می‌شود.",),
        ("website", "comment"): ("با اپلیکیشن جدید، سفارش دوباره خیلی راحت شده.",),
        ("returns", "complaint"): (
            "بازپرداخت سه هفته طول کشید تا به حسابم برسد.",
            "برای پس فرستادن کالای معیوب مجبور شدم هزینه ارسال بدهم.",
        ),
        ("returns", "issue"): ("برچسب مرجوعی که ایمیل شد در اداره پست اسکن نمی‌شود.",),
        ("returns", "concern"): ("مهلت چهارده‌روزه مرجوعی برای هدیه‌ها کم است.",),
        ("returns", "comment"): ("مرجوع کردن ساده بود و پولم خیلی زود برگشت.",),
    },
)

_AR = Words(
    client="شركة التجزئة النموذجية",
    currency="SAR",
    money_per_usd=3.75,
    money_step=1.0,
    places=(
        Place("السعودية", "منطقة الرياض", "الرياض", 26),
        Place("السعودية", "منطقة مكة المكرمة", "جدة", 14),
        Place("السعودية", "منطقة مكة المكرمة", "مكة المكرمة", 5),
        Place("السعودية", "منطقة مكة المكرمة", "الطائف", 2),
        Place("السعودية", "المنطقة الشرقية", "الدمام", 6),
        Place("السعودية", "المنطقة الشرقية", "الخبر", 4),
        Place("السعودية", "المنطقة الشرقية", "الأحساء", 2),
        Place("السعودية", "منطقة المدينة المنورة", "المدينة المنورة", 4),
        Place("السعودية", "منطقة القصيم", "بريدة", 2),
        Place("السعودية", "منطقة عسير", "أبها", 2),
        Place("الإمارات", "دبي", "دبي", 9),
        Place("الإمارات", "أبوظبي", "أبوظبي", 5),
        Place("الإمارات", "أبوظبي", "العين", 1),
        Place("الإمارات", "الشارقة", "الشارقة", 3),
        Place("الكويت", "محافظة العاصمة", "مدينة الكويت", 4),
        Place("الكويت", "محافظة حولي", "حولي", 2),
        Place("قطر", "الدوحة", "الدوحة", 4),
        Place("البحرين", "محافظة العاصمة", "المنامة", 2),
        Place("عُمان", "محافظة مسقط", "مسقط", 3),
    ),
    female_names=_names(
        "نورة سارة فاطمة ريم لطيفة مريم هند عائشة دانة جود لينا شهد أمل منى هيفاء غادة رهف "
        "العنود بشاير ندى روان جواهر أسماء حصة وعد"
    ),
    male_names=_names(
        "محمد عبدالله فهد خالد سعود فيصل سلطان عبدالعزيز تركي ناصر سلمان بندر ماجد عمر يوسف "
        "إبراهيم أحمد راشد حمد مشعل طلال نواف زياد بدر منصور"
    ),
    surnames=_names(
        "العتيبي القحطاني الشمري الغامدي الدوسري الحربي المطيري الزهراني السبيعي العنزي "
        "الشهري المالكي السهلي البلوشي الكعبي المنصوري الهاجري الرشيدي العجمي الكندري الفارسي "
        "النعيمي الأنصاري الخالدي البوعينين"
    ),
    interests={
        "outdoor": "الأنشطة الخارجية",
        "fitness": "اللياقة البدنية",
        "fashion": "الموضة",
        "home": "ديكور المنزل",
        "travel": "السفر",
        "tech": "التقنية",
        "cooking": "الطبخ",
        "wellness": "الصحة والعافية",
        "family": "العائلة",
        "sustainability": "الاستدامة",
    },
    products={
        "apparel": "ملابس",
        "footwear": "أحذية",
        "accessories": "إكسسوارات",
        "sportswear": "ملابس رياضية",
        "outdoor_gear": "مستلزمات الرحلات",
        "home": "مستلزمات المنزل",
        "kitchen": "أدوات المطبخ",
        "beauty": "مستحضرات التجميل",
        "electronics": "إلكترونيات",
    },
    topics={
        "delivery": "الشحن والتوصيل",
        "product_quality": "جودة المنتج",
        "price": "الأسعار",
        "customer_service": "خدمة العملاء",
        "website": "الموقع والتطبيق",
        "returns": "الإرجاع والاسترداد",
    },
    texts={
        ("delivery", "complaint"): (
            "وصلت الشحنة متأخرة خمسة أيام ولم يخبرني أحد بالسبب.",
            "ترك المندوب الطرد أمام الباب تحت المطر.",
        ),
        ("delivery", "issue"): ("رابط التتبع ما زال يعرض «تم إنشاء الشحنة» منذ أسبوع.",),
        ("delivery", "concern"): ("هل ستصل الطلبات قبل العيد مع هذا التأخير؟",),
        ("delivery", "comment"): ("وصل الطلب أسرع من الموعد المحدد، شكراً لكم!",),
        ("product_quality", "complaint"): (
            "انفكت خياطة الجاكيت بعد غسلتين فقط.",
            "بهت لون القطعة أسرع بكثير مما توقعت.",
        ),
        ("product_quality", "issue"): ("وصلني مقاس مختلف مع أن الطلب مسجل بمقاس M.",),
        ("product_quality", "concern"): ("القماش الجديد أخف من قماش الموسم الماضي.",),
        ("product_quality", "comment"): ("جودة ممتازة مقابل السعر والمقاس مضبوط تماماً.",),
        ("price", "complaint"): (
            "المنتج نفسه أرخص في تطبيقكم منه في الموقع.",
            "رسوم الشحن ضاعفت سعر طلب صغير.",
        ),
        ("price", "issue"): ("لم يُطبَّق كود الخصم عند الدفع.",),
        ("price", "concern"): ("ارتفعت الأسعار كثيراً هذا العام، وقد أتسوق من مكان آخر.",),
        ("price", "comment"): ("أسعار الأعضاء تجعلني أستمر في التسوق معكم.",),
        ("customer_service", "complaint"): (
            "انتظرت أربعين دقيقة على الهاتف ثم انقطع الاتصال.",
            "أرسلت ثلاث رسائل ولم يصلني أي رد بخصوص استرداد المبلغ.",
        ),
        ("customer_service", "issue"): ("أغلق موظف المحادثة طلبي دون أن يحل المشكلة.",),
        ("customer_service", "concern"): ("من الصعب الوصول إلى موظف حقيقي عند حدوث مشكلة.",),
        ("customer_service", "comment"): ("حلّ فريق الدعم كل شيء في مكالمة واحدة.",),
        ("website", "complaint"): (
            "عملية الدفع تفشل باستمرار على الجوال.",
            "التطبيق يسجّل خروجي في كل مرة أفتحه.",
        ),
        ("website", "issue"): ("تظهر رسالة خطأ في صفحة الدفع بعد إدخال بيانات البطاقة.",),
        ("website", "concern"): ("لست متأكداً من أن بيانات بطاقتي محفوظة بأمان.",),
        ("website", "comment"): ("التطبيق الجديد سهّل إعادة الطلب كثيراً.",),
        ("returns", "complaint"): (
            "استغرق استرداد المبلغ ثلاثة أسابيع حتى وصل إلى حسابي.",
            "اضطررت إلى دفع رسوم إرجاع منتج معيب.",
        ),
        ("returns", "issue"): ("ملصق الإرجاع المرسل بالبريد الإلكتروني لا يُقرأ في مكتب البريد.",),
        ("returns", "concern"): ("مهلة الإرجاع أربعة عشر يوماً قصيرة بالنسبة للهدايا.",),
        ("returns", "comment"): ("كان الإرجاع سهلاً ووصل المبلغ بسرعة.",),
    },
)

WORDS: dict[str, Words] = {"en": _EN, "fa": _FA, "ar": _AR}
