"""Names of tabs, columns and enumeration values in every supported language.

Each entry maps a canonical key to its label per language: en, zh (simplified), zh-Hant
(traditional), ja, ms. Further strings are extra aliases accepted on input. Matching is case- and
space-insensitive (see `normalise`). The first label of a language is what the tool writes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

from sheets_sync.core.model import BOOK_ROWS

LANGS = ("en", "zh", "zh-Hant", "ja", "ms")

Labels = Mapping[str, tuple[str, ...]]


def _l(
    en: str, zh: str, zh_hant: str, ja: str, ms: str, *aliases: str
) -> dict[str, tuple[str, ...]]:
    return {
        "en": (en,),
        "zh": (zh,),
        "zh-Hant": (zh_hant,),
        "ja": (ja,),
        "ms": (ms,),
        "alias": tuple(aliases),
    }


TABS: dict[str, dict[str, tuple[str, ...]]] = {
    "contacts": _l(
        "Contacts", "客户", "客戶", "顧客", "Kenalan", "联系人", "聯絡人", "連絡先", "Pelanggan"
    ),
    "interactions": _l("Interactions", "互动记录", "互動記錄", "対応履歴", "Interaksi", "跟进记录"),
    "transactions": _l("Transactions", "成交记录", "成交記錄", "取引", "Transaksi", "成交"),
    "today": _l("Today", "今日", "今日", "今日", "Hari ini"),
    "calendar": _l("Calendar", "日历", "日曆", "カレンダー", "Kalendar"),
    "metrics": _l("Metrics", "指标", "指標", "指標", "Metrik"),
    "metrics_history": _l("Metrics history", "指标历史", "指標歷史", "指標履歴", "Sejarah metrik"),
    "referrals": _l("Referrals", "转介绍", "轉介紹", "紹介", "Rujukan"),
    "issues": _l("Issues", "问题", "問題", "問題", "Isu"),
    "themes": _l("Themes", "主题", "主題", "テーマ", "Tema"),
    "greetings": _l("Greetings", "节日问候", "節日問候", "季節の挨拶", "Ucapan"),
    "how_to_use": _l("How to use", "使用说明", "使用說明", "使い方", "Cara guna"),
    "settings": _l("Settings", "设置", "設定", "設定", "Tetapan", "設置", "配置"),
}

CONTACT_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "id": _l("ID", "编号", "編號", "顧客ID", "ID", "客户编号", "客戶編號", "番号"),
    "name": _l("Name", "姓名", "姓名", "氏名", "Nama", "名字", "名前", "客户姓名"),
    "owner": _l(
        "Owner",
        "负责人",
        "負責人",
        "担当者",
        "Ejen",
        "经纪人",
        "經紀人",
        "担当",
        "Pemilik",
        "Agent",
    ),
    "phone": _l(
        "Phone", "电话", "電話", "電話番号", "Telefon", "手机", "手機", "No telefon", "Mobile"
    ),
    "email": _l(
        "Email",
        "邮箱",
        "電郵",
        "メール",
        "E-mel",
        "电子邮件",
        "電子郵件",
        "メールアドレス",
        "Emel",
        "E-mail",
    ),
    "language": _l("Language", "语言", "語言", "言語", "Bahasa"),
    "country": _l("Country", "国家", "國家", "国", "Negara", "国・地域"),
    "birthday": _l(
        "Birthday",
        "生日",
        "生日",
        "誕生日",
        "Tarikh lahir",
        "Hari lahir",
        "出生日期",
        "生年月日",
        "Date of birth",
    ),
    "lunar_birthday": _l(
        "Lunar birthday",
        "农历生日",
        "農曆生日",
        "旧暦誕生日",
        "Hari lahir lunar",
        "阴历生日",
        "陰曆生日",
    ),
    "circle": _l("Circle", "圈层", "圈層", "サークル", "Bulatan", "关系圈", "關係圈"),
    "stage": _l("Stage", "阶段", "階段", "ステージ", "Peringkat", "状态", "狀態", "段階"),
    "closing_date": _l(
        "Closing date",
        "成交日期",
        "成交日期",
        "成約日",
        "Tarikh jual beli",
        "Tarikh penutupan",
        "成交日",
        "Close date",
    ),
    "last_contact": _l(
        "Last contact",
        "最近联系",
        "最近聯絡",
        "最終連絡日",
        "Hubungan terakhir",
        "上次联系",
        "上次聯繫",
        "Last contacted",
        "最近聯繫",  # traditional labels written before they took Taiwan/Hong Kong usage
        "上次聯絡",
    ),
    "referred_by": _l(
        "Referred by", "介绍人", "介紹人", "紹介者", "Dirujuk oleh", "推荐人", "推薦人"
    ),
    "nps": _l("NPS", "NPS", "NPS", "NPS", "NPS", "推荐意愿", "推薦意願", "推奨度"),
    "lost_reason": _l("Lost reason", "流失原因", "流失原因", "失注理由", "Sebab hilang"),
    "do_not_contact": _l(
        "Do not contact",
        "勿扰",
        "勿擾",
        "連絡不可",
        "Jangan hubungi",
        "请勿联系",
        "請勿聯繫",
        "DNC",
        "請勿聯絡",
    ),
    "tier_override": _l("Tier override", "手动等级", "手動等級", "ランク指定", "Tetapan tier"),
    # Prospect intent grading (seed 001); optional columns.
    "accepts_product": _l("Accepts product", "认同产品", "認同產品", "商品に納得", "Terima produk"),
    "accepts_price": _l("Accepts price", "认同价格", "認同價格", "価格に納得", "Terima harga"),
    "can_afford": _l("Can afford", "购买能力", "購買能力", "購入能力", "Mampu beli"),
    "visits": _l("Visits", "来访次数", "來訪次數", "来訪回数", "Lawatan"),
    "decision_makers_seen": _l(
        "Decision makers seen",
        "决策人已来访",
        "決策人已來訪",
        "決裁者来訪",
        "Pembuat keputusan ditemui",
    ),
    # Per-contact preferences (optional): how to address them, how to reach them, what to greet.
    "salutation": _l("Salutation", "称谓", "稱謂", "敬称", "Gelaran", "Title", "Honorific",
                     "称呼", "稱呼", "Panggilan hormat"),
    "preferred_name": _l("Preferred name", "常用名", "常用名", "呼び名", "Nama panggilan",
                         "Nickname", "昵称", "暱稱", "ニックネーム", "Known as"),
    "preferred_channel": _l("Preferred channel", "首选渠道", "首選渠道", "希望連絡手段",
                            "Saluran pilihan", "偏好渠道", "連絡方法"),
    "festivals": _l("Festivals", "节日", "節日", "祝祭日", "Perayaan", "Festival", "节庆",
                    "節慶", "Hari perayaan"),
}

OWNED_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "tier": _l("Tier", "等级", "等級", "ランク", "Tier"),
    "lifecycle": _l("Lifecycle", "生命周期", "生命週期", "ライフサイクル", "Kitaran hayat"),
    "activity": _l("Activity", "活跃度", "活躍度", "アクティビティ", "Aktiviti"),
    "days_since_contact": _l(
        "Days since contact",
        "距上次联系天数",
        "距上次聯絡天數",
        "最終連絡からの日数",
        "Hari sejak dihubungi",
        "距上次聯繫天數",
    ),
    "next_touch": _l("Next touch", "下次触达", "下次聯絡", "次回アクション", "Sentuhan seterusnya",
                     "下次觸達"),
    "next_touch_date": _l(
        "Next touch date",
        "下次触达日期",
        "下次聯絡日期",
        "次回アクション日",
        "Tarikh sentuhan seterusnya",
        "下次觸達日期",
    ),
    "completeness": _l("Completeness", "资料完整度", "資料完整度", "情報充足率", "Kelengkapan"),
    "row_issues": _l("Row issues", "行问题", "此列問題", "行の問題", "Isu baris", "行問題"),
}

INTERACTION_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "date": _l("Date", "日期", "日期", "日付", "Tarikh"),
    "contact_id": _l("Contact ID", "客户编号", "客戶編號", "顧客ID", "ID kenalan", "ID"),
    "channel": _l("Channel", "渠道", "管道", "チャネル", "Saluran", "方式"),
    "touchpoint": _l("Touchpoint", "触达", "聯絡事項", "タッチポイント", "Sentuhan", "觸達"),
    "outcome": _l("Outcome", "结果", "結果", "結果", "Hasil"),
    "notes": _l("Notes", "备注", "備註", "メモ", "Nota", "備考"),
    "owner": CONTACT_COLUMNS["owner"],
}

TRANSACTION_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "contact_id": INTERACTION_COLUMNS["contact_id"],
    "closing_date": CONTACT_COLUMNS["closing_date"],
    "side": _l("Side", "类型", "類型", "区分", "Jenis", "买卖", "買賣"),
    "price": _l("Price", "价格", "價格", "価格", "Harga", "成交价", "成交價"),
    "commission": _l("Commission", "佣金", "佣金", "手数料", "Komisen"),
    "source": _l("Source", "来源", "來源", "流入元", "Sumber"),
    "referred_by": CONTACT_COLUMNS["referred_by"],
}

ISSUE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "tab": _l("Tab", "工作表", "工作表", "シート", "Tab"),
    "row": _l("Row", "行", "列號", "行", "Baris"),
    "column": _l("Column", "列", "欄", "列", "Lajur"),
    "value": _l("Value", "值", "值", "値", "Nilai"),
    "problem": _l("Problem", "问题", "問題", "問題", "Masalah"),
    "suggestion": _l("Suggestion", "建议", "建議", "提案", "Cadangan"),
}

# Enumerations: canonical English value -> labels.
CIRCLES: dict[str, dict[str, tuple[str, ...]]] = {
    "General Public": _l("General Public", "大众", "大眾", "一般", "Orang awam", "public"),
    "Target Group": _l("Target Group", "目标群体", "目標群體", "ターゲット層", "Kumpulan sasaran"),
    "Network": _l("Network", "人脉", "人脈", "人脈", "Rangkaian"),
    "Allied Resource": _l("Allied Resource", "合作资源", "合作資源", "提携先", "Sumber bersekutu"),
    "Advocate": _l("Advocate", "拥护者", "擁護者", "支持者", "Penyokong"),
    "Core Advocate": _l(
        "Core Advocate", "核心拥护者", "核心擁護者", "コア支持者", "Penyokong teras"
    ),
}
STAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "Lead": _l("Lead", "线索", "線索", "リード", "Petunjuk"),
    "Prospect": _l(
        "Prospect", "意向客户", "意向客戶", "見込み客", "Prospek", "潜在客户", "潛在客戶"
    ),
    "Under contract": _l("Under contract", "已签约", "已簽約", "契約中", "Dalam kontrak", "签约"),
    "Closed": _l("Closed", "已成交", "已成交", "成約", "Selesai", "成交", "Ditutup"),
    "Lost": _l("Lost", "流失", "流失", "失注", "Hilang", "已流失"),
}
LOST_REASONS: dict[str, dict[str, tuple[str, ...]]] = {
    "Price": _l("Price", "价格", "價格", "価格", "Harga"),
    "Amenities": _l("Amenities", "配套", "配套", "周辺環境", "Kemudahan", "设施", "設施"),
    "Service": _l("Service", "服务", "服務", "サービス", "Perkhidmatan"),
    "Other": _l("Other", "其他", "其他", "その他", "Lain-lain"),
}
TIERS = ("A", "B", "C", "D")
YES_NO: dict[str, dict[str, tuple[str, ...]]] = {
    "yes": _l(
        "yes", "是", "是", "はい", "ya", "y", "true", "1", "x", "✓", "✔", "有", "対象", "o", "〇"
    ),
    "no": _l("no", "否", "否", "いいえ", "tidak", "n", "false", "0", "无", "無", "-"),
}
MESSAGE_LANGUAGES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": _l("en", "英语", "英語", "英語", "Inggeris", "english", "en-us", "en-gb"),
    "zh": _l(
        "zh",
        "中文",
        "中文(简体)",
        "中国語",
        "Cina",
        "chinese",
        "zh-cn",
        "zh-hans",
        "简体中文",
        "普通话",
        "华语",
    ),
    "zh-Hant": _l(
        "zh-Hant",
        "繁体中文",
        "繁體中文",
        "中国語(繁体)",
        "Cina tradisional",
        "zh-tw",
        "zh-hk",
        "繁體",
        "traditional chinese",
    ),
    "ja": _l("ja", "日语", "日語", "日本語", "Jepun", "japanese", "jp"),
    "ms": _l("ms", "马来语", "馬來語", "マレー語", "Melayu", "malay", "bm", "bahasa melayu"),
}
CHANNELS = ("call", "sms", "email", "visit", "event", "gift", "note")


_FOLD_OUT = re.compile(r"[\s_\-]+")


def normalise(text: object) -> str:
    """Fold a header or value for matching: NFKC, casefold, no spaces, underscores or dashes."""
    if isinstance(text, str):
        return _normalise_text(text)
    return _normalise_text(str(text))


def normalise_unremembered(text: str) -> str:
    """`normalise` of a value that is one row's own (a contact's name): folded without a memo
    entry, which would be read once and held for the process's life (a book's names were
    100,000 entries)."""
    return _FOLD_OUT.sub("", unicodedata.normalize("NFKC", text).casefold())


# The same headers and enumeration values recur on every row, and IDs are folded too.
@functools.lru_cache(maxsize=BOOK_ROWS)
def _normalise_text(text: str) -> str:
    return normalise_unremembered(text)


def all_labels(entry: Mapping[str, Iterable[str]]) -> list[str]:
    return [label for labels in entry.values() for label in labels]


def build_index(table: Mapping[str, Mapping[str, Iterable[str]]]) -> dict[str, str]:
    """Map every normalised label of every key to that key (first key wins on a clash)."""
    index: dict[str, str] = {}
    for key, entry in table.items():
        for label in [key, *all_labels(entry)]:
            index.setdefault(normalise(label), key)
    return index


def label(entry: Mapping[str, tuple[str, ...]], lang: str) -> str:
    """The label the tool writes for `entry` in `lang` (English when the language is unknown)."""
    labels = entry.get(lang) or entry["en"]
    return labels[0]


TODAY_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "done": _l("Done", "完成", "完成", "完了", "Selesai"),
    "due": _l("Due", "到期日", "到期日", "期日", "Tarikh"),
    "days_overdue": _l("Days overdue", "逾期天数", "逾期天數", "超過日数", "Hari tertunggak"),
    "priority": _l("Priority", "优先级", "優先級", "優先度", "Keutamaan"),
    "owner": CONTACT_COLUMNS["owner"],
    "contact_id": INTERACTION_COLUMNS["contact_id"],
    "name": CONTACT_COLUMNS["name"],
    "tier": OWNED_COLUMNS["tier"],
    "touchpoint": INTERACTION_COLUMNS["touchpoint"],
    "channel": INTERACTION_COLUMNS["channel"],
    "phone": CONTACT_COLUMNS["phone"],
    "email": CONTACT_COLUMNS["email"],
    "send": _l("Send", "发送", "發送", "送信", "Hantar"),
    "message": _l("Message", "消息", "訊息", "メッセージ", "Mesej"),
    "last_interaction": _l("Last interaction", "上次互动", "上次互動", "前回の対応",
                           "Interaksi terakhir"),
    # The rule's key, in a hidden column: the Done loop logs "Label [key]".
    "rule": _l("Rule", "规则", "規則", "ルール", "Peraturan"),
    "outcome": INTERACTION_COLUMNS["outcome"],
    "notes": INTERACTION_COLUMNS["notes"],
}


# The Settings tab (people-owned, written by `init`): Setting | Value | About.
SETTINGS_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "setting": _l("Setting", "设置项", "設定項目", "設定項目", "Nama tetapan", "设置", "設定",
                  "項目", "Tetapan"),
    "value": _l("Value", "值", "值", "値", "Nilai", "设定值", "設定值", "設定値"),
    "about": _l("About", "说明", "說明", "説明", "Keterangan", "Explanation", "备注", "備註"),
}

# Settings a workbook may carry; the engine's settings key is in book_settings.py.
BOOK_SETTINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "default_country": _l("Default country", "默认国家", "預設國家", "既定の国", "Negara lalai",
                          "Country", "国家", "國家", "国", "Negara"),
    "default_language": _l("Language", "语言", "語言", "言語", "Bahasa", "Default language",
                           "默认语言", "預設語言", "既定の言語", "Bahasa lalai"),
    "date_order": _l("Date order", "日期顺序", "日期順序", "日付の順序", "Susunan tarikh"),
    "currency": _l("Currency", "货币", "貨幣", "通貨", "Mata wang", "Currency format"),
    "office_address": _l("Office address", "办公地址", "辦公地址", "事務所の住所",
                         "Alamat pejabat", "Address", "地址", "住所", "Alamat"),
    "manager": _l("Manager", "经理", "經理", "マネージャー", "Pengurus", "店长", "店長",
                  "主管", "責任者"),
    "daily_cap": _l("Daily cap", "每日上限", "每日上限", "1日の上限", "Had harian",
                    "Daily limit", "一日の上限"),
    "program_cost": _l("Program cost per year", "年度维护成本", "年度維護成本",
                       "年間プログラム費用", "Kos program setahun", "Program cost"),
    "id_prefix": _l("ID prefix", "编号前缀", "編號前綴", "ID接頭辞", "Awalan ID"),
}

# Transactions values. Sides and Sources are free text (people type their own); these are the
# words the tool itself writes (the sample, the dropdowns) and reads as one canonical value
# whatever the book's language. Metrics read Sources through the word lists in
# config [metrics]; the touchpoint engine reads the Side through `side_key`.
SIDES: dict[str, dict[str, tuple[str, ...]]] = {
    "buy": _l("buy", "买入", "買入", "購入", "beli", "purchase", "bought", "买", "買", "购买",
              "購買", "买房", "買房", "pembelian", "membeli"),
    "sell": _l("sell", "卖出", "賣出", "売却", "jual", "sale", "sold", "卖", "賣", "出售",
               "penjualan", "menjual"),
    "rent": _l("rent", "租赁", "租賃", "賃貸", "sewa", "rental", "tenancy", "let", "lease", "出租",
               "租房", "penyewaan"),
}
SOURCES: dict[str, dict[str, tuple[str, ...]]] = {
    "referral": _l("referral", "转介绍", "轉介紹", "紹介", "rujukan"),
    "past client": _l("past client", "老客户", "老客戶", "既存顧客", "pelanggan lama"),
    "sphere": _l("sphere", "人脉", "人脈", "知人", "kenalan"),
    "portal": _l("portal", "房产网站", "房屋網站", "ポータルサイト", "portal hartanah"),
    "walk-in": _l("walk-in", "上门客", "來店客", "来店", "pelanggan datang sendiri"),
}


@functools.lru_cache(maxsize=1)
def _side_index() -> dict[str, str]:
    return build_index(SIDES)


def side_key(text: str | None) -> str:
    """The canonical Side ("buy", "sell", "rent") of a typed Side in any language; other text
    comes back folded (stripped, casefolded) so rules can still match it."""
    folded = (text or "").strip().casefold()
    return _side_index().get(normalise(folded), folded) if folded else ""


# Interactions Channel words: the canonical CHANNELS key is what the rules match and what the
# tool writes; a person may type the channel in any of the five languages.
CHANNEL_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "call": _l("call", "电话", "電話", "電話", "panggilan", "phone", "phone call", "致电", "通话",
               "打电话", "致電", "通話", "打電話", "telefon", "panggilan telefon"),
    "sms": _l("sms", "短信", "簡訊", "SMS", "SMS", "text", "text message", "短訊", "訊息",
              "ショートメール", "ショートメッセージ", "mesej", "mesej teks"),
    "email": _l("email", "邮件", "電郵", "メール", "e-mel", "e-mail", "mail", "电子邮件",
                "電子郵件", "郵件", "emel"),
    "visit": _l("visit", "拜访", "拜訪", "訪問", "lawatan", "viewing", "来访", "來訪", "带看",
                "帶看", "来訪", "内見", "来店", "kunjungan"),
    "event": _l("event", "活动", "活動", "イベント", "majlis", "acara"),
    "gift": _l("gift", "礼品", "禮品", "贈り物", "hadiah", "送礼", "送禮", "ギフト", "プレゼント"),
    "note": _l("note", "手写卡片", "手寫卡片", "手紙", "nota", "card", "handwritten note", "便条",
               "便條", "卡片", "はがき", "カード", "kad"),
}


@functools.lru_cache(maxsize=1)
def _channel_index() -> dict[str, str]:
    return build_index(CHANNEL_WORDS)


def channel_key(text: str | None) -> str:
    """The canonical channel ("call", "sms" …) of a typed Channel in any language; other text
    comes back casefolded, as typed."""
    folded = (text or "").strip().casefold()
    return _channel_index().get(normalise(folded), folded) if folded else ""
