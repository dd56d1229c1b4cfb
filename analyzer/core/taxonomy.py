"""The fixed category taxonomy: 41 CUAD categories plus licensing/JV categories."""

from __future__ import annotations

import re

CUAD_NAMES = [
    "Document Name", "Parties", "Agreement Date", "Effective Date", "Expiration Date",
    "Renewal Term", "Notice Period To Terminate Renewal", "Governing Law", "Most Favored Nation",
    "Competitive Restriction Exception", "Non-Compete", "Exclusivity", "No-Solicit Of Customers",
    "No-Solicit Of Employees", "Non-Disparagement", "Termination For Convenience", "Rofr/Rofo/Rofn",
    "Change Of Control", "Anti-Assignment", "Revenue/Profit Sharing", "Price Restrictions",
    "Minimum Commitment", "Volume Restriction", "Ip Ownership Assignment", "Joint Ip Ownership",
    "License Grant", "Non-Transferable License", "Affiliate License-Licensor",
    "Affiliate License-Licensee", "Unlimited/All-You-Can-Eat-License",
    "Irrevocable Or Perpetual License", "Source Code Escrow", "Post-Termination Services",
    "Audit Rights", "Uncapped Liability", "Cap On Liability", "Liquidated Damages",
    "Warranty Duration", "Insurance", "Covenant Not To Sue", "Third Party Beneficiary",
]


def category_id(name: str) -> str:
    """CUAD name -> id: lower-cased, every run of non-alphanumerics turned into '_'."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


CUAD_CATEGORIES: list[str] = [category_id(n) for n in CUAD_NAMES]

LICENSING_JV_CATEGORIES: list[str] = [
    "field_of_use", "territory", "sublicensing", "improvements", "confidentiality", "term",
    "termination_for_cause", "indemnification", "warranty", "limitation_of_liability",
    "dispute_resolution", "export_control", "data_protection", "force_majeure",
    "royalties_payment", "patent_prosecution_maintenance", "ip_enforcement", "no_challenge",
    "technology_transfer_know_how", "standards_frand", "capital_contribution", "governance",
    "deadlock", "transfer_restrictions", "exit_dissolution",
]

ALL_CATEGORIES: list[str] = CUAD_CATEGORIES + LICENSING_JV_CATEGORIES

# Categories whose evidence is an entity (a name or a date), not a clause sentence.
ENTITY_CATEGORIES = ["document_name", "parties", "agreement_date", "effective_date"]

MISSION_CATEGORIES = [
    "license_grant", "non_transferable_license", "irrevocable_or_perpetual_license",
    "ip_ownership_assignment", "joint_ip_ownership", "cap_on_liability", "uncapped_liability",
    "termination_for_convenience", "governing_law", "anti_assignment", "change_of_control",
    "audit_rights", "insurance", "non_compete", "exclusivity", "post_termination_services",
    "revenue_profit_sharing",
]

AGREEMENT_TYPES = ["license", "jv", "collaboration", "development", "nda", "distribution", "services", "other"]

assert len(CUAD_CATEGORIES) == 41 and len(set(ALL_CATEGORIES)) == len(ALL_CATEGORIES)

# Chinese names of the categories (memos and the app in Chinese)
CATEGORY_ZH: dict[str, str] = {
    "document_name": "合同名称", "parties": "当事方", "agreement_date": "签订日期", "effective_date": "生效日期",
    "expiration_date": "到期日", "renewal_term": "续期", "notice_period_to_terminate_renewal": "不续期通知期",
    "governing_law": "适用法律", "most_favored_nation": "最惠待遇", "competitive_restriction_exception": "竞争限制例外",
    "non_compete": "竞业限制", "exclusivity": "排他性", "no_solicit_of_customers": "不招揽客户",
    "no_solicit_of_employees": "不招揽员工", "non_disparagement": "不诋毁", "termination_for_convenience": "任意解除",
    "rofr_rofo_rofn": "优先购买权/优先要约权/优先谈判权", "change_of_control": "控制权变更", "anti_assignment": "禁止转让",
    "revenue_profit_sharing": "收入/利润分成", "price_restrictions": "价格限制", "minimum_commitment": "最低承诺",
    "volume_restriction": "数量限制", "ip_ownership_assignment": "知识产权归属与转让", "joint_ip_ownership": "知识产权共有",
    "license_grant": "许可授予", "non_transferable_license": "不可转让许可", "affiliate_license_licensor": "许可方关联方许可",
    "affiliate_license_licensee": "被许可方关联方许可", "unlimited_all_you_can_eat_license": "无限量许可",
    "irrevocable_or_perpetual_license": "不可撤销或永久许可", "source_code_escrow": "源代码托管",
    "post_termination_services": "终止后服务", "audit_rights": "审计权", "uncapped_liability": "无上限责任",
    "cap_on_liability": "责任上限", "liquidated_damages": "违约金", "warranty_duration": "保证期", "insurance": "保险",
    "covenant_not_to_sue": "不起诉承诺", "third_party_beneficiary": "第三方受益人", "field_of_use": "使用领域",
    "territory": "地域范围", "sublicensing": "分许可", "improvements": "改进技术", "confidentiality": "保密",
    "term": "期限", "termination_for_cause": "违约解除", "indemnification": "赔偿", "warranty": "保证",
    "limitation_of_liability": "责任限制", "dispute_resolution": "争议解决", "export_control": "出口管制",
    "data_protection": "数据保护", "force_majeure": "不可抗力", "royalties_payment": "许可使用费与支付",
    "patent_prosecution_maintenance": "专利申请与维持", "ip_enforcement": "知识产权维权", "no_challenge": "不质疑",
    "technology_transfer_know_how": "技术转让与专有技术", "standards_frand": "标准必要专利/FRAND",
    "capital_contribution": "出资", "governance": "公司治理", "deadlock": "僵局", "transfer_restrictions": "股权转让限制",
    "exit_dissolution": "退出与解散",
}
AGREEMENT_TYPE_ZH: dict[str, str] = {"license": "许可协议", "jv": "合资合同", "collaboration": "合作协议",
                                     "development": "开发协议", "nda": "保密协议", "distribution": "经销协议",
                                     "services": "服务协议", "other": "其他"}
