"""Names of the domain's values (categories, subtypes, handling modes, statuses) and the
prescribed handling of spec §3 (``guidance.<category>.<subtype>``, the domain's
``Handling.guidance_key``). Every screen that shows a ticket uses these labels.

The referral numbers themselves are not written here: they come from the referral
directory the office maintains (``services.reference.referrals``) and are listed under
the guidance by the console, so a changed number never leaves a stale text behind.
"""

EN: dict[str, str] = {
    "category.suggestion": "Suggestion",
    "category.general_request": "General request",
    "category.help": "Help request",
    "category.complaint": "Complaint / report",
    "category.inquiry": "Inquiry",
    "category.praise": "Praise",
    "subtype.suggestion.reasonable": "Reasonable",
    "subtype.suggestion.unreasonable": "Unreasonable",
    "subtype.general_request.simple": "Simple",
    "subtype.general_request.general": "General",
    "subtype.general_request.complex_urgent": "Complex or urgent",
    "subtype.help.out_of_scope": "Out of scope",
    "subtype.help.general": "General",
    "subtype.help.urgent": "Urgent",
    "subtype.complaint.major": "Major matter",
    "subtype.complaint.staff_conduct": "Staff conduct",
    "subtype.complaint.other": "Other complaint or report",
    "subtype.inquiry.simple": "Simple",
    "subtype.inquiry.professional": "Professional",
    "subtype.praise.unit": "Of a handling unit",
    "subtype.praise.hotline": "Of the hotline",
    "mode.direct": "Direct",
    "mode.phone_handover": "Phone hand-over",
    "mode.transfer": "Ticket transfer",
    "status.draft": "Draft",
    "status.awaiting_dispatch": "Awaiting dispatch",
    "status.with_unit": "With unit",
    "status.awaiting_callback": "Awaiting callback",
    "status.supervised": "Supervised",
    "status.closed": "Closed",
    "guidance.suggestion.reasonable": (
        "Record the suggestion in detail and transfer it: the lead dispatches it to the handling unit."
    ),
    "guidance.suggestion.unreasonable": (
        "Decline politely and explain why, record it truthfully, and close it directly."
    ),
    "guidance.general_request.simple": (
        "Make a three-way call with the unit, or give the caller the unit's number; close it directly."
    ),
    "guidance.general_request.general": (
        "Record the request clearly; the shift lead dispatches it to a unit, which handles it and replies."
    ),
    "guidance.general_request.complex_urgent": (
        "Consult the shift lead first (put the caller on hold with their consent, F5); then the lead "
        "dispatches it or asks the hotline office."
    ),
    "guidance.help.out_of_scope": (
        "Out of the hotline's scope (lawsuits, economic disputes, police, courts and procuratorates): "
        "guide the caller to the right channel below, record the call and close it directly."
    ),
    "guidance.help.general": (
        "Record the time, the place, what happened, how to reach the caller and what they want; "
        "transfer it to the unit promptly."
    ),
    "guidance.help.urgent": (
        "An urgent request that is not a police matter: make a three-way call with the unit at once, "
        "or give the caller the unit's number; record it."
    ),
    "guidance.complaint.major": (
        "Breaches of law or discipline are not handled by the hotline: give the caller the numbers "
        "below, record the call and close it directly. The ticket is flagged major."
    ),
    "guidance.complaint.staff_conduct": (
        "Record the staff member's name, badge number, the time and what happened. A municipal "
        "department's staff: to the hotline office; a county department's: the lead dispatches it to "
        "that county unit."
    ),
    "guidance.complaint.other": "Record it and transfer it to the responsible unit.",
    "guidance.inquiry.simple": (
        "Answer from the knowledge base (F3) and give the department's contact; close it directly."
    ),
    "guidance.inquiry.professional": (
        "Make a three-way call with the unit, or transfer it for the lead to dispatch."
    ),
    "guidance.praise.unit": "Record it truthfully and transfer it to the unit praised.",
    "guidance.praise.hotline": "Record it and close it directly.",
}

ZH: dict[str, str] = {
    "category.suggestion": "建议",
    "category.general_request": "一般诉求",
    "category.help": "求助",
    "category.complaint": "投诉举报",
    "category.inquiry": "咨询",
    "category.praise": "表扬",
    "subtype.suggestion.reasonable": "合理建议",
    "subtype.suggestion.unreasonable": "不合理建议",
    "subtype.general_request.simple": "简单诉求",
    "subtype.general_request.general": "一般诉求",
    "subtype.general_request.complex_urgent": "复杂或紧急",
    "subtype.help.out_of_scope": "不在受理范围",
    "subtype.help.general": "一般求助",
    "subtype.help.urgent": "紧急求助",
    "subtype.complaint.major": "重大事件",
    "subtype.complaint.staff_conduct": "工作人员态度",
    "subtype.complaint.other": "其他投诉举报",
    "subtype.inquiry.simple": "简单咨询",
    "subtype.inquiry.professional": "专业性咨询",
    "subtype.praise.unit": "表扬承办单位",
    "subtype.praise.hotline": "表扬热线",
    "mode.direct": "直接办理",
    "mode.phone_handover": "电话交办",
    "mode.transfer": "工单转办",
    "status.draft": "草稿",
    "status.awaiting_dispatch": "待交办",
    "status.with_unit": "承办中",
    "status.awaiting_callback": "待回访",
    "status.supervised": "督办中",
    "status.closed": "已办结",
    "guidance.suggestion.reasonable": "详细记录建议内容,工单转办:由班长交办承办单位。",
    "guidance.suggestion.unreasonable": "婉言解释,如实记录,直接办结。",
    "guidance.general_request.simple": "三方通话联系承办单位,或告知来电人单位电话;直接办结。",
    "guidance.general_request.general": "清楚记录诉求;由班长交办承办单位,单位办理并回复。",
    "guidance.general_request.complex_urgent": (
        "先请示班长(征得来电人同意后保持通话,F5);再由班长交办,或报热线办公室。"
    ),
    "guidance.help.out_of_scope": (
        "不在热线受理范围(诉讼、经济纠纷、公检法事项):按下列渠道引导来电人,做好记录,直接办结。"
    ),
    "guidance.help.general": "记录时间、地点、事件、联系方式和来电人诉求;及时转交承办单位。",
    "guidance.help.urgent": "紧急求助(非警情):立即三方通话联系承办单位,或告知来电人单位电话;做好记录。",
    "guidance.complaint.major": (
        "违法违纪等重大事件不由热线办理:告知来电人下列电话,做好记录,直接办结。工单标记为重大。"
    ),
    "guidance.complaint.staff_conduct": (
        "记录工作人员姓名、工号、时间和事件。市直部门工作人员:转热线办公室;"
        "区县部门工作人员:由班长交办该区县单位。"
    ),
    "guidance.complaint.other": "记录后交办责任单位。",
    "guidance.inquiry.simple": "根据知识库答复(F3),并告知部门联系方式;直接办结。",
    "guidance.inquiry.professional": "三方通话联系承办单位,或工单转办由班长交办。",
    "guidance.praise.unit": "如实记录,转交被表扬的单位。",
    "guidance.praise.hotline": "记录后直接办结。",
}
