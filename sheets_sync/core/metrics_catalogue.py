"""What each metric is called and how it is shown: names and tab labels in the five languages,
value formats, which way a target points, the advice shown below a target, and the Metric record
built against its configured target. Shared by the measures, the Metrics tabs and the report."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sheets_sync.core import catalogue, vocabulary
from sheets_sync.core.referrals import localized

PERCENT, NUMBER, MONEY, DAYS = "percent", "number", "money", "days"

TIERS = ("A", "B", "C", "D")
ACTIVITIES = ("Active", "Cooling", "Silent", "Dormant")
COMPLETENESS_GROUPS = ("first_contact", "three_visits", "closed")

# Headline metrics, in the order of the Metrics tab and of the Metrics history columns. The history
# relies on this order staying fixed (new keys go at the end) so its charts can find their column.
HISTORY_KEYS = (
    "repeat_client_rate", "avg_days_to_return", "past_client_referral_share", "referral_share",
    "referral_conversion", "repurchase_rate", "nps", "csat", "dormant_share", "engagement",
    "touchpoints_on_time", "cltv", "lifetime_value", "retention_roi", "referral_roi",
    "referral_forecast", "completeness",
)
FORMATS: dict[str, str] = {
    "repeat_client_rate": PERCENT, "avg_days_to_return": DAYS,
    "past_client_referral_share": PERCENT, "referral_share": PERCENT,
    "referral_conversion": PERCENT, "repurchase_rate": PERCENT, "nps": NUMBER, "csat": PERCENT,
    "dormant_share": PERCENT, "engagement": PERCENT, "touchpoints_on_time": PERCENT,
    "cltv": MONEY, "lifetime_value": MONEY, "retention_roi": PERCENT, "referral_roi": MONEY,
    "referral_forecast": NUMBER, "completeness": PERCENT, "circle_conversion": PERCENT,
    "tier_distribution": NUMBER, "activity_distribution": NUMBER,
}
# Where a smaller value is the better one, a target is a ceiling.
LOWER_IS_BETTER = frozenset({"dormant_share", "avg_days_to_return"})


def _l(en: str, zh: str, zh_hant: str, ja: str, ms: str) -> dict[str, str]:
    return {"en": en, "zh": zh, "zh-Hant": zh_hant, "ja": ja, "ms": ms}


METRIC_NAMES: dict[str, dict[str, str]] = {
    "repeat_client_rate": _l("Repeat client rate", "回头客比例", "回頭客比例", "リピート顧客率",
                             "Kadar pelanggan berulang"),
    "avg_days_to_return": _l("Average time to return (days)", "平均回头间隔(天)",
                             "平均回頭間隔(天)", "平均リピート間隔(日)",
                             "Purata masa untuk kembali (hari)"),
    "past_client_referral_share": _l("Business from past clients & referrals",
                                     "老客户与转介绍业务占比", "老客戶與轉介紹業務佔比",
                                     "過去顧客・紹介からの取引比率",
                                     "Perniagaan daripada pelanggan lama & rujukan"),
    "referral_share": _l("Referral share of new deals", "老带新占比", "老帶新佔比",
                         "新規成約の紹介比率", "Bahagian rujukan bagi urus niaga baharu"),
    "referral_conversion": _l("Referral conversion", "转介绍转化率", "轉介紹轉化率", "紹介成約率",
                              "Kadar penukaran rujukan"),
    "repurchase_rate": _l("Repurchase rate", "老客户复购率", "老客戶復購率", "再購入率",
                          "Kadar pembelian semula"),
    "nps": _l("NPS", "净推荐值 NPS", "淨推薦值 NPS", "NPS", "NPS"),
    "csat": _l("CSAT", "客户满意度 CSAT", "客戶滿意度 CSAT", "顧客満足度 CSAT", "CSAT"),
    "dormant_share": _l("Dormant share (churn)", "沉睡客户占比(流失率)", "沉睡客戶佔比(流失率)",
                        "休眠顧客比率(離反率)", "Bahagian dorman (churn)"),
    "engagement": _l("Engagement", "互动回应率", "互動回應率", "エンゲージメント率",
                     "Kadar penglibatan"),
    "touchpoints_on_time": _l("Touchpoints on time", "按时触达率", "按時聯絡率", "期日内対応率",
                              "Sentuhan tepat masa"),
    "cltv": _l("CLTV", "客户终身价值 CLTV", "客戶終身價值 CLTV", "顧客生涯価値 CLTV", "CLTV"),
    "lifetime_value": _l("Lifetime value per client", "单客户终身价值", "單客戶終身價值",
                         "顧客あたり生涯価値", "Nilai sepanjang hayat setiap pelanggan"),
    "retention_roi": _l("Retention ROI", "客户维护投资回报率", "客戶維護投資回報率",
                        "維持プログラムROI", "ROI program pengekalan"),
    "circle_conversion": _l("Conversion rate by circle", "圈层转化率", "圈層轉化率",
                            "サークル別成約率", "Kadar penukaran mengikut bulatan"),
    "referral_roi": _l("Referred commission per year per referrer", "介绍人年均带来佣金",
                       "介紹人年均帶來佣金", "紹介者あたり年間紹介手数料",
                       "Komisen rujukan setahun setiap perujuk"),
    "referral_forecast": _l("Referral forecast (next quarter)", "下季度转介绍预测",
                            "下季度轉介紹預測", "紹介予測(次四半期)",
                            "Ramalan rujukan (suku tahun depan)"),
    "completeness": _l("Data completeness", "资料完整度", "資料完整度", "情報充足率",
                       "Kelengkapan data"),
    "tier_distribution": _l("Contacts by tier", "各等级人数", "各等級人數", "ランク別人数",
                            "Kenalan mengikut tier"),
    "activity_distribution": _l("Contacts by activity", "各活跃度人数", "各活躍度人數",
                                "アクティビティ別人数", "Kenalan mengikut aktiviti"),
}

TAB_LABELS: dict[str, dict[str, str]] = {
    "metric": _l("Metric", "指标", "指標", "指標", "Metrik"),
    "value": _l("Value", "数值", "數值", "値", "Nilai"),
    "target": _l("Target", "目标", "目標", "目標", "Sasaran"),
    "status": _l("Status", "状态", "狀態", "状況", "Status"),
    "definition": _l("Definition", "定义", "定義", "定義", "Takrifan"),
    "advice": _l("What to do", "建议行动", "建議行動", "次の一手", "Tindakan"),
    "date": _l("Date", "日期", "日期", "日付", "Tarikh"),
    "met": _l("met", "达标", "達標", "達成", "dicapai"),
    "below": _l("below", "未达标", "未達標", "未達", "di bawah sasaran"),
    "none": _l("(none)", "(无)", "(無)", "(なし)", "(tiada)"),
    "by_owner": _l("By owner", "按负责人", "按負責人", "担当者別", "Mengikut ejen"),
    "by_tier": _l("By tier", "按等级", "按等級", "ランク別", "Mengikut tier"),
    "by_circle": _l("By circle", "按圈层", "按圈層", "サークル別", "Mengikut bulatan"),
    "by_source": _l("By source", "按来源", "按來源", "流入元別", "Mengikut sumber"),
    "owner": _l("Owner", "负责人", "負責人", "担当者", "Ejen"),
    "tier": _l("Tier", "等级", "等級", "ランク", "Tier"),
    "circle": _l("Circle", "圈层", "圈層", "サークル", "Bulatan"),
    "source": _l("Source", "来源", "來源", "流入元", "Sumber"),
    "contacts": _l("Contacts", "联系人", "聯絡人", "連絡先数", "Kenalan"),
    "clients": _l("Clients", "客户", "客戶", "顧客数", "Pelanggan"),
    "transactions": _l("Transactions", "成交数", "成交數", "取引数", "Transaksi"),
    "commission": _l("Commission", "佣金", "佣金", "手数料", "Komisen"),
    "conversion": _l("Conversion (clients ÷ contacts)", "转化率(客户÷联系人)",
                     "轉化率(客戶÷聯絡人)", "成約率(顧客÷連絡先)",
                     "Penukaran (pelanggan ÷ kenalan)"),
    "share_of_transactions": _l("Share of transactions", "成交占比", "成交佔比", "取引シェア",
                                "Bahagian transaksi"),
    "nps_over_time": _l("NPS over time", "NPS 趋势", "NPS 趨勢", "NPS の推移", "NPS mengikut masa"),
    "repeat_over_time": _l("Repeat client rate over time", "回头客比例趋势", "回頭客比例趨勢",
                           "リピート顧客率の推移", "Kadar pelanggan berulang mengikut masa"),
    "business_by_source": _l("Business by source", "各来源成交", "各來源成交", "流入元別の取引",
                             "Perniagaan mengikut sumber"),
}

GROUP_LABELS: dict[str, dict[str, str]] = {
    "Active": _l("Active", "活跃", "活躍", "アクティブ", "Aktif"),
    "Cooling": _l("Cooling", "降温", "降溫", "冷却中", "Semakin dingin"),
    "Silent": _l("Silent", "沉默", "沉默", "サイレント", "Senyap"),
    "Dormant": _l("Dormant", "沉睡", "沉睡", "休眠", "Dorman"),
    "Past client": _l("Past client", "老客户", "老客戶", "過去の顧客", "Pelanggan lama"),
    "Other": _l("Other", "其他", "其他", "その他", "Lain-lain"),
    "first_contact": _l("First contact", "首次接触", "首次接觸", "初回接触", "Hubungan pertama"),
    "three_visits": _l("After three visits", "三次来访后", "三次來訪後", "来訪3回以降",
                       "Selepas tiga lawatan"),
    "closed": _l("Closed clients", "成交客户", "成交客戶", "成約顧客", "Pelanggan selesai"),
}

# A short "what to do" line shown when a metric is below its target.
ADVICE: dict[str, str] = {
    "repeat_client_rate": "Keep A/B clients on their 30/90-day cadence and call on every home "
                          "anniversary; offer equity reviews to past clients.",
    "past_client_referral_share": "Work the past-client list weekly and ask for referrals at the "
                                  "day-30 check-in (seed 002).",
    "referral_share": "Ask for a referral at every day-30 check-in and thank each referrer within "
                      "48 hours.",
    "repurchase_rate": "Send past clients market updates and equity reviews; log life events in "
                       "Interactions so the check-ins fire.",
    "nps": "Call every detractor (0-6) to hear what went wrong and fix it before asking for "
           "referrals.",
    "csat": "Go through the unsatisfied answers in Interactions; a manager calls each one "
            "(seed 003).",
    "dormant_share": "Work the reconnect items in Today: clients silent for 90+ days first.",
    "completeness": "Fill the missing profile fields (Completeness on Contacts) at the next call.",
}


@dataclass
class Metric:
    """One line of the Metrics tab. `value` is a fraction for percent metrics (0.25 = 25 %)."""

    key: str
    name: str
    value: float | None
    target: str = ""
    status: str = ""  # "met", "below" or "" (no target, or no value)
    definition: str = ""
    format: str = NUMBER  # percent / number / money / days
    advice: str = ""
    group: str = ""  # for per-group metrics (a circle, a tier, a referrer…); "" for headline ones
    reference: str = ""  # the configured reference shown inside `target` (metrics.references)


def _target_text(key: str, fmt: str, target: float | None, reference: str) -> str:
    parts = []
    if target is not None:
        sign = "≤" if key in LOWER_IS_BETTER else "≥"
        shown = f"{target * 100:g} %" if fmt == PERCENT else f"{target:g}"
        parts.append(f"{sign} {shown}")
    if reference:
        parts.append(f"({reference})" if parts else reference)
    return " ".join(parts)


def _status(key: str, value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    better = value <= target if key in LOWER_IS_BETTER else value >= target
    return "met" if better else "below"


def make_metric(key: str, value: float | None, definition: str, config: Mapping[str, Any], *,
                group: str = "", target: float | None = None,
                reference: str | None = None) -> Metric:
    """The Metric with its name, format and status against the `[metrics]` target (or `target`,
    for a group); a headline metric shows its configured reference next to the target."""
    settings = config["metrics"]
    if target is None and not group:
        raw = settings["targets"].get(key)
        target = float(raw) if raw is not None else None
    if reference is None:
        reference = "" if group else str(settings["references"].get(key, ""))
    fmt = FORMATS[key]
    status = _status(key, value, target)
    name = METRIC_NAMES[key]["en"] + (f" — {group}" if group else "")
    return Metric(key=key, name=name, value=value, target=_target_text(key, fmt, target, reference),
                  status=status, definition=definition, format=fmt,
                  advice=ADVICE.get(key, "") if status == "below" else "", group=group,
                  reference=reference)


def shown_texts(metric: Metric, lang: str) -> tuple[str, str, str]:
    """The metric's target, definition and advice in `lang` (locales/<lang>.toml), English
    where the catalogue has no entry (a reference a person set in config, say)."""
    target = metric.target
    if metric.reference and metric.reference in target:
        target = target.replace(metric.reference,
                                catalogue.text("references", metric.reference, lang))
    advice = catalogue.shipped_catalogue().key("advice", metric.key, lang, metric.advice) \
        if metric.advice else ""
    return target, catalogue.text("definitions", metric.definition, lang), advice


def metric_label(metric: Metric, lang: str) -> str:
    """The metric's name in `lang`, with its group (circle, tier, …) localized where known."""
    name = localized(METRIC_NAMES.get(metric.key, {"en": metric.name}), lang)
    if not metric.group:
        return name
    return f"{name} — {group_label(metric.group, lang)}"


def group_label(group: str, lang: str) -> str:
    """A breakdown or metric group in `lang`: a circle, an activity, a stage…; "" is "(none)"."""
    if not group:
        return localized(TAB_LABELS["none"], lang)
    if group in vocabulary.CIRCLES:
        return vocabulary.label(vocabulary.CIRCLES[group], lang)
    if group in GROUP_LABELS:
        return localized(GROUP_LABELS[group], lang)
    return group

